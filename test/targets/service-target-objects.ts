/**
 * A core Service and a Canary targeting it, as the Service-target tests apply them: the Service selects
 * `<name>-blue` pods on port 80, and the Canary routes its copies on that port.
 */
import type { KubeObject } from '../cluster/objects.js';

export interface ServiceTargetRelease {
  namespace: string;
  name: string;
  provider: string;
  analysis: Record<string, unknown>;
  /** The Canary's API group: Aviary's, or Flagger's to run the same spec under Flagger. */
  group?: 'aviary.dev' | 'flagger.app';
  /** More spec fields of the Canary. */
  spec?: Record<string, unknown>;
}

export function serviceTargetObjects(release: ServiceTargetRelease): KubeObject[] {
  const { namespace, name } = release;
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { app: name } },
      spec: { selector: { app: `${name}-blue` }, ports: [{ name: 'http', port: 80, targetPort: 9898 }] },
    },
    {
      apiVersion: `${release.group ?? 'aviary.dev'}/v1beta1`,
      kind: 'Canary',
      metadata: { name, namespace },
      spec: {
        provider: release.provider,
        targetRef: { apiVersion: 'v1', kind: 'Service', name },
        service: { port: 80 },
        analysis: release.analysis,
        ...release.spec,
      },
    },
  ];
}
