/**
 * service.corsPolicy (Istio's CorsPolicy) as a Gateway API CORS filter, as Flagger maps it: origins,
 * methods, headers, credentials and maxAge in seconds. What the filter cannot express is refused with
 * the field, where Flagger logs it and drops it.
 */
import { parseDuration } from '../../api/duration.js';
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { HTTPCORSFilter } from './types.js';

/** The methods HTTPRoute's CORS filter accepts (its CRD's enum). */
const METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  '*',
]);
/** The CRD's pattern: `*`, or scheme://host[:port] with an optional leading `*.` label. */
const ORIGIN = /^(\*|https?:\/\/((\*\.)?([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+|\*)(:[0-9]{1,5})?)$/;

function refuse(field: string, message: string): AviaryError {
  return new AviaryError('INVALID_SPEC', `spec.service.corsPolicy.${field}: ${message}`);
}

export function corsFilter(canary: Canary): HTTPCORSFilter | undefined {
  const policy = canary.spec.service.corsPolicy;
  if (!policy) return undefined;
  const origins = [
    ...(policy.allowOrigin ?? []).map((origin, i) => ({ origin, field: `allowOrigin[${i}]` })),
    ...(policy.allowOrigins ?? []).map((match, i) => {
      if (match.exact === undefined)
        throw refuse(
          `allowOrigins[${i}]`,
          'Gateway API matches origins exactly (or with a leading *. wildcard) — write it as exact, or list it in allowOrigin',
        );
      return { origin: match.exact, field: `allowOrigins[${i}]` };
    }),
  ];
  for (const { origin, field } of origins)
    if (!ORIGIN.test(origin))
      throw refuse(
        field,
        `"${origin}" is not an origin Gateway API accepts — write scheme://host[:port], e.g. https://${origin.replace(/^[a-z]+:\/\//, '')}, or *`,
      );
  const methods = (policy.allowMethods ?? []).map((m, i) => {
    const method = m.toUpperCase();
    if (!METHODS.has(method))
      throw refuse(
        `allowMethods[${i}]`,
        `"${m}" is not a method the CORS filter accepts — use one of ${[...METHODS].join(', ')}`,
      );
    return method;
  });
  let maxAge: number | undefined;
  if (policy.maxAge !== undefined) {
    const ms = parseDuration(policy.maxAge);
    if (ms === undefined) throw refuse('maxAge', `"${policy.maxAge}" is not a duration — write e.g. 24h`);
    maxAge = Math.floor(ms / 1000);
  }
  return {
    ...(origins.length ? { allowOrigins: origins.map((o) => o.origin) } : {}),
    ...(methods.length ? { allowMethods: methods } : {}),
    ...(policy.allowHeaders?.length ? { allowHeaders: [...policy.allowHeaders] } : {}),
    ...(policy.exposeHeaders?.length ? { exposeHeaders: [...policy.exposeHeaders] } : {}),
    ...(policy.allowCredentials ? { allowCredentials: true } : {}),
    ...(maxAge !== undefined ? { maxAge } : {}),
  };
}
