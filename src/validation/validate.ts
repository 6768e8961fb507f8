/**
 * Validation of Aviary manifests: YAML text -> documents and problems, each problem with a dotted field
 * path, a message, a fix and the line it is on. Used by `aviary validate`, the controller and tests.
 */
import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { isMap, isScalar, LineCounter, type Document } from 'yaml';
import { AviaryError } from '../errors.js';
import { API_VERSION } from '../api/api-version.js';
import { durationLimitProblems } from '../api/duration-rules.js';
import { capProblems, inputLimitProblems, LIMITS, moreProblems, tooLarge } from '../api/limits.js';
import { metadataNameRules } from '../api/names.js';
import {
  closest,
  formatProblem,
  fromDottedPath,
  isError,
  type FieldProblem,
  type Problem,
} from '../api/problems.js';
import { providerProblems } from '../routers/provider-rules.js';
import { alertProviderRules, canaryRules, metricTemplateRules } from './rules.js';
import { schemaProblems, unknownFieldProblems } from '../api/schema-errors.js';
import { AlertProviderDocument, CanaryDocument, MetricTemplateDocument } from '../api/schema/index.js';
import { providerOf } from '../api/defaults.js';
import type { AlertProvider, Canary, MetricTemplate, Provider } from '../api/types.js';
import { duplicateKeys, parseYamlStream } from '../api/yaml-stream.js';

export type { Problem, Severity } from '../api/problems.js';
export { formatProblem, isError } from '../api/problems.js';

/** What the object alone does not say. */
export interface ObjectContext {
  /**
   * The controller's `--mesh-provider`: a Canary without spec.provider is checked against that router.
   * Unset, such a Canary is checked against no router (which one runs it is not known here).
   */
  meshProvider?: Provider;
}

interface KindSpec {
  schema: TSchema;
  rules: (object: never, context: ObjectContext) => FieldProblem[];
}

const KINDS: Record<string, KindSpec> = {
  Canary: {
    schema: CanaryDocument,
    rules: (o: Canary, { meshProvider }: ObjectContext) => [
      ...metadataNameRules(o.metadata),
      ...canaryRules(o.spec, meshProvider),
      // the provider that runs it: spec.local makes a Canary without spec.provider a local one (providerOf)
      ...providerProblems(
        o.spec.provider || !meshProvider ? o.spec : { ...o.spec, provider: providerOf(o.spec, meshProvider) },
      ),
    ],
  },
  MetricTemplate: {
    schema: MetricTemplateDocument,
    rules: (o: MetricTemplate) => [...metadataNameRules(o.metadata), ...metricTemplateRules(o.spec)],
  },
  AlertProvider: {
    schema: AlertProviderDocument,
    rules: (o: AlertProvider) => [...metadataNameRules(o.metadata), ...alertProviderRules(o.spec)],
  },
};
export const AVIARY_KINDS = Object.keys(KINDS);

export interface ParsedDocument {
  /** 0-based position in the YAML stream (empty documents keep their slot). */
  index: number;
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
  /** The document as plain data (undefined when the YAML did not parse). */
  object: unknown;
  /** 1-based line where the document starts. */
  line: number;
  /** An aviary.dev document that was checked (others are passed over). */
  checked: boolean;
  /** Checked and without errors. */
  valid: boolean;
}

export interface ValidateOptions extends ObjectContext {
  /** Keep warnings in the result (default true). */
  warnings?: boolean;
}

export interface ValidationResult {
  documents: ParsedDocument[];
  problems: Problem[];
}

