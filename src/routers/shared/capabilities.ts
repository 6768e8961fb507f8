/**
 * What a router can express besides a weighted split. A Canary asking for something its provider cannot
 * do is refused with the reason, never run as if it had been applied: an A/B test whose match is
 * dropped would judge the canary on the wrong requests and promote it anyway.
 */
import type { Canary } from '../../api/types.js';
import type { Routes } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { namespaceOf } from '../../api/defaults.js';

export interface RouterCapabilities {
  /**
   * analysis.match: A/B testing by request headers, cookies or query parameters. A router that declares
   * it writes every header match, `suffix` included (the contract suite sends one through each).
   */
  match: boolean;
  /** analysis.mirror: copy traffic to the canary (blue/green). */
  mirror: boolean;
  /** analysis.sessionAffinity: a client sent to the canary once stays there. */
  sessionAffinity: boolean;
}

const WHAT: Record<keyof RouterCapabilities, string> = {
  match: 'route by analysis.match (A/B testing)',
  mirror: 'mirror traffic to the canary (analysis.mirror)',
  sessionAffinity: 'keep clients on the canary (analysis.sessionAffinity)',
};

/** Providers that can, for the "use ... instead" hint. */
const ABLE: Record<keyof RouterCapabilities, string> = {
  match: 'istio, gatewayapi:v1, contour or nginx',
  mirror: 'istio or gatewayapi:v1',
  sessionAffinity: 'istio or gatewayapi:v1',
};

export function unsupported(
  provider: string,
  capability: keyof RouterCapabilities,
  canary: Canary,
): AviaryError {
  return new AviaryError(
    'INVALID_SPEC',
    `provider ${provider} cannot ${WHAT[capability]} (canary ${namespaceOf(canary)}/${canary.metadata.name}) — remove it from the Canary or use ${ABLE[capability]}`,
  );
}

/** Throws when the Canary (or the routes asked) needs a capability the router lacks. */
export function refuseUnsupported(
  provider: string,
  capabilities: RouterCapabilities,
  canary: Canary,
  routes?: Routes,
): void {
  const { analysis } = canary.spec;
  if (!capabilities.match && (analysis.match?.length ?? 0) > 0) throw unsupported(provider, 'match', canary);
  if (!capabilities.mirror && (analysis.mirror || routes?.mirrored))
    throw unsupported(provider, 'mirror', canary);
  if (!capabilities.sessionAffinity && analysis.sessionAffinity)
    throw unsupported(provider, 'sessionAffinity', canary);
}
