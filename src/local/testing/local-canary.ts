/** A `provider: local` Canary whose versions are the test VERSION_SERVER, for tests. */
import type { Canary, LocalVersion } from '../../api/types.js';
import { versionCommand } from './version-script.js';

export function localCanary(
  stablePort: number,
  canaryPort: number,
  canary: Partial<LocalVersion> = {},
): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'app', namespace: 'local' },
    spec: {
      provider: 'local',
      targetRef: { kind: 'Deployment', name: 'app' },
      service: { port: 80 },
      analysis: { interval: '10s', threshold: 2, maxWeight: 50, stepWeight: 10 },
      local: {
        listenPort: 0,
        metricsPort: 0,
        stable: { command: versionCommand(), port: stablePort, env: { VERSION: 'v1' } },
        canary: { command: versionCommand(), port: canaryPort, env: { VERSION: 'v2' }, ...canary },
        readinessPath: '/healthz',
        readinessTimeout: '5s',
      },
    },
  };
}
