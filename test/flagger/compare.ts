/**
 * What the side-by-side test compares, reduced to what a user could tell apart: each controller's own
 * names (namespace, API group, `flagger.app/` vs `aviary.dev/` keys) are replaced by placeholders, and what
 * the API server or the dev cluster fills in (uids, resourceVersions, timestamps, cluster IPs, status) is
 * dropped. `diff` lists every remaining difference by path.
 */

export interface Difference {
  /** objects, timeline, webhook, alert, event */
  area: string;
  /** Where, e.g. `Deployment/podinfo-primary .spec.template.metadata.labels.app`. */
  path: string;
  flagger: unknown;
  aviary: unknown;
}

const SERVER_FIELDS = [
  'uid',
  'resourceVersion',
  'creationTimestamp',
  'managedFields',
  'generation',
  'selfLink',
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The session-affinity scenario's cookie; each controller draws its own random value for it. */
export const SESSION_COOKIE = 'flagger-cookie';
const COOKIE_VALUE = new RegExp(`(?<=${SESSION_COOKIE}(?:=|\\.\\*))[A-Za-z0-9]+`, 'g');

/**
 * Strings with the side's namespace and API group replaced by `<ns>` and `<group>`, random ids by
 * `<uuid>` and session cookie values by `<cookie>`; `checksum` values (each controller hashes its own way: docs/alerts-and-webhooks.md) by
 * `<checksum>`, and clock readings (`timestamp`, Slack's `ts`) by `<time>`.
 */
export function placeholders(value: unknown, namespace: string): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null)
      .replaceAll(namespace, '<ns>')
      .replace(/flagger\.app|aviary\.dev/g, '<group>')
      .replace(UUID, '<uuid>')
      .replace(COOKIE_VALUE, '<cookie>'),
    (key, v: unknown) => {
      if (key === 'checksum' && typeof v === 'string') return '<checksum>';
      if ((key === 'timestamp' || key === 'ts') && v !== undefined) return '<time>';
      return v;
    },
  );
}

/**
 * Measured values (`88.15`, `80 < 99`, `88.88% < 99%`) vary with timing; their wording does not. Decimals
 * and any number compared against a threshold become `<value>`.
 */
export const withoutMeasurements = (text: string): string =>
  text.replace(/\d+\.\d+/g, '<value>').replace(/\b\d+(%?) (<|>|&lt;|&gt;) /g, '<value>$1 $2 ');

/** A written object without what the API server, the cluster or the controller's own name contributes. */
export function normaliseObject(object: unknown, namespace: string): unknown {
  const o = structuredClone(object) as {
    metadata?: Record<string, unknown> & { ownerReferences?: Record<string, unknown>[] };
    spec?: Record<string, unknown>;
    status?: unknown;
  };
  delete o.status;
  for (const field of SERVER_FIELDS) delete o.metadata?.[field];
  delete o.metadata?.namespace;
  for (const ref of o.metadata?.ownerReferences ?? []) delete ref.uid;
  for (const field of ['clusterIP', 'clusterIPs', 'internalTrafficPolicy', 'ipFamilies', 'ipFamilyPolicy'])
    delete o.spec?.[field];
  return placeholders(o, namespace);
}

/** Every path where `a` (Flagger's) and `b` (Aviary's) differ; arrays compare element by element. */
export function diff(
  area: string,
  prefix: string,
  a: unknown,
  b: unknown,
  out: Difference[] = [],
): Difference[] {
  const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) diff(area, `${prefix}[${i}]`, a[i], b[i], out);
  } else if (isObject(a) && isObject(b) && !Array.isArray(a) && !Array.isArray(b)) {
    for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      diff(area, `${prefix}.${key}`, a[key], b[key], out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push({ area, path: prefix, flagger: a, aviary: b });
  }
  return out;
}

/**
 * Two sequences aligned on `keyOf` (longest common subsequence): an item only one side has is a
 * difference at `<prefix> <key>`; matched items are compared field by field.
 */
