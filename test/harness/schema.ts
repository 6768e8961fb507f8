import { clone, isObject, type FieldError, type JsonObject, type Schema } from './types.js';

/**
 * Structural-schema handling of custom resources, in the order the real API server applies it:
 * prune unknown fields (and nulls that are not nullable), apply defaults, then validate.
 * CEL rules (`x-kubernetes-validations`) are NOT evaluated: they are skipped, which makes the
 * harness more permissive than a real server for objects that only a CEL rule would reject.
 */
export interface SchemaResult {
  object: JsonObject;
  errors: FieldError[];
  /** Paths of fields dropped by pruning (`spec.foo`), reported as warnings or strict-mode errors. */
  unknownFields: string[];
}

/** Fields every object may carry whatever the schema says. */
const ROOT_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

export function processCustomResource(schema: Schema | undefined, input: JsonObject): SchemaResult {
  const unknownFields: string[] = [];
  if (!schema) return { object: clone(input), errors: [], unknownFields };
  const object = clone(input);
  pruneAndDefault(schema, object, '', unknownFields, true);
  const errors: FieldError[] = [];
  // The metadata of a custom resource is validated as ObjectMeta, not against the schema.
  const forValidation: JsonObject = { ...object };
  delete forValidation.metadata;
  validate(withoutRootRequirements(schema), forValidation, '', errors);
  return { object, errors, unknownFields };
}

function withoutRootRequirements(schema: Schema): Schema {
  const properties = { ...schema.properties };
  delete properties.metadata;
  return { ...schema, properties };
}

