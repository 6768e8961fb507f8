/**
 * A deterministic fuzzer for manifests: it mutates the valid documents under examples/ and builds hostile
 * shapes (deep nesting, huge lists and maps, long strings, alias bombs, wrong types, numbers that overflow,
 * NaN-like strings, bad durations, names and ports). Same seed, same documents: a failure is reproducible
 * from its seed and index alone.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';

/** mulberry32: a 32-bit PRNG, small and good enough to pick mutations. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

export interface FuzzCase {
  index: number;
  /** What was done to the seed document, for a failure report. */
  label: string;
  text: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Path = (string | number)[];

const ROOT = join(import.meta.dirname, '..', '..', 'examples');

/** The Canary, MetricTemplate and AlertProvider documents of examples/ (Flagger ones as aviary.dev too). */
export function seedDocuments(root = ROOT): Json[] {
  const seeds: Json[] = [];
  for (const file of yamlFiles(root)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const value = doc.toJS() as Json;
      if (!isRecord(value) || typeof value.apiVersion !== 'string') continue;
      if (!/^(aviary\.dev|flagger\.app)\//.test(value.apiVersion)) continue;
      seeds.push({ ...value, apiVersion: 'aviary.dev/v1beta1' });
      if (value.apiVersion.startsWith('flagger.app/')) seeds.push(value);
    }
  }
  return seeds;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) =>
      e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
    );
}

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Scales the hostile sizes (list lengths, string lengths, depths); 1 is the benchmark's size. */
  scale?: number;
}

/** The documents of one fuzzing run, generated lazily in a fixed order. */
export function* fuzzCases(options: FuzzOptions, seeds = seedDocuments()): Generator<FuzzCase> {
  const rng = new Rng(options.seed);
  const scale = options.scale ?? 1;
  for (let index = 0; index < options.count; index++) {
    const labels: string[] = [];
    const docs: string[] = [];
    const parts = rng.chance(0.1) ? rng.int(2, 3) : 1;
    for (let d = 0; d < parts; d++) docs.push(oneDocument(rng, seeds, scale, labels));
    let text = docs.join('---\n');
    if (rng.chance(0.08)) text = textMutation(rng, text, labels);
    yield { index, label: labels.join(', '), text };
  }
}

function oneDocument(rng: Rng, seeds: Json[], scale: number, labels: string[]): string {
  if (rng.chance(0.03)) {
    labels.push('hostile stream');
    return hostileStream(rng, scale);
  }
  const doc = structuredClone(rng.pick(seeds));
  const holes = new Map<string, string>();
  const mutations = rng.int(1, 4);
  for (let m = 0; m < mutations; m++) mutate(rng, doc, holes, scale, labels);
  let text = stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  for (const [marker, raw] of holes) text = text.replace(new RegExp(`["']?${marker}["']?`), () => raw);
  return text;
}

/** One change to a document: a field set to a hostile value, removed, added, or multiplied. */
function mutate(rng: Rng, doc: Json, holes: Map<string, string>, scale: number, labels: string[]): void {
  const roll = rng.next();
  if (roll < 0.25) {
    const [path, value] = rng.pick(TARGETED);
    setAt(doc, path, value);
    labels.push(`${dotted(path)}=${JSON.stringify(value)}`);
    return;
  }
  const paths = allPaths(doc);
  const path = rng.pick(paths);
  if (roll < 0.35) {
    deleteAt(doc, path);
    labels.push(`delete ${dotted(path)}`);
  } else if (roll < 0.45) {
    const parent = rng.pick([[], ...paths.filter((p) => isRecord(getAt(doc, p)))]);
    const key = rng.pick(['stepweight', 'extra', 'x'.repeat(rng.int(1, 40)), '', '__proto__', 'constructor']);
    setAt(doc, [...parent, key], scalarValue(rng, scale));
    labels.push(`add ${dotted([...parent, key])}`);
  } else if (roll < 0.55) {
    const value = scalarValue(rng, scale);
    setAt(doc, path, value);
    labels.push(`${dotted(path)}=${describe(value)}`);
  } else if (roll < 0.85) {
    const marker = `__FUZZ_HOLE_${holes.size}__`;
    const raw = rawValue(rng, scale);
    setAt(doc, path, marker);
    holes.set(marker, raw.text);
    labels.push(`${dotted(path)}=${raw.label}`);
  } else {
    const value = structureValue(rng);
    setAt(doc, path, value.value);
    labels.push(`${dotted(path)}=${value.label}`);
  }
}

