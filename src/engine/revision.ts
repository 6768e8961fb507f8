/** New-revision detection (Flagger's hasSpecChanged + HaveDependenciesChanged) and session cookies. */
import type { CanaryStatus, SessionAffinity } from '../api/types.js';
import type { Revision } from './ports.js';

function configsDiffer(
  before: Record<string, string> = {},
  after: Record<string, string> | undefined,
): boolean {
  if (after === undefined) return false; // the target does not track configs
  const keys = Object.keys(after);
  if (keys.length !== Object.keys(before).length) return true;
  return keys.some((k) => before[k] !== after[k]);
}

/**
 * A revision is new when its spec differs from the last applied one — except a manual rollback to the
 * promoted spec, which must not start a canary of what is already running — or a tracked config changed.
 */
export function isNewRevision(status: CanaryStatus, revision: Revision): boolean {
  if (!status.lastAppliedSpec) return true;
  const specChanged = revision.spec !== status.lastPromotedSpec && revision.spec !== status.lastAppliedSpec;
  return specChanged || configsDiffer(status.trackedConfigs, revision.trackedConfigs);
}

/** FNV-1a 32-bit, hex: a short stable digest (crash-safe: the same inputs always give the same cookie). */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * Session affinity: one cookie per canary revision, stored as Flagger stores it (`<cookieName>=<digest>`),
 * derived from the canary and the revision so a re-run after a crash picks the same value; with
 * primaryCookieName a primary cookie too. The last canary cookie is kept as the previous one so the
 * router can send clients pinned to an older canary back to the primary.
 */
export function rotateCookies(
  status: CanaryStatus,
  affinity: SessionAffinity | undefined,
  identity: string,
  revision: Revision,
): Pick<
  CanaryStatus,
  'sessionAffinityCookie' | 'previousSessionAffinityCookie' | 'primarySessionAffinityCookie'
> {
  if (!affinity?.cookieName) return {};
  const next = `${affinity.cookieName}=${fnv1a(`${identity}/${revision.spec}`)}`;
  const current = status.sessionAffinityCookie;
  return {
    sessionAffinityCookie: next,
    previousSessionAffinityCookie:
      current && current !== next ? current : status.previousSessionAffinityCookie,
    ...(affinity.primaryCookieName
      ? {
          primarySessionAffinityCookie: `${affinity.primaryCookieName}=${fnv1a(`primary/${identity}/${revision.spec}`)}`,
        }
      : {}),
  };
}

/**
 * A release ended (promoted or rolled back): as in Flagger, the canary cookie becomes the previous one,
 * which the router expires on the clients that still send it.
 */
export function retireCookies(
  status: CanaryStatus,
): Pick<CanaryStatus, 'sessionAffinityCookie' | 'previousSessionAffinityCookie'> {
  if (!status.sessionAffinityCookie) return {};
  return { sessionAffinityCookie: undefined, previousSessionAffinityCookie: status.sessionAffinityCookie };
}