/** Problems of one object, without positions. `checked` is false for non-Aviary documents. */
export function validateObject(
  object: unknown,
  context: ObjectContext = {},
): { problems: FieldProblem[]; checked: boolean } {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) {
    return {
      checked: true,
      problems: [
        {
          path: '',
          message: 'is not a mapping with apiVersion, kind, metadata and spec',
          fix: 'write the document as a YAML mapping',
        },
      ],
    };
  }
  const record = object as Record<string, unknown>;
  const apiVersion = typeof record.apiVersion === 'string' ? record.apiVersion : '';
  const kind = typeof record.kind === 'string' ? record.kind : '';
  if (apiVersion.startsWith('flagger.app/')) {
    return {
      checked: true,
      problems: [
        {
          path: 'apiVersion',
          message: `${apiVersion} is a Flagger manifest`,
          fix: 'run `aviary convert -f FILE` to rewrite it as aviary.dev/v1beta1',
        },
      ],
    };
  }
  if (apiVersion !== API_VERSION) {
    if (!apiVersion && !kind)
      return {
        checked: true,
        problems: [
          { path: 'apiVersion', message: 'is missing', fix: `add apiVersion: ${API_VERSION} and kind` },
        ],
      };
    const problem: FieldProblem = {
      path: 'apiVersion',
      message: `${apiVersion || '(none)'} ${kind} is not an Aviary kind and was not checked`,
      fix: `Aviary checks ${AVIARY_KINDS.join(', ')} of ${API_VERSION}`,
      severity: 'warning',
    };
    return { checked: false, problems: [problem] };
  }
  const spec = KINDS[kind];
  if (!spec) {
    const guess = closest(kind, AVIARY_KINDS);
    return {
      checked: true,
      problems: [
        {
          path: 'kind',
          message: `unknown kind ${JSON.stringify(kind)}`,
          fix: guess ? `did you mean ${guess}?` : `use one of ${AVIARY_KINDS.join(', ')}`,
        },
      ],
    };
  }
  // bounds first: what follows clones and recurses, and 3,000 levels or 50,000 items would overflow it
  const limits = inputLimitProblems(object);
  if (limits.length > 0) return { checked: true, problems: limits };
  const present = withoutNullFields(record);
  const shape = schemaProblems(spec.schema, present);
  const problems = [
    ...shape,
    ...unknownFieldProblems(spec.schema, present),
    ...ruleProblems(spec, present, shape, context),
  ];
  return {
    checked: true,
    problems: capProblems(problems, LIMITS.problemsPerDocument, (hidden, errors) =>
      moreProblems(hidden, errors, 'in this document'),
    ),
  };
}

/**
 * `webhooks:` with nothing after it is null. The API server prunes null fields the CRD does not mark
 * nullable (none of Aviary's are, nor Flagger's) before it validates, so a null field is an absent one;
 * a null list item is not pruned and stays an error. Returns `value` itself when it holds no null field.
 */
