import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';

// CRDs are plain nested JSON; the tests read them with a loose type
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
import { parse } from 'yaml';
import { crdDocuments, toStructural, type JSONSchemaProps } from './crd.js';
import { generatedFiles } from './generated-files.js';
import { Opaque, StringMap } from './schema/common.js';

/** Kubernetes `x-kubernetes-int-or-string` (no Aviary field uses it yet; the CRD generator must keep it). */
const IntOrString = Type.Unsafe<number | string>({ 'x-kubernetes-int-or-string': true });

const root = join(import.meta.dirname, '..', '..');

describe('toStructural', () => {
  it('turns literals and unions of literals into typed enums', () => {
    expect(toStructural(Type.Literal('Canary'))).toEqual({ type: 'string', enum: ['Canary'] });
    expect(toStructural(Type.Union([Type.Literal('a'), Type.Literal('b')]))).toEqual({
      type: 'string',
      enum: ['a', 'b'],
    });
    expect(toStructural(Type.Union([Type.Literal(1), Type.Literal(2)]))).toEqual({
      type: 'integer',
      enum: [1, 2],
    });
  });

  it('turns records into additionalProperties and keeps int-or-string and preserve-unknown-fields', () => {
    expect(toStructural(StringMap)).toEqual({ type: 'object', additionalProperties: { type: 'string' } });
    expect(toStructural(IntOrString)).toEqual({ 'x-kubernetes-int-or-string': true });
    expect(toStructural(Opaque)).toEqual({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true });
  });

  it('rewrites numeric exclusive bounds into the boolean form', () => {
    expect(toStructural(Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }))).toEqual({
      type: 'number',
      minimum: 0,
      exclusiveMinimum: true,
      maximum: 1,
      exclusiveMaximum: true,
    });
  });

  it('drops $id, $schema, title and unknown keys, and refuses what it cannot express', () => {
    const out = toStructural({
      $id: 'x',
      $schema: 'y',
      title: 't',
      type: 'string',
      'x-aviary-default': '1m',
      description: 'd',
    });
    expect(out).toEqual({ type: 'string', description: 'd. Default: 1m.' });
    expect(() => toStructural(Type.Union([Type.String(), Type.Number()]))).toThrow(/union of non-literals/);
    expect(() => toStructural({ $ref: '#/x' })).toThrow(/\$ref/);
  });
});

/** The rules kube-apiserver applies to a structural schema (apiextensions validation), as a walker. */
function structuralViolations(node: JSONSchemaProps, at: string, inJunctor = false): string[] {
  const out: string[] = [];
  for (const key of [
    '$ref',
    '$schema',
    '$id',
    'definitions',
    '$defs',
    'const',
    'patternProperties',
    'dependencies',
    'title',
  ])
    if (key in node) out.push(`${at}: ${key} is not allowed`);
  if (node.uniqueItems === true) out.push(`${at}: uniqueItems must not be true`);
  if ('default' in node) out.push(`${at}: defaults are applied in code, not by the API server`);
  for (const bound of ['exclusiveMinimum', 'exclusiveMaximum'])
    if (bound in node && typeof node[bound] !== 'boolean') out.push(`${at}: ${bound} must be boolean`);
  if (node.properties && node.additionalProperties !== undefined)
    out.push(`${at}: additionalProperties next to properties`);
  const free =
    node['x-kubernetes-int-or-string'] === true || node['x-kubernetes-preserve-unknown-fields'] === true;
  if (!inJunctor && typeof node.type !== 'string' && !free) out.push(`${at}: has no type`);
  if (inJunctor)
    for (const key of ['type', 'default', 'description', 'nullable'])
      if (key in node) out.push(`${at}: ${key} inside anyOf/oneOf/allOf/not`);
  if (
    Array.isArray(node.enum) &&
    node.enum.some((v) => typeof v !== (node.type === 'integer' ? 'number' : node.type))
  )
    out.push(`${at}: enum values do not match type ${String(node.type)}`);
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, JSONSchemaProps>))
    out.push(...structuralViolations(child, `${at}.${key}`, inJunctor));
  if (node.items) out.push(...structuralViolations(node.items as JSONSchemaProps, `${at}[]`, inJunctor));
  if (typeof node.additionalProperties === 'object')
    out.push(...structuralViolations(node.additionalProperties as JSONSchemaProps, `${at}.*`, inJunctor));
  for (const junctor of ['anyOf', 'oneOf', 'allOf'])
    for (const [i, child] of ((node[junctor] ?? []) as JSONSchemaProps[]).entries())
      out.push(...structuralViolations(child, `${at}.${junctor}[${i}]`, true));
  return out;
}

describe('crdDocuments', () => {
  const crds = crdDocuments();
  const byName = Object.fromEntries(crds.map((c) => [(c.metadata as { name: string }).name, c])) as Record<
    string,
    Loose
  >;

  it('defines canaries, metrictemplates and alertproviders of aviary.dev', () => {
    expect(Object.keys(byName)).toEqual([
      'canaries.aviary.dev',
      'metrictemplates.aviary.dev',
      'alertproviders.aviary.dev',
    ]);
    const canary = byName['canaries.aviary.dev'];
    expect(canary.spec.names).toMatchObject({ kind: 'Canary', plural: 'canaries', shortNames: ['canary'] });
    const version = canary.spec.versions[0];
    expect(version.subresources).toEqual({ status: {} });
    const columns = version.additionalPrinterColumns.map(
      (c: JSONSchemaProps) => `${String(c.name)}:${String(c.priority ?? 0)}`,
    );
    expect(columns).toEqual(
      expect.arrayContaining([
        'Status:0',
        'Weight:0',
        'FailedChecks:1',
        'Interval:1',
        'LastTransitionTime:0',
      ]),
    );
    expect(version.schema.openAPIV3Schema.properties.spec.required).toEqual([
      'targetRef',
      'service',
      'analysis',
    ]);
  });

  it('produces structural schemas the API server accepts', () => {
    for (const crd of crds) {
      const schema = (crd.spec as Loose).versions[0].schema.openAPIV3Schema as JSONSchemaProps;
      expect(structuralViolations(schema, (crd.metadata as { name: string }).name)).toEqual([]);
      // metadata may only constrain name/generateName; Aviary leaves it to the API server
      expect((schema.properties as Loose).metadata).toEqual({ type: 'object' });
    }
  });

  it('keeps the checked-in deploy/crds in sync with the schema (run npm run gen:crds)', () => {
    for (const [path, text] of Object.entries(generatedFiles())) {
      let onDisk = '';
      try {
        onDisk = readFileSync(join(root, path), 'utf8');
      } catch {
        // missing file: reported by the assertion below
      }
      expect(onDisk, `${path} is out of date: run npm run gen:crds`).toBe(text);
    }
  });

  it('lists every CRD in the kustomization', () => {
    const kustomization = parse(readFileSync(join(root, 'deploy/crds/kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect(kustomization.resources).toEqual(crds.map((c) => `${(c.metadata as { name: string }).name}.yaml`));
  });
});
