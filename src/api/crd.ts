/**
 * CustomResourceDefinitions generated from the TypeBox schema. `toStructural` rewrites TypeBox's JSON
 * Schema into the Kubernetes structural dialect (every node typed, maps as additionalProperties, enums
 * instead of const/anyOf, boolean exclusive bounds, no $ref/$id/$schema); `crdDocuments` wraps the
 * three kinds. `npm run gen:crds` writes them to deploy/crds/, and a test fails when they drift.
 */
import type { TSchema } from 'typebox';
import { GROUP, VERSION } from './api-version.js';
import { AlertProviderSpec, CanarySpec, CanaryStatus, MetricTemplateSpec } from './schema/index.js';
import { AviaryError } from '../errors.js';

export type JSONSchemaProps = { [key: string]: unknown };

/** Keywords of apiextensions.k8s.io/v1 JSONSchemaProps that Aviary emits; everything else is dropped. */
const KEPT = new Set([
  'type',
  'format',
  'description',
  'properties',
  'required',
  'items',
  'additionalProperties',
  'enum',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'multipleOf',
  'nullable',
  'x-kubernetes-int-or-string',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
]);

/** Rewrites one TypeBox (JSON Schema) node and its children into a structural schema. */
export function toStructural(schema: TSchema | JSONSchemaProps): JSONSchemaProps {
  const node = JSON.parse(JSON.stringify(schema)) as JSONSchemaProps; // drops TypeBox's symbol keys
  return rewrite(node, '');
}

function rewrite(node: JSONSchemaProps, at: string): JSONSchemaProps {
  if (node['x-kubernetes-int-or-string'] === true)
    return pick(node, ['description', 'x-kubernetes-int-or-string']);
  if ('const' in node) return literals([node.const], node, at);
  if (Array.isArray(node.anyOf) || Array.isArray(node.oneOf)) {
    const branches = (node.anyOf ?? node.oneOf) as JSONSchemaProps[];
    if (branches.every((b) => 'const' in b))
      return literals(
        branches.map((b) => b.const),
        node,
        at,
      );
    throw new AviaryError(
      'INTERNAL',
      `toStructural: ${at || '(root)'} is a union of non-literals, which a structural schema cannot type`,
    );
  }
  if (Array.isArray(node.enum) && node.type === undefined) return literals(node.enum, node, at);
  if ('$ref' in node)
    throw new AviaryError('INTERNAL', `toStructural: ${at || '(root)'} uses $ref; inline the schema`);

  const out: JSONSchemaProps = {};
  for (const [key, value] of Object.entries(node)) if (KEPT.has(key)) out[key] = value;
  const extraDefault = node['x-aviary-default'];
  if (extraDefault !== undefined && typeof out.description === 'string')
    out.description = `${out.description.replace(/\.?$/, '.')} Default: ${String(extraDefault)}.`;

  if (typeof node.exclusiveMinimum === 'number') {
    out.minimum = node.exclusiveMinimum;
    out.exclusiveMinimum = true;
  }
  if (typeof node.exclusiveMaximum === 'number') {
    out.maximum = node.exclusiveMaximum;
    out.exclusiveMaximum = true;
  }
  if (node.properties && typeof node.properties === 'object') {
    out.properties = Object.fromEntries(
      Object.entries(node.properties as Record<string, JSONSchemaProps>).map(([k, v]) => [
        k,
        rewrite(v, `${at}.${k}`),
      ]),
    );
    if (Array.isArray(node.required) && node.required.length === 0) delete out.required;
  }
  const patterned = node.patternProperties as Record<string, JSONSchemaProps> | undefined;
  if (patterned) {
    const values = Object.values(patterned);
    if (values.length !== 1)
      throw new AviaryError(
        'INTERNAL',
        `toStructural: ${at} has ${values.length} patternProperties; use one value schema`,
      );
    out.additionalProperties = rewrite(values[0] as JSONSchemaProps, `${at}.*`);
  } else if (node.additionalProperties && typeof node.additionalProperties === 'object') {
    out.additionalProperties = rewrite(node.additionalProperties as JSONSchemaProps, `${at}.*`);
  } else {
    delete out.additionalProperties; // `false`/`true` next to properties is rejected by the API server
  }
  if (out.properties && out.additionalProperties) delete out.additionalProperties;
  if (node.items && typeof node.items === 'object' && !Array.isArray(node.items))
    out.items = rewrite(node.items as JSONSchemaProps, `${at}[]`);
  if (out.type === undefined) {
    if (out.properties || out.additionalProperties || out['x-kubernetes-preserve-unknown-fields'])
      out.type = 'object';
    else if (out.items) out.type = 'array';
    else throw new AviaryError('INTERNAL', `toStructural: ${at || '(root)'} has no type`);
  }
  return out;
}

