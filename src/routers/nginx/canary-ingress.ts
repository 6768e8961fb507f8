/**
 * The NGINX canary Ingress, as Flagger makes it — pure functions. `<ingressRef.name>-canary` is a copy
 * of the user's Ingress whose backends on `<apex>` point at `<apex>-canary`; NGINX reads the split from
 * its annotations: `canary: "true"` and `canary-weight`, or for A/B `canary-by-header` (+ `-value` exact
 * or `-pattern` regex) and `canary-by-cookie`. The user's own canary-* annotations are not copied.
 */
import type { V1IngressBackend, V1IngressSpec } from '@kubernetes/client-node';
import { serviceNames } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import { ALL_TO_PRIMARY, type Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { escapeRegex, suffixAsRegex } from '../shared/match.js';

export const DEFAULT_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

export function ingressRefName(canary: Canary): string {
  const name = (canary.spec.ingressRef as { name?: string } | undefined)?.name;
  if (!name)
    throw new AviaryError(
      'INVALID_SPEC',
      'spec.ingressRef.name is required with provider nginx: name the Ingress that routes to the apex service',
    );
  return name;
}

export const canaryIngressName = (canary: Canary) => `${ingressRefName(canary)}-canary`;

/** The user's Ingress spec with every backend on the apex service moved to `<apex>-canary`. */
export function canaryIngressSpec(canary: Canary, userSpec: V1IngressSpec): V1IngressSpec {
  const names = serviceNames(canary.spec);
  const spec = structuredClone(userSpec);
  let found = false;
  const retarget = (backend: V1IngressBackend | undefined) => {
    if (backend?.service?.name === names.apex) {
      backend.service.name = names.canary;
      found = true;
    }
  };
  retarget(spec.defaultBackend);
  for (const rule of spec.rules ?? []) for (const path of rule.http?.paths ?? []) retarget(path.backend);
  if (!found)
    throw new AviaryError(
      'INVALID_SPEC',
      `Ingress ${ingressRefName(canary)} (spec.ingressRef) has no backend on service ${names.apex}: NGINX could not send any request to the canary — point a path of it at ${names.apex}`,
    );
  return spec;
}

const isCanaryKey = (key: string, prefix: string) => key.startsWith(`${prefix}/canary`);

/** Annotations of `annotations` that are not NGINX canary settings (nor kubectl's last-applied copy). */
export function withoutCanaryAnnotations(
  annotations: Record<string, string> | undefined,
  prefix: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(annotations ?? {}).filter(([k]) => !isCanaryKey(k, prefix) && k !== LAST_APPLIED),
  );
}

/** Only the NGINX canary settings of `annotations`. */
export function canaryAnnotationsOf(annotations: Record<string, string> | undefined, prefix: string) {
  return Object.fromEntries(Object.entries(annotations ?? {}).filter(([k]) => isCanaryKey(k, prefix)));
}

/** The canary annotations for a split. A/B is all or nothing: matching requests go to the canary or not. */
export function canaryAnnotations(canary: Canary, routes: Routes, prefix: string): Record<string, string> {
  const at = (name: string) => `${prefix}/${name}`;
  const match = canary.spec.analysis.match ?? [];
  if (match.length === 0)
    return { [at('canary')]: 'true', [at('canary-weight')]: String(routes.canaryWeight) };
  const ab = abAnnotations(canary, prefix);
  if (routes.canaryWeight === 0) return { [at('canary')]: 'true', [at('canary-weight')]: '0' };
  if (routes.canaryWeight === 100) return { [at('canary')]: 'true', ...ab };
  throw new AviaryError(
    'INVALID_SPEC',
    `provider nginx cannot send ${routes.canaryWeight}% of the requests matching analysis.match to the canary: NGINX routes them all (100) or none (0)`,
  );
}

/** analysis.match as NGINX's one header (exact value or pattern) and one cookie. */
export function abAnnotations(canary: Canary, prefix: string): Record<string, string> {
  const at = (name: string) => `${prefix}/${name}`;
  const out: Record<string, string> = {};
  for (const [i, m] of (canary.spec.analysis.match ?? []).entries()) {
    const other = Object.keys(m).filter((k) => k !== 'headers' && k !== 'name');
    if (other.length)
      throw new AviaryError(
        'INVALID_SPEC',
        `analysis.match[${i}]: ${other.join(', ')} cannot be matched by NGINX canary annotations — use one header and/or the cookie header`,
      );
    for (const [name, written] of Object.entries(m.headers ?? {})) {
      const value = suffixAsRegex(written);
      const where = `analysis.match[${i}].headers.${name}`;
      if (name.toLowerCase() === 'cookie') {
        if (value.exact === undefined)
          throw new AviaryError(
            'INVALID_SPEC',
            `${where}: NGINX matches a cookie by its exact name (canary-by-cookie)`,
          );
        if (out[at('canary-by-cookie')] !== undefined && out[at('canary-by-cookie')] !== value.exact)
          throw new AviaryError('INVALID_SPEC', `${where}: NGINX routes A/B by one cookie only`);
        out[at('canary-by-cookie')] = value.exact;
        continue;
      }
      if (out[at('canary-by-header')] !== undefined && out[at('canary-by-header')] !== name)
        throw new AviaryError('INVALID_SPEC', `${where}: NGINX routes A/B by one header only`);
      out[at('canary-by-header')] = name;
      if (value.exact !== undefined) out[at('canary-by-header-value')] = value.exact;
      else if (value.regex !== undefined) out[at('canary-by-header-pattern')] = value.regex;
      else if (value.prefix !== undefined)
        out[at('canary-by-header-pattern')] = `^${escapeRegex(value.prefix)}.*`;
    }
  }
  if (Object.keys(out).length === 0)
    throw new AviaryError(
      'INVALID_SPEC',
      'analysis.match: NGINX needs a header or cookie to match A/B requests',
    );
  return out;
}

/** The split NGINX applies for these annotations (Flagger's GetRoutes, plus canary-weight-total). */
export function routesOfAnnotations(annotations: Record<string, string> | undefined, prefix: string): Routes {
  const a = annotations ?? {};
  const at = (name: string) => a[`${prefix}/${name}`];
  if (at('canary') !== 'true') return ALL_TO_PRIMARY;
  if (at('canary-by-header') !== undefined || at('canary-by-cookie') !== undefined)
    return { primaryWeight: 0, canaryWeight: 100, mirrored: false };
  const weight = Number.parseInt(at('canary-weight') ?? '0', 10);
  const total = Number.parseInt(at('canary-weight-total') ?? '100', 10);
  const canaryWeight =
    Number.isFinite(weight) && total > 0 ? Math.round((Math.max(0, weight) * 100) / total) : 0;
  return {
    primaryWeight: 100 - Math.min(100, canaryWeight),
    canaryWeight: Math.min(100, canaryWeight),
    mirrored: false,
  };
}