function pruneAndDefault(
  schema: Schema,
  value: unknown,
  path: string,
  unknown: string[],
  root = false,
): void {
  if (Array.isArray(value)) {
    if (schema.items)
      for (const [i, item] of value.entries()) pruneAndDefault(schema.items, item, `${path}[${i}]`, unknown);
    return;
  }
  if (!isObject(value)) return;
  const properties = schema.properties ?? {};
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  const additional = isObject(schema.additionalProperties)
    ? (schema.additionalProperties as Schema)
    : undefined;
  for (const key of Object.keys(value)) {
    if (root && ROOT_FIELDS.has(key)) continue;
    const child = properties[key] ?? additional;
    const childPath = join(path, key);
    if (!child) {
      if (!preserve && schema.additionalProperties !== true) {
        unknown.push(childPath);
        delete value[key];
      }
      continue;
    }
    if (value[key] === null && !child.nullable) {
      delete value[key];
      continue;
    }
    pruneAndDefault(child, value[key], childPath, unknown);
  }
  for (const [key, child] of Object.entries(properties)) {
    if (value[key] === undefined && child.default !== undefined) {
      value[key] = clone(child.default);
      pruneAndDefault(child, value[key], join(path, key), []);
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(typeName(value));
}

function invalid(path: string, value: unknown, detail: string): FieldError {
  return {
    field: path,
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${show(value)}: ${path || '<root>'} in body ${detail}`,
  };
}

function typeMatches(type: Schema['type'], value: unknown): boolean {
  switch (type) {
    case undefined:
      return true;
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
  }
}

/** Validates `value` against `schema`, appending field errors (apimachinery wording) to `out`. */
export function validate(schema: Schema, value: unknown, path: string, out: FieldError[]): void {
  if (value === null) {
    if (!schema.nullable && schema.type) {
      out.push({
        field: path,
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"`,
      });
    }
    return;
  }
  if (schema['x-kubernetes-int-or-string']) {
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value)))) {
      out.push({
        field: path,
        reason: 'FieldValueTypeInvalid',
        message: `Invalid value: ${show(value)}: ${path} in body must be of type integer,string: ${JSON.stringify(typeName(value))}`,
      });
      return;
    }
  } else if (!typeMatches(schema.type, value)) {
    out.push({
      field: path,
      reason: 'FieldValueTypeInvalid',
      message: `Invalid value: ${JSON.stringify(typeName(value))}: ${path} in body must be of type ${schema.type}: ${JSON.stringify(typeName(value))}`,
    });
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    const supported = schema.enum.map((e) => JSON.stringify(e)).join(', ');
    out.push({
      field: path,
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${supported}`,
    });
  }
  if (typeof value === 'number') validateNumber(schema, value, path, out);
  if (typeof value === 'string') validateString(schema, value, path, out);
  if (Array.isArray(value)) validateArray(schema, value, path, out);
  if (isObject(value)) validateObject(schema, value, path, out);
  validateCombinators(schema, value, path, out);
}

function validateNumber(schema: Schema, value: number, path: string, out: FieldError[]): void {
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
      out.push(
        invalid(
          path,
          value,
          `should be greater than ${schema.exclusiveMinimum ? '' : 'or equal to '}${schema.minimum}`,
        ),
      );
    }
  }
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
      out.push(
        invalid(
          path,
          value,
          `should be less than ${schema.exclusiveMaximum ? '' : 'or equal to '}${schema.maximum}`,
        ),
      );
    }
  }
  if (schema.multipleOf !== undefined && value % schema.multipleOf !== 0) {
    out.push(invalid(path, value, `should be a multiple of ${schema.multipleOf}`));
  }
}

const FORMATS: Record<string, RegExp> = {
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
};

function validateString(schema: Schema, value: string, path: string, out: FieldError[]): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) {
    out.push({
      field: path,
      reason: 'FieldValueTooLong',
      message: `Too long: may not be more than ${schema.maxLength} bytes`,
    });
  }
  if (schema.minLength !== undefined && length < schema.minLength) {
    out.push(invalid(path, value, `should be at least ${schema.minLength} chars long`));
  }
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
    out.push(invalid(path, value, `should match '${schema.pattern}'`));
  }
  const format = schema.format ? FORMATS[schema.format] : undefined;
  if (format && !format.test(value))
    out.push(invalid(path, value, `must be of type ${schema.format}: ${JSON.stringify(value)}`));
}

function validateArray(schema: Schema, value: unknown[], path: string, out: FieldError[]): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) {
    out.push({
      field: path,
      reason: 'FieldValueTooMany',
      message: `Too many: ${value.length}: must have at most ${schema.maxItems} items`,
    });
  }
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.push(invalid(path, value, `should have at least ${schema.minItems} items`));
  }
  const listType = schema['x-kubernetes-list-type'];
  if (schema.uniqueItems || listType === 'set' || listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const identity =
        listType === 'map' && isObject(item)
          ? JSON.stringify(keys.map((k) => item[k]))
          : JSON.stringify(item);
      if (seen.has(identity))
        out.push({
          field: `${path}[${i}]`,
          reason: 'FieldValueDuplicate',
          message: `Duplicate value: ${identity}`,
        });
      seen.add(identity);
    });
  }
  if (schema.items) value.forEach((item, i) => validate(schema.items as Schema, item, `${path}[${i}]`, out));
}

function validateObject(schema: Schema, value: JsonObject, path: string, out: FieldError[]): void {
  for (const key of schema.required ?? []) {
    if (value[key] === undefined)
      out.push({ field: join(path, key), reason: 'FieldValueRequired', message: 'Required value' });
  }
  const count = Object.keys(value).length;
  if (schema.maxProperties !== undefined && count > schema.maxProperties) {
    out.push({
      field: path,
      reason: 'FieldValueTooMany',
      message: `Too many: ${count}: must have at most ${schema.maxProperties} items`,
    });
  }
  if (schema.minProperties !== undefined && count < schema.minProperties) {
    out.push(invalid(path, value, `should have at least ${schema.minProperties} properties`));
  }
  for (const [key, child] of Object.entries(value)) {
    const childSchema =
      schema.properties?.[key] ??
      (isObject(schema.additionalProperties) ? (schema.additionalProperties as Schema) : undefined);
    if (childSchema && child !== undefined) validate(childSchema, child, join(path, key), out);
  }
}

function passes(schema: Schema, value: unknown, path: string): boolean {
  const errors: FieldError[] = [];
  validate(schema, value, path, errors);
  return errors.length === 0;
}

function validateCombinators(schema: Schema, value: unknown, path: string, out: FieldError[]): void {
  for (const sub of schema.allOf ?? []) validate(sub, value, path, out);
  if (schema.anyOf && !schema.anyOf.some((s) => passes(s, value, path))) {
    out.push(invalid(path, value, 'must validate at least one schema (anyOf)'));
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s) => passes(s, value, path)).length;
    if (matching !== 1) out.push(invalid(path, value, 'must validate one and only one schema (oneOf)'));
  }
  if (schema.not && passes(schema.not, value, path))
    out.push(invalid(path, value, 'must not validate the schema (not)'));
}
