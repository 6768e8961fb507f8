/**
 * Reads that every canary makes alike, shared for a short while: a controller starting on thousands of
 * canaries runs each one's preflight within a minute or two, and would otherwise list the same
 * mesh-wide objects (the root namespace's PeerAuthentications, istiod, an ingress gateway) once per
 * canary. A failed read is not kept: the next caller reads again.
 */
export type SharedRead<T> = (key: string) => Promise<T>;

/** Kept entries past which expired ones are swept (keys are namespaces and label selectors). */
const SWEEP_AT = 256;

export function sharedReads<T>(
  ttlMs: number,
  read: (key: string) => Promise<T>,
  now: () => number = Date.now,
): SharedRead<T> {
  const kept = new Map<string, { at: number; value: Promise<T> }>();
  return (key) => {
    const at = now();
    const hit = kept.get(key);
    if (hit && at - hit.at < ttlMs) return hit.value;
    if (kept.size >= SWEEP_AT) {
      for (const [k, entry] of kept) if (at - entry.at >= ttlMs) kept.delete(k);
    }
    const value = read(key);
    kept.set(key, { at, value });
    value.catch(() => {
      if (kept.get(key)?.value === value) kept.delete(key);
    });
    return value;
  };
}
