import type { HTTPMatchRequest } from '../../api/types.js';

/**
 * Flagger's rule for an A/B test under service-level matches: every analysis condition is combined
 * with every service condition by taking the service condition and replacing the fields `carried`
 * (for Istio headers and sourceLabels, for Gateway API headers and queryParams) with the analysis
 * condition's. Other fields of the analysis condition are not used; `aviary validate` warns about them.
 */
export function mergeMatches(
  analysisMatch: HTTPMatchRequest[],
  serviceMatch: HTTPMatchRequest[],
  carried: readonly (keyof HTTPMatchRequest)[],
): HTTPMatchRequest[] {
  if (serviceMatch.length === 0) return analysisMatch;
  return analysisMatch.flatMap((condition) =>
    serviceMatch.map((base) => {
      const merged: HTTPMatchRequest = { ...base };
      for (const field of carried) {
        const value = condition[field];
        if (value !== undefined && (typeof value !== 'object' || Object.keys(value).length > 0))
          (merged as Record<string, unknown>)[field] = value;
      }
      return merged;
    }),
  );
}

/** The analysis.match fields each provider carries into a merged condition (Flagger's rule). */
export const MERGED_MATCH_FIELDS: Record<'istio' | 'gatewayapi', readonly (keyof HTTPMatchRequest)[]> = {
  istio: ['headers', 'sourceLabels'],
  gatewayapi: ['headers', 'queryParams'],
};

/** `text` as a regular expression that matches it literally (a path prefix, a cookie). */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
