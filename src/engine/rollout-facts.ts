/**
 * What the "initialization completed" and "new revision" alerts tell about how the release will run,
 * after the target: the same facts, names and order as Flagger's alerts (alertMetadata in
 * pkg/controller/events.go), so a channel that receives both reads the same thing.
 */
import { DEFAULT_PROGRESS_DEADLINE_SECONDS, failureThreshold, maxWeight } from '../api/defaults.js';
import type { CanarySpec } from '../api/types.js';

/**
 * How traffic moves, as Flagger names it; none for an analysis that names no way (validate refuses it).
 * `max` is the weight the release really stops at: Flagger prints the raw maxWeight, 0 when only
 * stepWeights are set (docs/flagger-differences.md).
 */
function trafficRouting(spec: CanarySpec): string | undefined {
  const analysis = spec.analysis;
  const steps = analysis.stepWeights ?? [];
  if ((analysis.stepWeight ?? 0) > 0)
    return `Weight step: ${analysis.stepWeight} max: ${maxWeight(analysis)}`;
  if (steps.length > 0) return `Weight steps: ${steps.join(',')} max: ${maxWeight(analysis)}`;
  if ((analysis.match?.length ?? 0) > 0) return 'A/B Testing';
  if ((analysis.iterations ?? 0) > 0) return 'Blue/Green';
  return undefined;
}

export function rolloutFacts(spec: CanarySpec): Record<string, string> {
  const routing = trafficRouting(spec);
  return {
    'Failed checks threshold': String(failureThreshold(spec.analysis)),
    'Progress deadline': `${spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS}s`,
    ...(routing ? { 'Traffic routing': routing } : {}),
  };
}
