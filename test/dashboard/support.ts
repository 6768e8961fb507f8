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
