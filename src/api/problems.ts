/**
 * A problem found in a manifest: where it is (document, object, dotted field path), what is wrong and
 * what to do about it. Errors block a release; warnings describe behaviour the user may not expect.
 */
export type Severity = 'error' | 'warning';

export interface Problem {
  /** 0-based index of the YAML document in its stream. */
  document: number;
  kind: string;
  name: string;
  /** Dotted field path such as `spec.analysis.stepWeight` or `spec.analysis.metrics[0].name`; '' for the whole document. */
  path: string;
  message: string;
  /** What to change; always one actionable sentence. */
  fix: string;
  severity: Severity;
  /** 1-based line of the field in the YAML text, when known. */
  line?: number;
  column?: number;
}

/** A problem before it is placed in a document (rules work on one object). */
export type FieldProblem = Pick<Problem, 'path' | 'message' | 'fix'> & { severity?: Severity };

export function isError(p: { severity?: Severity }): boolean {
  return (p.severity ?? 'error') === 'error';
}

/** One problem per line: `doc N Kind/name spec.path: message — fix` (N is 1-based for people). */
export function formatProblem(p: Problem, prefix = ''): string {
  const where = p.path ? ` ${p.path}` : '';
  const tag = p.severity === 'warning' ? 'warning: ' : '';
  const fix = p.fix ? ` — ${p.fix}` : '';
  return `${prefix}doc ${p.document + 1} ${p.kind || '?'}/${p.name || '?'}${where}: ${tag}${p.message}${fix}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['spec','analysis','metrics',0,'name']` -> `spec.analysis.metrics[0].name`. */
export function toDottedPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Inverse of toDottedPath, for locating a problem in the YAML source. */
export function fromDottedPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.matchAll(pattern)) {
    if (m[1] !== undefined) segments.push(m[1]);
    else if (m[2] !== undefined) segments.push(Number(m[2]));
    else if (m[3] !== undefined) segments.push(JSON.parse(m[3]) as string);
  }
  return segments;
}

/** JSON pointer (`/spec/analysis/metrics/0`) -> segments; numeric-looking segments become indices. */
export function pointerSegments(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Closest candidate by edit distance, for "did you mean" hints; undefined when nothing is close. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
