/**
 * Turns TypeBox's JSON-schema errors into problems a person can act on: dotted paths, one message per
 * field (a union of literals becomes "must be one of ..."), and a fix. Also reports fields the schema
 * does not know, which Kubernetes would drop or reject.
 */
import type { TSchema } from 'typebox';
import { Settings } from 'typebox/system';
import { Value } from 'typebox/value';
import { DURATION_PATTERN } from './schema/common.js';
import { closest, pointerSegments, toDottedPath, type FieldProblem } from './problems.js';

type SchemaNode = Record<string, unknown>;

interface SchemaError {
  keyword: string;
  schemaPath: string;
  instancePath: string;
  params: Record<string, unknown>;
  message: string;
}

/** Fields Flagger users bring along that moved or do not exist in Aviary, with what to do instead. */
const MOVED_FIELDS: Record<string, string> = {
  canaryAnalysis: 'rename it to analysis (the v1alpha3 name; `aviary convert` does this)',
};

export function schemaProblems(schema: TSchema, value: unknown): FieldProblem[] {
  const errors = collectErrors(schema, value);
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.schemaPath));
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    if (insideReportedUnion(error.schemaPath, anyOfPaths)) continue;
    problems.push(...describe(schema as SchemaNode, value, error));
  }
  return dedupe(problems);
}

function collectErrors(schema: TSchema, value: unknown): SchemaError[] {
  // TypeBox buffers 8 errors by default; a manifest deserves all of them. Restored at once (synchronous).
  const previous = Settings.Get().maxErrors;
  Settings.Set({ maxErrors: 500 });
  try {
    return Value.Errors(schema, value) as unknown as SchemaError[];
  } finally {
    Settings.Set({ maxErrors: previous });
  }
}

function insideReportedUnion(schemaPath: string, anyOfPaths: Set<string>): boolean {
  for (const path of anyOfPaths) if (schemaPath.startsWith(`${path}/anyOf/`)) return true;
  return false;
}

function describe(root: SchemaNode, value: unknown, error: SchemaError): FieldProblem[] {
  const segments = pointerSegments(error.instancePath);
  const path = toDottedPath(segments);
  const node = resolveSchema(root, error.schemaPath);
  const actual = valueAt(value, segments);
  const field = String(segments[segments.length - 1] ?? 'document');
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params.requiredProperties as string[] | undefined) ?? [];
      return missing.map((name) => ({
        path: toDottedPath([...segments, name]),
        message: 'is required',
        fix: `add ${name}${hintFor(node, name)}`,
      }));
    }
    case 'type': {
      const expected = String(error.params.type);
      return [
        {
          path,
          message: `must be ${article(expected)} ${expected}, got ${describeValue(actual)}`,
          fix: `write ${field} as ${article(expected)} ${expected}${expected === 'string' ? ' (quote it)' : ''}`,
        },
      ];
    }
    case 'const': {
      const allowed = String(error.params.allowedValue);
      return [
        {
          path,
          message: `must be ${allowed}, got ${describeValue(actual)}`,
          fix: `set ${field}: ${allowed}`,
        },
      ];
    }
    case 'anyOf': {
      const options = literalOptions(node);
      if (!options)
        return [
          { path, message: `${describeValue(actual)} is not a valid ${field}`, fix: 'see docs/spec.md' },
        ];
      const guess = typeof actual === 'string' ? closest(actual, options) : undefined;
      return [
        {
          path,
          message: `${describeValue(actual)} is not one of: ${options.map((o) => o || '""').join(', ')}`,
          fix: guess !== undefined ? `did you mean ${guess}?` : `use one of the listed values`,
        },
      ];
    }
    case 'pattern': {
      if (node?.pattern === DURATION_PATTERN)
        return [
          {
            path,
            message: `${describeValue(actual)} is not a duration`,
            fix: 'write a duration such as 30s, 1m or 1h30m',
          },
        ];
      return [
        {
          path,
          message: `${describeValue(actual)} must match ${String(error.params.pattern)}`,
          fix: 'change the value',
        },
      ];
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [{ path, message: `${describeValue(actual)} ${error.message}`, fix: rangeFix(field, node) }];
    case 'minLength':
      return [{ path, message: 'must not be empty', fix: `give ${field} a value` }];
    case 'minItems':
      return [
        {
          path,
          message: `needs at least ${String(error.params.limit)} item(s)`,
          fix: `add an entry to ${field}`,
        },
      ];
    default:
      return [{ path, message: error.message, fix: 'see docs/spec.md for this field' }];
  }
}

