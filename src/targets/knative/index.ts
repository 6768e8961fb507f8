/** The Knative Service target. */
import type { CanarySpec } from '../../api/types.js';

export { knativeTarget } from './knative-target.js';

/** A targetRef naming a Knative Service (serving.knative.dev), not a core Service. */
export function isKnativeService(targetRef: CanarySpec['targetRef']): boolean {
  return targetRef.kind === 'Service' && (targetRef.apiVersion ?? '').startsWith('serving.knative.dev/');
}