/** Known bad values at known fields (issue 15 item 4 and its neighbours). */
const TARGETED: [Path, Json][] = [
  [['spec', 'analysis', 'interval'], '9999999h'],
  [['spec', 'analysis', 'interval'], '0s'],
  [['spec', 'analysis', 'interval'], '99999999999999999999999999h'],
  [['spec', 'analysis', 'metrics', 0, 'interval'], '0s'],
  [['spec', 'analysis', 'metrics', 0, 'interval'], '1000h'],
  [['spec', 'analysis', 'metrics', 0, 'thresholdRange', 'min'], 150],
  [['spec', 'analysis', 'metrics', 0, 'thresholdRange', 'max'], -1],
  [['spec', 'analysis', 'metrics', 1, 'thresholdRange', 'max'], -1],
  [['spec', 'analysis', 'webhooks', 0, 'timeout'], '0s'],
  [['spec', 'analysis', 'webhooks', 0, 'timeout'], '720h'],
  [
    ['spec', 'analysis', 'stepWeights'],
    [1, 5, 10, 50],
  ],
  [['spec', 'progressDeadlineSeconds'], 1e15],
  [['spec', 'service', 'timeout'], '9999999h'],
  [['spec', 'service', 'retries', 'perTryTimeout'], '99999h'],
  [['spec', 'local', 'readinessTimeout'], '0s'],
  [['spec', 'local', 'readinessTimeout'], '9999999h'],
  [['spec', 'local', 'readinessPath'], 'http://other.host/x'],
  [['spec', 'local', 'readinessPath'], '//other.host/x'],
  [['spec', 'local', 'metricsPort'], 8080],
  [['spec', 'local', 'metricsPort'], 9001],
  [['spec', 'local', 'listenPort'], 9000],
  [['spec', 'local', 'stable', 'port'], 8081],
  [['metadata', 'name'], '../../x'],
  [['metadata', 'name'], 'Bad Name!'],
  [['metadata', 'name'], 'a'.repeat(300)],
  [['metadata', 'name'], ''],
  [['metadata', 'namespace'], '../etc'],
  [['spec', 'targetRef', 'name'], '../../x'],
  [['spec', 'service', 'name'], 'Bad_Name'],
  [['kind'], 'Canary'],
  [['kind'], 'Canray'],
  [['apiVersion'], 'flagger.app/v1beta1'],
];

const NAMES = ['../../x', 'Bad Name!', 'a/b', '..', '', '-x-', 'X', 'ok', 'a'.repeat(64), '\u0000', 'é'];
const DURATIONS = ['0s', '0ms', '9999999h', '-1s', '1e3s', '', '1.5.5m', '1h30m', '500ms', '24h', '24h1ms'];

function scalarValue(rng: Rng, scale: number): Json {
  return rng.pick<() => Json>([
    () => rng.pick(NAMES),
    () => rng.pick(DURATIONS),
    () => rng.pick([0, -1, 1, 100, 101, 150, 65535, 65536, 2 ** 31, 2 ** 53 + 1, 0.5, -0.0]),
    () => rng.pick([true, false, null]),
    () => rng.pick(['NaN', 'Infinity', '-Infinity', '1e309', '0x10', '1_000', 'null', '~', 'yes', '']),
    () => 'x'.repeat(rng.int(1, Math.round(100_000 * scale))),
    () => '\u202e\u0000\t\r\n"\'\\{}[]#&*!|>%@`',
    () => [],
    () => ({}),
  ])();
}

/** Raw YAML text for a value, for what stringify would not write (1e309, .nan, anchors, 3,000 levels). */
function rawValue(rng: Rng, scale: number): { label: string; text: string } {
  const depth = () =>
    rng.chance(0.2) ? Math.round(rng.pick([3000, 10_000]) * scale) : rng.pick([65, 200, 1000]);
  const kind = rng.int(0, 9);
  switch (kind) {
    case 0:
      return {
        label: 'number',
        text: rng.pick(['1e309', '-1e309', '.nan', '.inf', '-.inf', '0x7fffffff', '0o777']),
      };
    case 1:
      return { label: 'nan-ish', text: rng.pick(['NaN', 'nan', '.NaN', 'Infinity', '"1e309"', "'NaN'"]) };
    case 2: {
      const n = depth();
      return { label: `flow list ${n} deep`, text: `${'['.repeat(n)}1${']'.repeat(n)}` };
    }
    case 3: {
      const n = depth();
      return { label: `flow map ${n} deep`, text: `${'{a: '.repeat(n)}1${'}'.repeat(n)}` };
    }
    case 4:
      return { label: 'alias bomb', text: aliasBomb(rng.int(5, 12), rng.int(3, 10)) };
    case 5:
      return { label: 'alias chain', text: '[&a [1, 2], *a, *a, *a]' };
    case 6: {
      const n = huge(rng, rng.pick([10, 1001]), 60_000, scale);
      const item = (i: number) => `{name: m${i % 7}, interval: 1m, thresholdRange: {min: 99}}`;
      return {
        label: `flow list of ${n}`,
        text: `[${Array.from({ length: n }, (_, i) => item(i)).join(', ')}]`,
      };
    }
    case 7: {
      const n = huge(rng, rng.pick([10, 1001]), 20_000, scale);
      return {
        label: `flow map of ${n} keys`,
        text: `{${Array.from({ length: n }, (_, i) => `k${i}: ${i}`).join(', ')}}`,
      };
    }
    case 8:
      return { label: 'duplicate keys', text: '{a: 1, a: 2}' };
    default:
      return {
        label: 'tag',
        text: rng.pick(['!!binary aGVsbG8=', '!!timestamp 2001-12-14', '!custom x', '!!set {a, b}']),
      };
  }
}