export function diffSequence<T>(
  area: string,
  prefix: string,
  a: readonly T[],
  b: readonly T[],
  keyOf: (x: T) => string,
  out: Difference[] = [],
): Difference[] {
  const ka = a.map(keyOf);
  const kb = b.map(keyOf);
  // lcs[i][j]: length of the longest common subsequence of ka[i..] and kb[j..]
  const lcs = Array.from({ length: ka.length + 1 }, () => new Array<number>(kb.length + 1).fill(0));
  for (let i = ka.length - 1; i >= 0; i--)
    for (let j = kb.length - 1; j >= 0; j--)
      lcs[i]![j] = ka[i] === kb[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  let i = 0;
  let j = 0;
  while (i < ka.length || j < kb.length) {
    if (i < ka.length && j < kb.length && ka[i] === kb[j]) {
      diff(area, `${prefix} ${ka[i]}`, a[i], b[j], out);
      i++;
      j++;
    } else if (j >= kb.length || (i < ka.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push({ area, path: `${prefix} ${ka[i]}`, flagger: a[i], aviary: undefined });
      i++;
    } else {
      out.push({ area, path: `${prefix} ${kb[j]}`, flagger: undefined, aviary: b[j] });
      j++;
    }
  }
  return out;
}

/** `xs` with runs of equal neighbours collapsed to one. */
export function collapse<T>(xs: readonly T[]): T[] {
  return xs.filter((x, i) => i === 0 || JSON.stringify(x) !== JSON.stringify(xs[i - 1]));
}

/** What one controller did in one scenario. */
export interface Run {
  namespace: string;
  /** `phase weight split` entries (Side.timeline). */
  timeline: readonly string[];
  /** Every version of the VirtualService's spec seen (Side.virtualServices). */
  virtualServices: readonly unknown[];
  /** Written objects by `Kind/name`, once Initialized and at the end. */
  initialized: Record<string, unknown>;
  final: Record<string, unknown>;
  /** Requests the receiver got from this controller: `/hooks/<name>`, `/slack`, `/events`. */
  received: readonly { path: string; body: unknown }[];
}

/**
 * Readiness waits ("Halt ... not ready: waiting for rollout to finish ...") come and go with how fast
 * KWOK's pods turn ready relative to each controller's tick: not compared.
 */
const READINESS_WAIT = /not ready: waiting for rollout to finish/;

export function compareRuns(f: Run, a: Run): Difference[] {
  const out: Difference[] = [];
  for (const when of ['initialized', 'final'] as const) {
    for (const name of [...new Set([...Object.keys(f[when]), ...Object.keys(a[when])])].sort()) {
      const of = (run: Run) => run[when][name] && normaliseObject(run[when][name], run.namespace);
      diff('objects', `${when} ${name} `, of(f), of(a), out);
    }
  }
  const versions = (run: Run) =>
    collapse(run.virtualServices.map((spec) => placeholders(spec, run.namespace)));
  const [fv, av] = [versions(f), versions(a)];
  for (let i = 0; i < Math.max(fv.length, av.length); i++)
    diff('objects', `version[${i}] VirtualService/podinfo .spec`, fv[i], av[i], out);
  // A status write carries phase and weight together: that pair is what `kubectl get canary -w` shows.
  const pairs = (run: Run) => collapse(run.timeline.map((e) => e.split(' ').slice(0, 2).join(' ')));
  // `-` (no VirtualService yet) is not a split: whether a poll saw it is timing.
  const splits = (run: Run) =>
    collapse(run.timeline.map((e) => e.split(' ').slice(2).join(' ')).filter((x) => x !== '-'));
  diffSequence('timeline', 'phase weight', pairs(f), pairs(a), (x) => x, out);
  diff('timeline', 'split', splits(f), splits(a), out);

  const received = (run: Run, prefix: string) =>
    run.received
      .filter((r) => r.path.startsWith(prefix))
      .map((r) => ({
        path: r.path.slice(prefix.length),
        body: JSON.parse(withoutMeasurements(JSON.stringify(placeholders(r.body, run.namespace)))) as unknown,
      }));
  // Webhooks: per hook, its distinct payloads in order (how many rollout calls a run makes is timing).
  const hooks = (run: Run) => {
    const byHook: Record<string, unknown[]> = {};
    for (const r of received(run, '/hooks/')) (byHook[r.path] ??= []).push(r.body);
    return Object.fromEntries(Object.entries(byHook).map(([k, v]) => [k, collapse(v)]));
  };
  diff('webhook', 'hooks', hooks(f), hooks(a), out);

  type Slack = { attachments?: { text?: string }[] };
  const slack = (run: Run) => received(run, '/slack').map((r) => r.body as Slack);
  diffSequence('alert', 'slack', slack(f), slack(a), (m) => m.attachments?.[0]?.text ?? '', out);

  type Event = { metadata?: { eventMessage?: string } };
  const events = (run: Run) =>
    collapse(
      received(run, '/events')
        .map((r) => r.body as Event)
        .filter((e) => !READINESS_WAIT.test(e.metadata?.eventMessage ?? '')),
    );
  diffSequence('event', 'events', events(f), events(a), (e) => e.metadata?.eventMessage ?? '', out);
  return out;
}
