/**
 * The demo's Canary: the sample app as stable and canary processes behind Aviary's router, analysed
 * every 2 s on the router's own request metrics, with the statistical judge comparing the canary's
 * error rate with the primary's.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Canary, CanaryWebhook } from '../api/types.js';

export interface DemoVersion {
  version: string;
  errorRate: number;
  latencyMs: number;
}

// The sample app next to this module: compiled JavaScript in a build (dist/), else TypeScript, run through
// tsx's loader resolved from Aviary's own install.
const FROM_SOURCES = import.meta.url.endsWith('.ts');
const SAMPLE_APP = fileURLToPath(
  new URL(FROM_SOURCES ? './sample-app.ts' : './sample-app.js', import.meta.url),
);

export function sampleAppCommand(v: DemoVersion): string[] {
  const loader = FROM_SOURCES
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href]
    : [];
  return [
    process.execPath,
    ...loader,
    SAMPLE_APP,
    '--port',
    '{port}',
    '--version',
    v.version,
    '--error-rate',
    String(v.errorRate),
    '--latency-ms',
    String(v.latencyMs),
  ];
}

export function demoCanary(
  ports: { stable: number; canary: number; router?: number },
  stable: DemoVersion,
  canary: DemoVersion,
  webhooks: CanaryWebhook[] = [],
): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'demo', namespace: 'local' },
    spec: {
      provider: 'local',
      targetRef: { kind: 'Deployment', name: 'demo' },
      service: { port: 80, timeout: '5s' },
      analysis: {
        interval: '2s',
        threshold: 2,
        maxWeight: 50,
        stepWeight: 10,
        maxInconclusive: 20,
        metrics: [
          {
            name: 'request-success-rate',
            interval: '10s',
            thresholdRange: { min: 99 },
            compareWithPrimary: { maxIncrease: 1 },
          },
          // p99 limit well above v2's (~10 ms, up to ~90 ms on a loaded machine) and below v3's (>= 240 ms).
          { name: 'request-duration', interval: '10s', thresholdRange: { max: 200 } },
        ],
        ...(webhooks.length > 0 ? { webhooks } : {}),
      },
      local: {
        listenPort: ports.router ?? 0,
        metricsPort: 0,
        stable: { command: sampleAppCommand(stable), port: ports.stable },
        canary: { command: sampleAppCommand(canary), port: ports.canary },
        readinessPath: '/healthz',
        readinessTimeout: '20s',
      },
    },
  };
}
