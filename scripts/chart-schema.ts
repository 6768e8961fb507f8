/**
 * values.schema.json of each chart, derived from its values.yaml (npm run gen:charts): every key with
 * the type of its default, and no key values.yaml lacks, so that `helm install --set replicas=2` or a
 * Flagger value with no Aviary counterpart (selectorLabels, configTracking, ...) is an error naming the
 * key instead of a value silently ignored. Maps of Kubernetes fields (resources, affinity, ...) and
 * maps that default to {} take any keys.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from './chart-copies.js';

export interface ChartSchemaSpec {
  chart: string;
  /** Non-empty maps whose keys are the user's (Kubernetes objects, label sets). */
  freeForm: string[];
  /** Schemas that say more than the default's type. */
  overrides: Record<string, Record<string, unknown>>;
}

const LOG_LEVEL = { type: 'string', enum: ['debug', 'info', 'warn', 'error'] };
// --set image.tag=2 is a number to Helm; a PDB's minAvailable may be "50%".
const COMMON_OVERRIDES = {
  'image.tag': { type: ['string', 'number'] },
  logLevel: LOG_LEVEL,
  'podDisruptionBudget.minAvailable': { type: ['integer', 'string'] },
};

export const CHART_SCHEMAS: ChartSchemaSpec[] = [
  {
    chart: 'charts/aviary',
    freeForm: [
      'podAnnotations',
      'grafanaDashboard.labels',
      'resources',
      'podSecurityContext',
      'securityContext.context',
      'affinity',
    ],
    overrides: { ...COMMON_OVERRIDES, 'leaderElection.replicaCount': { type: 'integer', minimum: 1 } },
  },
  {
    chart: 'charts/loadtester',
    freeForm: ['resources', 'podSecurityContext', 'securityContext.context'],
    overrides: {
      ...COMMON_OVERRIDES,
      allowCommands: { type: 'array', items: { type: 'string', minLength: 1 } },
      maxBackground: { type: 'integer', minimum: 1 },
      'service.port': { type: 'integer', minimum: 1, maximum: 65535 },
    },
  },
];

function schemaOf(value: unknown, key: string, spec: ChartSchemaSpec): Record<string, unknown> {
  const override = spec.overrides[key];
  if (override) return override;
  if (Array.isArray(value)) return { type: 'array' };
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0 || spec.freeForm.includes(key)) return { type: 'object' };
    return {
      type: 'object',
      additionalProperties: false,
      properties: Object.fromEntries(
        entries.map(([name, child]) => [name, schemaOf(child, key ? `${key}.${name}` : name, spec)]),
      ),
    };
  }
  if (typeof value === 'boolean') return { type: 'boolean' };
  if (typeof value === 'number') return { type: Number.isInteger(value) ? 'integer' : 'number' };
  return { type: 'string' };
}

/** The text of `<chart>/values.schema.json` for the chart's current values.yaml. */
export function valuesSchema(spec: ChartSchemaSpec, root = REPO_ROOT): string {
  const values: unknown = parse(readFileSync(path.join(root, spec.chart, 'values.yaml'), 'utf8'));
  const schema = { $schema: 'http://json-schema.org/draft-07/schema#', ...schemaOf(values, '', spec) };
  return `${JSON.stringify(schema, null, 2)}\n`;
}
