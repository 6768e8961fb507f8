import type { HeaderMatch, HTTPMatchRequest, StringMatch } from '../../api/types.js';

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

/**
 * A header match in the fields every proxy has: `suffix` (which none has for headers) becomes the regular
 * expression that means it, any text then the suffix literally then the end of the value. The expression
 * is RE2 and PCRE alike and means the same whether the proxy matches it whole (Envoy) or searches it
 * (NGINX). `suffix` set beside another field is left to that field: validate refuses the pair.
 */
export function suffixAsRegex(match: HeaderMatch): StringMatch {
  const { suffix, ...rest } = match;
  if (suffix === undefined || Object.keys(rest).length > 0) return rest;
  return { regex: `.*${escapeRegex(suffix)}$` };
}
