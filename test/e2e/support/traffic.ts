/**
 * Istio-shaped request telemetry the scenarios steer: every 250 ms each registered workload "receives"
 * requests, counted into the exporter Prometheus scrapes, as Envoy's destination-side stats would be.
 */
import { istioTraffic, type Exporter } from '../../prometheus/index.js';

export interface WorkloadTraffic {
  /** Share of requests answered 5xx (0..1). */
  errorRate?: number;
  latencyMs?: number;
}

export interface TrafficGenerator {
  /** Starts (or changes) the traffic a workload receives; `undefined` stops it. */
  set(namespace: string, workload: string, traffic: WorkloadTraffic | undefined): void;
  stop(): void;
}

const REQUESTS_PER_TICK = 20;

export function startTraffic(exporter: Exporter, tickMs = 250): TrafficGenerator {
  const workloads = new Map<string, { namespace: string; workload: string } & WorkloadTraffic>();
  const tick = () => {
    for (const { namespace, workload, errorRate = 0, latencyMs = 20 } of workloads.values()) {
      const errors = Math.round(REQUESTS_PER_TICK * errorRate);
      istioTraffic(exporter, { workload, namespace, ok: REQUESTS_PER_TICK - errors, errors, latencyMs });
    }
  };
  const timer = setInterval(tick, tickMs);
  return {
    set(namespace, workload, traffic) {
      const key = `${namespace}/${workload}`;
      if (traffic) workloads.set(key, { namespace, workload, ...traffic });
      else workloads.delete(key);
      tick();
    },
    stop: () => clearInterval(timer),
  };
}
