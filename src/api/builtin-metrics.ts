/**
 * The metrics a Canary may name without a templateRef (Flagger's builtin checks): every metric source
 * answers these two from its own queries, for the mesh provider or the local router.
 */
export const BUILTIN_METRICS = ['request-success-rate', 'request-duration'] as const;
export type BuiltinMetricName = (typeof BUILTIN_METRICS)[number];

export function isBuiltinMetric(name: string): name is BuiltinMetricName {
  return (BUILTIN_METRICS as readonly string[]).includes(name);
}
