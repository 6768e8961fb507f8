/**
 * Per-version request metrics of the local router: Prometheus counters/histograms (prom-client, in a
 * registry of their own) for scraping, plus the in-process OutcomeWindow the builtin metric source reads.
 *
 * Like Istio's destination reporter, the canary's numbers include the mirrored copies it answered, so a
 * mirrored analysis step measures the canary on real traffic.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ProxyRoutes, RequestObserver, Version } from '../router/types.js';
import { codeClassOf, OutcomeWindow, type OutcomeWindowOptions } from './outcome-window.js';

export const METRIC_NAMES = {
  requests: 'aviary_requests_total',
  duration: 'aviary_request_duration_milliseconds',
  mirror: 'aviary_mirror_requests_total',
  weight: 'aviary_route_weight_percent',
} as const;

export const DURATION_BUCKETS_MS = [
  1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000, 60_000,
];

export class RequestMetrics implements RequestObserver {
  readonly registry = new Registry();
  readonly window: OutcomeWindow;
  private readonly requests: Counter<'version' | 'code_class'>;
  private readonly duration: Histogram<'version'>;
  private readonly mirrors: Counter<'result'>;
  private routes: (() => ProxyRoutes | undefined) | undefined;

  constructor(options: OutcomeWindowOptions = {}) {
    this.window = new OutcomeWindow(options);
    this.requests = new Counter({
      name: METRIC_NAMES.requests,
      help: 'Responses by version (primary/canary) and status class, as the router saw them (canary includes mirrored copies).',
      labelNames: ['version', 'code_class'],
      registers: [this.registry],
    });
    this.duration = new Histogram({
      name: METRIC_NAMES.duration,
      help: 'Time from request received to response fully sent, in milliseconds, by version.',
      labelNames: ['version'],
      buckets: DURATION_BUCKETS_MS,
      registers: [this.registry],
    });
    this.mirrors = new Counter({
      name: METRIC_NAMES.mirror,
      help: 'Mirrored copies sent to the canary, by result (status class, or dropped/error/timeout).',
      labelNames: ['result'],
      registers: [this.registry],
    });
    const currentRoutes = () => this.routes?.();
    new Gauge({
      name: METRIC_NAMES.weight,
      help: 'Traffic weight the router currently applies, by version.',
      labelNames: ['version'],
      registers: [this.registry],
      collect() {
        const routes = currentRoutes();
        if (!routes) return;
        this.set({ version: 'primary' }, routes.primaryWeight);
        this.set({ version: 'canary' }, routes.canaryWeight);
      },
    });
    for (const version of ['primary', 'canary'] as const) this.duration.zero({ version });
  }

  /** Lets the weight gauge report the router's live routes. */
  bindRoutes(routes: () => ProxyRoutes | undefined): void {
    this.routes = routes;
  }

  observe(version: Version, status: number, durationMs: number, mirrored: boolean): void {
    const cls = codeClassOf(status);
    this.requests.inc({ version, code_class: cls });
    this.duration.observe({ version }, durationMs);
    if (mirrored) this.mirrors.inc({ result: cls });
    this.window.record(version, status, durationMs);
  }

  mirrorFailed(reason: 'dropped' | 'error' | 'timeout'): void {
    this.mirrors.inc({ result: reason });
  }

  /** Prometheus text exposition. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