function hintFor(node: SchemaNode | undefined, name: string): string {
  const properties = node?.properties as Record<string, SchemaNode> | undefined;
  const description = properties?.[name]?.description;
  return typeof description === 'string' ? ` (${description.replace(/\.$/, '')})` : '';
}

function rangeFix(field: string, node: SchemaNode | undefined): string {
  const low = node?.minimum ?? node?.exclusiveMinimum;
  const high = node?.maximum ?? node?.exclusiveMaximum;
  if (low !== undefined && high !== undefined)
    return `use a ${field} between ${String(low)} and ${String(high)}`;
  if (low !== undefined) return `use a ${field} of at least ${String(low)}`;
  return `use a ${field} of at most ${String(high)}`;
}

function literalOptions(node: SchemaNode | undefined): string[] | undefined {
  const branches = node?.anyOf;
  if (!Array.isArray(branches)) return undefined;
  const values = (branches as SchemaNode[]).map((b) => b.const);
  return values.every((v) => typeof v === 'string') ? (values as string[]) : undefined;
}

/** Follows a `#/properties/spec/...` schema path; keys are not pointer-escaped by TypeBox. */
export function resolveSchema(root: SchemaNode, schemaPath: string): SchemaNode | undefined {
  let node: unknown = root;
  const parts = schemaPath.replace(/^#\/?/, '').split('/').filter(Boolean);
  for (let i = 0; i < parts.length; i++) {
    if (node === null || typeof node !== 'object') return undefined;
    const part = parts[i] as string;
    const record = node as Record<string, unknown>;
    if (part === 'patternProperties') {
      // the next part is a regex which may itself contain '/'; these schemas use one key each
      const table = record.patternProperties as Record<string, unknown> | undefined;
      node = table ? Object.values(table)[0] : undefined;
      i++;
      continue;
    }
    node = record[part];
  }
  return node && typeof node === 'object' ? (node as SchemaNode) : undefined;
}

export function valueAt(value: unknown, segments: readonly (string | number)[]): unknown {
  let current = value;
  for (const s of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[s];
  }
  return current;
}

export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function dedupe(problems: FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Fields the schema does not declare. Kubernetes prunes them (or rejects them under strict field
 * validation), so a typo such as `stepweight` silently changes the release; we warn instead.
 * Free-form nodes (preserve-unknown-fields, maps) and `metadata`/`status` are not checked.
 */
export function unknownFieldProblems(schema: TSchema, value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  walk(schema as SchemaNode, value, [], problems);
  return problems;
}

function walk(node: SchemaNode, value: unknown, segments: (string | number)[], out: FieldProblem[]): void {
  if (value === null || typeof value !== 'object' || node['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    const items = node.items as SchemaNode | undefined;
    if (items) value.forEach((item, i) => walk(items, item, [...segments, i], out));
    return;
  }
  const properties = node.properties as Record<string, SchemaNode> | undefined;
  const patterned = node.patternProperties as Record<string, SchemaNode> | undefined;
  const mapValues: SchemaNode | undefined =
    (patterned && Object.values(patterned)[0]) ||
    (typeof node.additionalProperties === 'object' ? (node.additionalProperties as SchemaNode) : undefined);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    // own keys only: a field named `constructor` or `toString` is unknown, not Object.prototype's
    const childSchema =
      (properties && Object.hasOwn(properties, key) ? properties[key] : undefined) ?? mapValues;
    if (segments.length === 0 && (key === 'metadata' || key === 'status')) continue;
    if (childSchema) {
      walk(childSchema, child, [...segments, key], out);
      continue;
    }
    if (!properties) continue;
    const known = Object.keys(properties);
    const moved = Object.hasOwn(MOVED_FIELDS, key) ? MOVED_FIELDS[key] : undefined;
    const guess = closest(key, known);
    out.push({
      path: toDottedPath([...segments, key]),
      message: `unknown field ${key} is ignored`,
      fix: moved ?? (guess ? `did you mean ${guess}?` : `remove it; known fields here: ${known.join(', ')}`),
      severity: moved ? 'error' : 'warning',
    });
  }
}
