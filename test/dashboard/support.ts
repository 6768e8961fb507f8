/** Shared by the dashboard tests: a fixed in-memory source and a JSON GET. */
import type { CanarySource, CanaryView, DashboardSnapshot } from '../../src/dashboard/index.js';

export const INJECTION =
  '<img src=x onerror="document.title=\'pwned\'"><script>document.title="pwned"</script>';

/** A canary mid-release whose every text field also tries to inject markup. */
export function progressingCanary(name = 'podinfo'): CanaryView {
  return {
    name,
    namespace: 'test',
    phase: 'Progressing',
    canaryWeight: 30,
    maxWeight: 50,
    failedChecks: 1,
    threshold: 5,
    iterations: 3,
    lastChecks: [
      {
        name: 'request-success-rate',
        decision: 'pass',
        value: 99.5,
        samples: 802,
        threshold: '>= 99',
        message: 'success rate 99.5% >= 99%',
      },
      {
        name: `latency ${INJECTION}`,
        decision: 'inconclusive',
        value: 12.5,
        primaryValue: 11,
        samples: 12,
        primarySamples: 300,
        threshold: `<= 100 ${INJECTION}`,
        message: `not enough traffic ${INJECTION}`,
      },
    ],
    failureReason: `reason ${INJECTION}`,
    lastTransitionTime: new Date().toISOString(),
    events: [{ type: 'Warning', reason: `Halt ${INJECTION}`, message: `event ${INJECTION}`, count: 2 }],
  };
}

export function fixedSource(canaries: CanaryView[]): CanarySource {
  return { description: `fixed source ${INJECTION}`, list: () => Promise.resolve(structuredClone(canaries)) };
}

export async function getJson(url: string): Promise<{ status: number; body: DashboardSnapshot }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as DashboardSnapshot };
}

/**
 * podinfo mid-release, one step further at each call: weight 10, 20, 30 ... 50, the success rate dipping
 * under its threshold at the third step, latency compared with the primary's, one more event each time.
 */
export function releasingSource(fleet: CanaryView[] = []): CanarySource & { calls: number } {
  const started = Date.now();
  const source = {
    description: 'a release in progress',
    calls: 0,
    list(): Promise<CanaryView[]> {
      const step = Math.min(5, ++source.calls);
      const rate = step === 3 ? 97.5 : 99 + step / 10;
      const latency = 80 + step * 10;
      const canary: CanaryView = {
        name: 'podinfo',
        namespace: 'test',
        phase: 'Progressing',
        canaryWeight: step * 10,
        maxWeight: 50,
        failedChecks: step >= 3 ? 1 : 0,
        threshold: 5,
        iterations: step,
        thresholds: { 'request-success-rate': { min: 99 }, 'request-duration': { max: 500 } },
        observedTraffic: {
          verdict: 'consistent',
          canaryWeight: step * 10,
          canaryShare: step * 10 - 0.4,
          windowSeconds: 60,
          checkedAt: new Date().toISOString(),
          message: `Split follows the weights: canary received ${step * 10 - 0.4}% of 1200 requests`,
        },
        lastChecks: [
          {
            name: 'request-success-rate',
            decision: rate < 99 ? 'fail' : 'pass',
            value: rate,
            samples: 600,
            threshold: '>= 99',
            message: `success rate ${rate}%`,
          },
          {
            name: 'request-duration',
            decision: 'pass',
            value: latency,
            primaryValue: 85,
            samples: 600,
            primarySamples: 5400,
            threshold: '<= 500',
            message: `p99 ${latency} ms vs primary 85 ms`,
          },
        ],
        lastTransitionTime: new Date(Date.now() - 60_000).toISOString(),
        events: Array.from({ length: step }, (_, i) => ({
          type: i === 2 ? 'Warning' : 'Normal',
          reason: i === 2 ? 'Halt' : 'Progressing',
          message:
            i === 2
              ? 'request-success-rate 97.5% < 99%'
              : `Advance podinfo.test canary weight ${(i + 1) * 10}`,
          time: new Date(started + i * 1000).toISOString(),
        })),
      };
      return Promise.resolve([canary, ...structuredClone(fleet)]);
    },
  };
  return source;
}

const PHASES = ['Progressing', 'Succeeded', 'Failed', 'Waiting', 'Initialized'];

/** `count` canaries over five namespaces and five phases, weights 0..99. */
export function fleet(count: number): CanaryView[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `svc-${String(i).padStart(3, '0')}`,
    namespace: `team-${i % 5}`,
    phase: PHASES[Math.floor(i / 5) % PHASES.length]!,
    canaryWeight: (i * 7) % 100,
    maxWeight: 100,
    failedChecks: i % 3,
    threshold: 5,
    lastChecks: [],
    lastTransitionTime: new Date(Date.now() - i * 60_000).toISOString(),
    events: [],
  }));
}