function literals(values: unknown[], node: JSONSchemaProps, at: string): JSONSchemaProps {
  const types = new Set(
    values.map((v) => (typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v)),
  );
  if (types.size !== 1)
    throw new AviaryError('INTERNAL', `toStructural: ${at} mixes literal types ${[...types].join(', ')}`);
  const type = [...types][0] as string;
  return { ...pick(node, ['description']), type, enum: values };
}

function pick(node: JSONSchemaProps, keys: string[]): JSONSchemaProps {
  return Object.fromEntries(keys.filter((k) => node[k] !== undefined).map((k) => [k, node[k]]));
}

interface KindDefinition {
  kind: string;
  plural: string;
  description: string;
  spec: TSchema;
  shortNames?: string[];
  categories?: string[];
  status?: TSchema;
  printerColumns?: JSONSchemaProps[];
}

/** Printer columns as Flagger's Canary CRD shows them (`kubectl get canaries`, `-o wide` for priority 1). */
const CANARY_COLUMNS: JSONSchemaProps[] = [
  { name: 'Status', type: 'string', jsonPath: '.status.phase' },
  { name: 'Weight', type: 'integer', jsonPath: '.status.canaryWeight' },
  { name: 'Suspended', type: 'boolean', jsonPath: '.spec.suspend', priority: 1 },
  { name: 'FailedChecks', type: 'integer', jsonPath: '.status.failedChecks', priority: 1 },
  { name: 'Interval', type: 'string', jsonPath: '.spec.analysis.interval', priority: 1 },
  { name: 'Mirror', type: 'boolean', jsonPath: '.spec.analysis.mirror', priority: 1 },
  { name: 'StepWeight', type: 'integer', jsonPath: '.spec.analysis.stepWeight', priority: 1 },
  { name: 'StepWeights', type: 'string', jsonPath: '.spec.analysis.stepWeights', priority: 1 },
  { name: 'MaxWeight', type: 'integer', jsonPath: '.spec.analysis.maxWeight', priority: 1 },
  { name: 'LastTransitionTime', type: 'string', jsonPath: '.status.lastTransitionTime' },
];

export const KIND_DEFINITIONS: readonly KindDefinition[] = [
  {
    kind: 'Canary',
    plural: 'canaries',
    description:
      'Canary releases a workload progressively: canary (weights), A/B testing (match) or blue/green (iterations).',
    spec: CanarySpec,
    status: CanaryStatus,
    shortNames: ['canary'],
    categories: ['all'],
    printerColumns: CANARY_COLUMNS,
  },
  {
    kind: 'MetricTemplate',
    plural: 'metrictemplates',
    description:
      'MetricTemplate is a query against a metrics provider that Canary metrics reference by templateRef.',
    spec: MetricTemplateSpec,
  },
  {
    kind: 'AlertProvider',
    plural: 'alertproviders',
    description:
      'AlertProvider is a chat or webhook destination that Canary alerts reference by providerRef.',
    spec: AlertProviderSpec,
  },
];

export function crdDocument(def: KindDefinition): JSONSchemaProps {
  const properties: JSONSchemaProps = {
    apiVersion: { type: 'string', description: 'aviary.dev/v1beta1' },
    kind: { type: 'string', description: def.kind },
    metadata: { type: 'object' },
    spec: toStructural(def.spec),
  };
  if (def.status) properties.status = toStructural(def.status);
  const version: JSONSchemaProps = {
    name: VERSION,
    served: true,
    storage: true,
    ...(def.status ? { subresources: { status: {} } } : {}),
    ...(def.printerColumns ? { additionalPrinterColumns: def.printerColumns } : {}),
    schema: {
      openAPIV3Schema: { type: 'object', description: def.description, required: ['spec'], properties },
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${GROUP}`, labels: { 'app.kubernetes.io/part-of': 'aviary' } },
    spec: {
      group: GROUP,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.kind.toLowerCase(),
        ...(def.shortNames ? { shortNames: def.shortNames } : {}),
        ...(def.categories ? { categories: def.categories } : {}),
      },
      scope: 'Namespaced',
      versions: [version],
    },
  };
}

/** The three CRDs: canaries, metrictemplates and alertproviders of aviary.dev. */
export function crdDocuments(): JSONSchemaProps[] {
  return KIND_DEFINITIONS.map(crdDocument);
}