function withoutNullFields<T extends object>(value: T): T {
  const entries = Object.entries(value);
  const kept = entries
    .filter(([, v]) => v !== null || Array.isArray(value))
    .map(([k, v]: [string, unknown]): [string, unknown] => [k, isObject(v) ? withoutNullFields(v) : v]);
  const same =
    kept.length === entries.length && kept.every(([k, v]) => (value as Record<string, unknown>)[k] === v);
  if (same) return value;
  return (Array.isArray(value) ? kept.map(([, v]) => v) : Object.fromEntries(kept)) as T;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/**
 * Cross-field rules also run when the schema found errors, so one pass shows everything: the rules see
 * a copy without the invalid values, and a rule that cannot run on what is left is skipped.
 */
function ruleProblems(
  spec: KindSpec,
  object: object,
  shape: FieldProblem[],
  context: ObjectContext,
): FieldProblem[] {
  const rules = (o: object) => [...spec.rules(o as never, context), ...durationLimitProblems(spec.schema, o)];
  if (shape.length === 0 && Value.Check(spec.schema, object)) return rules(object);
  try {
    const copy = structuredClone(object) as Record<string, unknown>;
    for (const problem of shape) removeAt(copy, fromDottedPath(problem.path));
    // a rule about a field (or an ancestor of a field) the schema already rejected would only echo it
    const covered = (path: string) =>
      shape.some((p) => p.path === path || p.path.startsWith(`${path}.`) || p.path.startsWith(`${path}[`));
    return rules(copy).filter((p) => !covered(p.path));
  } catch {
    return [];
  }
}

function removeAt(root: Record<string, unknown>, segments: (string | number)[]): void {
  let node: unknown = root;
  for (const segment of segments.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return;
    node = (node as Record<string | number, unknown>)[segment];
  }
  const last = segments[segments.length - 1];
  if (last !== undefined && node !== null && typeof node === 'object')
    delete (node as Record<string | number, unknown>)[last];
}

/**
 * Validates every document in a YAML stream. Never throws on bad input: syntax errors, and input past
 * one of LIMITS (size, nesting, alias expansion, ...), are problems.
 */
export function validateDocuments(yamlText: string, opts: ValidateOptions = {}): ValidationResult {
  const bytes = yamlText.length > LIMITS.bytes / 4 ? Buffer.byteLength(yamlText) : 0;
  if (bytes > LIMITS.bytes) return { documents: [], problems: [streamProblem(0, tooLarge(bytes), 1)] };
  const lineCounter = new LineCounter();
  const stream = parseYamlStream(yamlText, lineCounter);
  if (stream.stopped) {
    const { document, offset, problem } = stream.stopped;
    const { line, col } = lineCounter.linePos(offset);
    const where = { ...problem, message: `${problem.message} (line ${line}, column ${col})` };
    return { documents: [], problems: [{ ...streamProblem(document, where, line), column: col }] };
  }
  const documents: ParsedDocument[] = [];
  const problems: Problem[] = [];
  stream.documents.forEach((doc, index) => {
    const line = lineCounter.linePos(doc.range[0]).line;
    const syntax = syntaxProblems(doc, index, lineCounter);
    if (syntax.length > 0) {
      documents.push(unreadable(index, line));
      problems.push(
        ...capProblems(syntax, LIMITS.problemsPerDocument, (hidden, errors) =>
          streamProblem(index, moreProblems(hidden, errors, 'in this document'), line),
        ),
      );
      return;
    }
    if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) return; // empty, e.g. after a trailing ---
    const read = toPlain(doc);
    if ('problem' in read) {
      documents.push(unreadable(index, line));
      problems.push(streamProblem(index, read.problem, line));
      return;
    }
    const object = read.value;
    const meta = identity(object);
    const result = validateObject(object, opts);
    for (const p of result.problems) {
      if (opts.warnings === false && !isError(p)) continue;
      problems.push({
        document: index,
        kind: meta.kind,
        name: meta.name,
        ...p,
        severity: p.severity ?? 'error',
        ...locate(doc, lineCounter, p.path),
      });
    }
    documents.push({
      index,
      ...meta,
      object,
      line,
      checked: result.checked,
      valid: result.checked && !result.problems.some(isError),
    });
  });
  const capped = capProblems(problems, LIMITS.problemsPerStream, (hidden, errors) => ({
    document: Math.max(0, documents.length - 1),
    kind: '',
    name: '',
    ...moreProblems(hidden, errors, 'in this file'),
    severity: errors > 0 ? 'error' : 'warning',
  }));
  return { documents, problems: capped };
}

function unreadable(index: number, line: number): ParsedDocument {
  return { index, apiVersion: '', kind: '', name: '', object: undefined, line, checked: true, valid: false };
}

function streamProblem(document: number, p: FieldProblem, line: number): Problem {
  return { document, kind: '', name: '', ...p, severity: p.severity ?? 'error', line };
}

