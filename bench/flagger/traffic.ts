/**
 * Istio-shaped telemetry that follows the VirtualService: every second, `rps` requests are split between
 * `<app>-primary` and `<app>` by the weights the VirtualService holds right now (each request drawn
 * independently), and each one fails with its workload's error rate. Counted into the exporter the way
 * the destination sidecars count them (test/prometheus istioTraffic).
 */
import type { KubeClients } from '../../src/kube/client.js';
import { istioTraffic, type Exporter } from '../../test/prometheus/index.js';
import { splitOf, type VirtualServiceView } from '../../test/e2e/support/scenario.js';

export interface WeightedTraffic {
  namespace: string;
  app: string;
  rps: number;
  primaryErrorRate: number;
  canaryErrorRate: number;
}

/** Binomial draw: how many of `n` independent trials with probability `p` succeed. */
function draw(n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (Math.random() < p) k++;
  return k;
}

export function startWeightedTraffic(
  clients: KubeClients,
  exporter: Exporter,
  t: WeightedTraffic,
): { stop(): void } {
  let canaryWeight = 0;
  const readWeights = async () => {
    const vs = (await clients.custom
      .getNamespacedCustomObject({
        group: 'networking.istio.io',
        version: 'v1',
        namespace: t.namespace,
        plural: 'virtualservices',
        name: t.app,
      })
      .catch(() => undefined)) as VirtualServiceView | undefined;
    const split = vs ? splitOf(vs) : undefined;
    if (split) canaryWeight = split.canary;
  };
  const tick = () => {
    void readWeights();
    const toCanary = draw(t.rps, canaryWeight / 100);
    const toPrimary = t.rps - toCanary;
    for (const [workload, n, rate] of [
      [`${t.app}-primary`, toPrimary, t.primaryErrorRate],
      [t.app, toCanary, t.canaryErrorRate],
    ] as const) {
      const errors = draw(n, rate);
      istioTraffic(exporter, { workload, namespace: t.namespace, ok: n - errors, errors });
    }
  };
  tick();
  const timer = setInterval(tick, 1000);
  return { stop: () => clearInterval(timer) };
}
