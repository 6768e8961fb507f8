/**
 * Bounds on what a manifest may be, checked before anything recursive or costly runs on it (cloning,
 * schema checks, rules). Each is far above what a real Canary, MetricTemplate or AlertProvider needs and
 * low enough that a hostile file costs at most a second and a few hundred MiB: an unbounded file once took
 * 1.96 GB for one 50 MB string, and 3,000 levels of nesting overflowed the stack.
 */
import { describeValue } from './schema-errors.js';
import { toDottedPath, type FieldProblem } from './problems.js';

export const LIMITS = {
  /** A manifest file or stream (Kubernetes itself takes at most 3 MiB in one request). */
  bytes: 4 * 2 ** 20,
  /** YAML nodes (values, keys, list items, documents) in one stream: 16 Istio CRDs fit. */
  yamlNodes: 250_000,
  /** Documents in one stream (each costs a few KiB even when empty). */
  documents: 10_000,
  /** Alias expansions per document (the `yaml` package's maxAliasCount): stops billion-laughs bombs. */
  aliases: 100,
  /** Nesting of mappings and lists in a document; a Canary needs about 8. */
  depth: 64,
  /** Items in one list, and keys in one mapping. */
  items: 1_000,
  /** Characters in one string or key. */
  stringLength: 64 * 2 ** 10,
  /** Characters in one annotation value (Kubernetes allows 256 KiB for all of them together). */
  annotationLength: 256 * 2 ** 10,
  /** Problems shown per document, and per stream; the rest are counted in one last line. */
  problemsPerDocument: 100,
  problemsPerStream: 1_000,
  /** Every duration field: a day is far beyond any useful interval or timeout, and below setTimeout's 2^31-1 ms. */
  durationMs: 24 * 3_600_000,
} as const;

const SIZE_FIX = 'split it into smaller files, or remove what Aviary does not read';

export function tooLarge(bytes: number): FieldProblem {
  return {
    path: '',
    message: `the input is ${mib(bytes)}, more than the ${mib(LIMITS.bytes)} a manifest may have`,
    fix: SIZE_FIX,
  };
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 1).replace(/\.0+$/, '')} MiB`;
}

interface Pending {
  value: unknown;
  path: (string | number)[];
}

/**
 * Depth, size, string length and non-finite numbers of a plain value (after YAML aliases were expanded),
 * walked without recursion. A value with any such problem is not checked further.
 * `metadata.managedFields` is Kubernetes' own bookkeeping and is skipped.
 */
export function inputLimitProblems(root: unknown): FieldProblem[] {
  const out: FieldProblem[] = [];
  const stack: Pending[] = [{ value: root, path: [] }];
  while (stack.length > 0 && out.length < LIMITS.problemsPerDocument) {
    const { value, path } = stack.pop()!;
    const at = toDottedPath(path);
    if (typeof value === 'string') {
      const max = isAnnotation(path) ? LIMITS.annotationLength : LIMITS.stringLength;
      if (value.length > max)
        out.push({
          path: at,
          message: `is ${count(value.length)} characters long, more than the ${count(max)} allowed`,
          fix: 'shorten it; a long script or query belongs in a file or a MetricTemplate',
        });
      continue;
    }
    if (typeof value === 'number') {
      if (!Number.isFinite(value))
        out.push({
          path: at,
          message: `${describeValue(value)} is not a finite number (YAML .inf, .nan and numbers beyond 1.8e308 are not)`,
          fix: 'write an ordinary number',
        });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (!Array.isArray(value) && !isPlainObject(value)) {
      out.push({
        path: at,
        message: `is a ${value.constructor?.name ?? 'special'} value (a YAML tag such as !!binary, !!set or !!omap), which no Aviary field takes`,
        fix: 'write a plain string, number, list or mapping without the tag',
      });
      continue;
    }
    if (path.length >= LIMITS.depth) {
      out.push({
        path: toDottedPath(path.slice(0, 8)),
        message: `nests more than ${LIMITS.depth} levels deep`,
        fix: 'flatten it; no Aviary field nests that deep',
      });
      continue;
    }
    const entries: [string | number, unknown][] = Array.isArray(value)
      ? value.map((v, i) => [i, v])
      : Object.entries(value);
    if (entries.length > LIMITS.items) {
      out.push({
        path: at,
        message: `has ${count(entries.length)} ${Array.isArray(value) ? 'items' : 'keys'}, more than the ${count(LIMITS.items)} allowed`,
        fix: Array.isArray(value) ? 'shorten the list' : 'remove keys',
      });
      continue;
    }
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, child] = entries[i]!;
      if (typeof key === 'string' && key.length > LIMITS.stringLength) {
        out.push({
          path: at,
          message: `has a key ${count(key.length)} characters long`,
          fix: 'shorten the key',
        });
        continue;
      }
      if (path.length === 1 && path[0] === 'metadata' && key === 'managedFields') continue;
      stack.push({ value: child, path: [...path, key] });
    }
  }
  return out;
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isAnnotation(path: readonly (string | number)[]): boolean {
  return path.length === 3 && path[0] === 'metadata' && path[1] === 'annotations';
}

/**
 * The first `limit` problems (errors before warnings), and one line saying how many more there were.
 * `summary` builds that line from the number left out and how many of them are errors.
 */
export function capProblems<P extends { severity?: 'error' | 'warning' }>(
  problems: P[],
  limit: number,
  summary: (hidden: number, errors: number) => P,
): P[] {
  if (problems.length <= limit) return problems;
  const isError = (p: P) => (p.severity ?? 'error') === 'error';
  const ordered = [...problems.filter(isError), ...problems.filter((p) => !isError(p))];
  const hidden = ordered.slice(limit);
  return [...ordered.slice(0, limit), summary(hidden.length, hidden.filter(isError).length)];
}

export function moreProblems(hidden: number, errors: number, where: string): FieldProblem {
  const kinds =
    errors === hidden ? 'errors' : errors === 0 ? 'warnings' : `problems (${count(errors)} errors)`;
  return {
    path: '',
    message: `... and ${count(hidden)} more ${kinds} ${where}`,
    fix: 'fix the problems above and validate again to see the rest',
    severity: errors > 0 ? 'error' : 'warning',
  };
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
