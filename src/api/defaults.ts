/**
 * Flagger's defaults, applied when the engine reads a spec (never written back into the user's object).
 * Each function names the Flagger behaviour it keeps.
 */
import { parseDuration } from './duration.js';
import type { CanaryAnalysis, CanarySpec, Provider } from './types.js';

export const TOTAL_WEIGHT = 100;
export const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
export const DEFAULT_METRIC_INTERVAL = '1m';

/** The namespace of an object whose manifest names none is Kubernetes' `default`. */
export function namespaceOf(object: { metadata?: { namespace?: string | undefined } | undefined }): string {
  return object.metadata?.namespace ?? 'default';
}

export type Strategy = 'canary' | 'ab-testing' | 'blue-green';

/** Analysis tick period: default 60 s, unparseable -> 60 s, below 10 s clamped to 10 s (Flagger). */
export function analysisIntervalMs(analysis: CanaryAnalysis, minimumMs = 10_000): number {
  const parsed = analysis.interval ? parseDuration(analysis.interval) : undefined;
  return Math.max(parsed ?? 60_000, minimumMs);
}

/** Failed-check limit; <= 0 or unset becomes 1 (Flagger). */
export function failureThreshold(analysis: CanaryAnalysis): number {
  return analysis.threshold && analysis.threshold > 0 ? analysis.threshold : 1;
}

/** With stepWeights the last step (capped at 100) is the maximum; else maxWeight or 100. */
export function maxWeight(analysis: CanaryAnalysis): number {
  const steps = analysis.stepWeights ?? [];
  if (steps.length > 0) return Math.min(TOTAL_WEIGHT, steps[steps.length - 1] ?? TOTAL_WEIGHT);
  return analysis.maxWeight && analysis.maxWeight > 0 ? analysis.maxWeight : TOTAL_WEIGHT;
}

/** How much the canary weight grows from `current` (Flagger's nextStepWeight). */
export function nextStepWeight(analysis: CanaryAnalysis, current: number): number {
  const steps = analysis.stepWeights ?? [];
  if ((analysis.stepWeight ?? 0) > 0 || steps.length === 0) return analysis.stepWeight ?? 0;
  const room = TOTAL_WEIGHT - current;
  if (room === 0) return 1;
  if (current === 0) return Math.min(room, steps[0] ?? room);
  const index = steps.indexOf(current);
  const next = index >= 0 ? steps[index + 1] : undefined;
  return next === undefined ? room : Math.min(room, next - current);
}

/** Flagger's iterations for a `kubernetes` provider canary that asked for weights. */
export const KUBERNETES_BLUE_GREEN_ITERATIONS = 10;

/**
 * The analysis as it runs. The `kubernetes` provider cannot split traffic by weight: as in Flagger, a
 * Canary without iterations runs as blue/green with 10 (validate says so as a warning), so the engine,
 * the router and validate agree.
 */
export function runningAnalysis(spec: CanarySpec): CanaryAnalysis {
  const analysis = spec.analysis;
  if (providerOf(spec) !== 'kubernetes' || (analysis.iterations ?? 0) > 0) return analysis;
  return { ...analysis, iterations: KUBERNETES_BLUE_GREEN_ITERATIONS };
}

export function strategyOf(analysis: CanaryAnalysis): Strategy {
  const iterations = analysis.iterations ?? 0;
  if (iterations > 0 && (analysis.match?.length ?? 0) > 0) return 'ab-testing';
  if (iterations > 0) return 'blue-green';
  return 'canary';
}

export function progressDeadlineMs(spec: CanarySpec): number {
  return (spec.progressDeadlineSeconds ?? DEFAULT_PROGRESS_DEADLINE_SECONDS) * 1000;
}

export function readyThreshold(percent: number | undefined): number {
  return percent ?? 100;
}

export function providerOf(spec: CanarySpec, fallback: Provider = 'istio'): Provider {
  return spec.provider ?? (spec.local ? 'local' : fallback);
}

/**
 * Aviary: consecutive inconclusive intervals before a release stops for insufficient traffic. Unset, as
 * many as fit in the progress deadline: a step that cannot decide is a step that makes no progress, and
 * the judge's guarantee holds however long it keeps looking, so waiting costs time, never accuracy.
 */
export function maxInconclusive(spec: CanarySpec, intervalMs: number): number {
  return spec.analysis.maxInconclusive ?? Math.max(1, Math.ceil(progressDeadlineMs(spec) / intervalMs));
}

/** The local router's metrics port when spec.local.metricsPort is unset: listenPort + 1 (ephemeral with 0). */
export function defaultMetricsPort(listenPort: number): number {
  return listenPort === 0 ? 0 : listenPort + 1;
}

/** Service names: apex = service.name or target name (Flagger's GetServiceNames). */
export function serviceNames(spec: CanarySpec): { apex: string; primary: string; canary: string } {
  const apex = spec.service.name ?? spec.targetRef.name;
  return { apex, primary: `${apex}-primary`, canary: `${apex}-canary` };
}
