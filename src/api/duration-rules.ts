/**
 * Every duration field (every schema node with the duration pattern, so a new field is covered without
 * a line here) is at most LIMITS.durationMs. The pattern alone lets `9999999h` through, which overflows
 * Node's timers: setTimeout fires at once above 2^31-1 ms and `aviary run` spun on it.
 */
import type { TSchema } from 'typebox';
import { formatDuration, parseDuration } from './duration.js';
import { LIMITS } from './limits.js';
import { toDottedPath, type FieldProblem } from './problems.js';
import { DURATION_PATTERN } from './schema/common.js';

type SchemaNode = Record<string, unknown>;

export function durationLimitProblems(schema: TSchema, value: unknown): FieldProblem[] {
  const out: FieldProblem[] = [];
  visit(schema as SchemaNode, value, [], out);
  return out;
}

function visit(node: SchemaNode, value: unknown, path: (string | number)[], out: FieldProblem[]): void {
  if (typeof value === 'string') {
    if (node.pattern !== DURATION_PATTERN) return;
    const ms = parseDuration(value);
    if (ms !== undefined && ms > LIMITS.durationMs)
      out.push({
        path: toDottedPath(path),
        message: `${value} is longer than the ${formatDuration(LIMITS.durationMs)} a duration may be`,
        fix: `use a duration of at most ${formatDuration(LIMITS.durationMs)}, such as 1m or 1h`,
      });
    return;
  }
  if (value === null || typeof value !== 'object' || node['x-kubernetes-preserve-unknown-fields']) return;
  if (Array.isArray(value)) {
    const items = node.items as SchemaNode | undefined;
    if (items) value.forEach((item, i) => visit(items, item, [...path, i], out));
    return;
  }
  const properties = node.properties as Record<string, SchemaNode> | undefined;
  const patterned = node.patternProperties as Record<string, SchemaNode> | undefined;
  const additional =
    (patterned && Object.values(patterned)[0]) ||
    (typeof node.additionalProperties === 'object' ? (node.additionalProperties as SchemaNode) : undefined);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childSchema =
      (properties && Object.hasOwn(properties, key) ? properties[key] : undefined) ?? additional;
    if (childSchema) visit(childSchema, child, [...path, key], out);
  }
}