function syntaxProblems(doc: Document.Parsed, index: number, counter: LineCounter): Problem[] {
  const out: Problem[] = [];
  for (const error of doc.errors) {
    const pos = counter.linePos(error.pos[0]);
    const overflow = /Maximum call stack size exceeded/.test(error.message);
    out.push({
      document: index,
      kind: '',
      name: '',
      path: '',
      message: overflow
        ? `nests too deeply to read (line ${pos.line}, column ${pos.col}; at most ${LIMITS.depth} levels are allowed)`
        : `YAML syntax error at line ${pos.line}, column ${pos.col}: ${firstLine(error.message)}`,
      fix: overflow
        ? 'flatten it; no Aviary field nests that deep'
        : 'fix the YAML (indentation, quoting, a missing colon)',
      severity: 'error',
      line: pos.line,
      column: pos.col,
    });
  }
  for (const dup of duplicateKeys(doc)) {
    const pos = counter.linePos(dup.offset);
    out.push({
      document: index,
      kind: '',
      name: '',
      path: '',
      message: `YAML syntax error at line ${pos.line}, column ${pos.col}: key ${JSON.stringify(dup.key)} appears twice in one mapping (first at line ${counter.linePos(dup.first).line})`,
      fix: 'keep one of them',
      severity: 'error',
      line: pos.line,
      column: pos.col,
    });
  }
  return out;
}

/**
 * The document as plain data, with aliases expanded up to LIMITS.aliases (the `yaml` package counts an
 * alias by the size of what it expands to, which is what stops a billion-laughs bomb).
 */
function toPlain(doc: Document.Parsed): { value: unknown } | { problem: FieldProblem } {
  try {
    return { value: doc.toJS({ maxAliasCount: LIMITS.aliases }) as unknown };
  } catch (err) {
    if (err instanceof ReferenceError && /alias/i.test(err.message))
      return {
        problem: {
          path: '',
          message: `its YAML aliases (*name) expand to too much data (${err.message.replace(/\.$/, '')})`,
          fix: 'write the values out, or use fewer aliases of large anchors (&name)',
        },
      };
    if (err instanceof RangeError)
      return {
        problem: {
          path: '',
          message: `nests too deeply to read (at most ${LIMITS.depth} levels are allowed)`,
          fix: 'flatten it, and do not nest aliases (*name) inside what they refer to',
        },
      };
    throw err;
  }
}

/** Checks one Canary object and returns it typed; throws InvalidSpecError listing every error. */
export function parseCanary(object: unknown): Canary {
  const { problems } = validateObject(object);
  const meta = identity(object);
  const errors = problems.filter(isError);
  if (errors.length > 0 || meta.kind !== 'Canary') {
    const all: Problem[] = errors.map((p) => ({
      document: 0,
      kind: meta.kind,
      name: meta.name,
      ...p,
      severity: 'error',
    }));
    if (meta.kind !== 'Canary' && all.length === 0)
      all.push({
        document: 0,
        kind: meta.kind,
        name: meta.name,
        path: 'kind',
        message: `is ${meta.kind || 'missing'}, expected Canary`,
        fix: 'pass a Canary',
        severity: 'error',
      });
    throw new InvalidSpecError(all);
  }
  return withoutNullFields(object as object) as Canary;
}

export class InvalidSpecError extends AviaryError {
  constructor(readonly problems: Problem[]) {
    const first = problems[0];
    const title = first ? `${first.kind || 'document'}/${first.name || '?'}` : 'document';
    super(
      'INVALID_SPEC',
      `invalid ${title}:\n${problems.map((p) => `  ${formatProblem(p).replace(/^doc \d+ /, '')}`).join('\n')}`,
    );
  }
}

function identity(object: unknown): Pick<ParsedDocument, 'apiVersion' | 'kind' | 'name' | 'namespace'> {
  const record = (object && typeof object === 'object' ? object : {}) as Record<string, unknown>;
  const metadata = (record.metadata && typeof record.metadata === 'object' ? record.metadata : {}) as Record<
    string,
    unknown
  >;
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const namespace = text(metadata.namespace);
  return {
    apiVersion: text(record.apiVersion),
    kind: text(record.kind),
    name: text(metadata.name),
    ...(namespace ? { namespace } : {}),
  };
}

/** Line/column of the deepest node on `path` that exists in the YAML. */
function locate(doc: Document, counter: LineCounter, path: string): { line?: number; column?: number } {
  const segments = fromDottedPath(path);
  for (let n = segments.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true);
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    if (range && (n > 0 || isMap(node))) {
      const pos = counter.linePos(range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