/** Billion laughs: each level lists the previous one `width` times; `levels` levels expand width^levels times. */
export function aliasBomb(levels: number, width: number): string {
  const parts = ['&l0 [lol]'];
  for (let i = 1; i <= levels; i++)
    parts.push(
      `&l${i} [${Array(width)
        .fill(`*l${i - 1}`)
        .join(', ')}]`,
    );
  return `[${parts.join(', ')}]`;
}

function structureValue(rng: Rng): { label: string; value: Json } {
  const roll = rng.int(0, 3);
  if (roll === 0) {
    const n = rng.int(10, 80);
    let value: Json = 'leaf';
    for (let i = 0; i < n; i++) value = rng.chance(0.5) ? [value] : { nested: value };
    return { label: `nested ${n}`, value };
  }
  if (roll === 1) {
    const n = rng.pick([2, 100, 2000]);
    return {
      label: `list of ${n}`,
      value: Array.from({ length: n }, (_, i) => ({
        name: `n${i % 3}`,
        url: 'x',
        thresholdRange: { min: 99 },
      })),
    };
  }
  if (roll === 2) {
    const n = rng.pick([50, 2000]);
    return {
      label: `map of ${n}`,
      value: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])),
    };
  }
  return { label: 'wrong type', value: rng.pick<Json>([[1, 'a', null], { a: [{}] }, 'str', 42]) };
}

/** Mostly `usual`; one time in ten `big` (times the scale), so a run of 10,000 stays minutes long. */
function huge(rng: Rng, usual: number, big: number, scale: number): number {
  return rng.chance(0.1) ? Math.max(usual, Math.round(big * scale)) : usual;
}

/** A whole document that is hostile before any field is read. */
function hostileStream(rng: Rng, scale: number): string {
  const roll = rng.int(0, 6);
  if (roll === 0) return `a: ${aliasBomb(rng.int(8, 12), 9)}\n`;
  if (roll === 1) return `${'- '.repeat(rng.pick([100, 3000]))}x\n`;
  if (roll === 2)
    return `${Array.from({ length: rng.pick([100, 500]) }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} 1\n`;
  if (roll === 3) return `${'['.repeat(Math.round(20_000 * scale))}\n`;
  if (roll === 4) return 'a: 1\n'.repeat(rng.int(2, 50));
  if (roll === 5) return String.fromCharCode(...Array.from({ length: 200 }, () => rng.int(0, 255)));
  return `a: "${'x'.repeat(Math.round(500_000 * scale))}"\n`;
}

function textMutation(rng: Rng, text: string, labels: string[]): string {
  const at = rng.int(0, text.length);
  const roll = rng.int(0, 3);
  if (roll === 0) {
    labels.push(`truncated at ${at}`);
    return text.slice(0, at);
  }
  if (roll === 1) {
    const junk = rng.pick([
      '\t',
      ':',
      '- ',
      '"',
      "'",
      '&a',
      '*a',
      '!!',
      '%YAML 1.1\n',
      '\u0000',
      '\ufeff',
      '---\n',
    ]);
    labels.push(`inserted ${JSON.stringify(junk)} at ${at}`);
    return text.slice(0, at) + junk + text.slice(at);
  }
  if (roll === 2) {
    labels.push('doubled');
    return text + text;
  }
  labels.push('CRLF');
  return text.replace(/\n/g, '\r\n');
}

function allPaths(doc: Json): Path[] {
  const out: Path[] = [];
  const visit = (value: Json, path: Path) => {
    if (path.length > 0) out.push(path);
    if (Array.isArray(value)) value.forEach((v, i) => visit(v, [...path, i]));
    else if (isRecord(value)) for (const [k, v] of Object.entries(value)) visit(v, [...path, k]);
  };
  visit(doc, []);
  return out.length > 0 ? out : [['spec']];
}

function getAt(doc: Json, path: Path): Json | undefined {
  let node: Json | undefined = doc;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, Json>)[segment];
  }
  return node;
}

/** Sets a value, creating the containers on the way (a list index creates a list). */
function setAt(doc: Json, path: Path, value: Json): void {
  let node = doc as Record<string | number, Json>;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      Object.defineProperty(node, segment, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    let next = node[segment];
    if (next === null || typeof next !== 'object' || !Object.hasOwn(node, segment)) {
      next = typeof path[i + 1] === 'number' ? [] : {};
      Object.defineProperty(node, segment, {
        value: next,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    node = next as Record<string | number, Json>;
  });
}

function deleteAt(doc: Json, path: Path): void {
  const parent = getAt(doc, path.slice(0, -1));
  const last = path[path.length - 1];
  if (parent !== null && typeof parent === 'object' && last !== undefined) {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Record<string | number, Json>)[last];
  }
}

function isRecord(value: unknown): value is { [key: string]: Json } {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function dotted(path: Path): string {
  return path
    .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s.length > 20 ? `${s.slice(0, 20)}…` : s}`))
    .join('');
}

function describe(value: Json): string {
  if (typeof value === 'string' && value.length > 30) return `string of ${value.length}`;
  return JSON.stringify(value) ?? String(value);
}
