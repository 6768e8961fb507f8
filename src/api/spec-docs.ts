/**
 * docs/spec.md, generated from the schema descriptions: one table per object with field, type,
 * default and meaning. Defaults are read from the "Default: X." sentence that ends a description.
 */

import { DURATION_PATTERN } from './schema/common.js';
import { AlertProviderSpec, CanarySpec, MetricTemplateSpec } from './schema/index.js';

type Node = Record<string, unknown>;

interface Row {
  field: string;
  type: string;
  required: boolean;
  defaultValue: string;
  description: string;
}

/** Istio/Gateway API shapes passed through as written: one row each, documented by Istio. */
const OPAQUE_PATHS = new Set([
  'service.match',
  'service.corsPolicy',
  'service.headers',
  'service.rewrite',
  'service.retries',
  'service.apex',
  'service.primary',
  'service.canary',
  'analysis.match',
]);

export function specMarkdown(): string {
  const canary = CanarySpec as unknown as Node;
  const properties = canary.properties as Record<string, Node>;
  const sections = Object.entries(properties).filter(([, node]) => node.type === 'object' && node.properties);
  // sections get their own table; the spec table lists them without their fields
  const topLevel: Node = {
    ...canary,
    properties: Object.fromEntries(
      Object.entries(properties).map(([k, n]) =>
        n.type === 'object' && n.properties
          ? [k, { type: 'object', description: `See spec.${k} below. ${String(n.description ?? '')}`.trim() }]
          : [k, n],
      ),
    ),
  };
  const required = (canary.required as string[] | undefined) ?? [];
  const out = [
    '# Spec reference',
    '',
    '<!-- Generated from src/api/schema by `npm run gen:crds`. Do not edit; change the schema descriptions. -->',
    '',
    'Aviary reads `aviary.dev/v1beta1` `Canary`, `MetricTemplate` and `AlertProvider` documents. Every field',
    "of Flagger's `flagger.app/v1beta1` keeps its name and meaning, so a Flagger manifest needs only its",
    '`apiVersion` changed (`aviary convert -f FILE` does it). Fields Aviary adds are marked **Aviary:**.',
    'Check a manifest with `aviary validate -f FILE`: it names each wrong field, says why, and what to write instead.',
    '',
    'Defaults are applied when Aviary reads a spec; they are never written back into your object.',
    '',
    '## Canary',
    '',
    '### `spec`',
    '',
    table(rows(topLevel, '', required)),
  ];
  for (const [name, node] of sections) {
    out.push(`### \`spec.${name}\``, '', ...intro(node), table(rows(node, '', undefined, name)));
  }
  out.push(
    '## MetricTemplate',
    '',
    '### `spec`',
    '',
    table(rows(MetricTemplateSpec as unknown as Node, '')),
    '## AlertProvider',
    '',
    '### `spec`',
    '',
    table(rows(AlertProviderSpec as unknown as Node, '')),
  );
  out.push(...WEBHOOK_SECTION);
  return `${out.join('\n').trimEnd()}\n`;
}

function intro(node: Node): string[] {
  const text = typeof node.description === 'string' ? node.description : '';
  return text ? [bold(escape(text)), ''] : [];
}

function rows(node: Node, prefix: string, requiredOverride?: string[], section = ''): Row[] {
  const out: Row[] = [];
  const required = requiredOverride ?? (node.required as string[] | undefined) ?? [];
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    const field = prefix ? `${prefix}.${key}` : key;
    const { text, defaultValue } = splitDefault(child);
    out.push({
      field,
      type: typeOf(child),
      required: required.includes(key),
      defaultValue,
      description: text,
    });
    if (OPAQUE_PATHS.has(`${section}.${field}`)) continue;
    if (child.type === 'object' && child.properties) out.push(...rows(child, field, undefined, section));
    const items = child.items as Node | undefined;
    if (child.type === 'array' && items?.type === 'object' && items.properties)
      out.push(...rows(items, `${field}[]`, undefined, section));
  }
  return out;
}

function splitDefault(node: Node): { text: string; defaultValue: string } {
  let text = typeof node.description === 'string' ? node.description : '';
  const items = node.items as Node | undefined;
  if (!text && typeof items?.description === 'string') text = items.description;
  const match = /\s*Default: (.+)\.$/.exec(text);
  const enumValues = literalValues(node);
  if (enumValues && enumValues.length > 3)
    text = `${text} One of: ${enumValues.map((v) => `\`${v || '""'}\``).join(', ')}.`.trim();
  if (!match) return { text, defaultValue: '' };
  return { text: text.replace(match[0], ''), defaultValue: match[1] ?? '' };
}

function literalValues(node: Node): string[] | undefined {
  const branches = node.anyOf as Node[] | undefined;
  if (!branches?.every((b) => typeof b.const === 'string')) return undefined;
  return branches.map((b) => b.const as string);
}

function typeOf(node: Node): string {
  if (node['x-kubernetes-int-or-string']) return 'int or string';
  if (node['x-kubernetes-preserve-unknown-fields']) return 'object (kept as written)';
  const values = literalValues(node);
  if (values) return values.length > 3 ? 'enum' : values.map((v) => `\`${v || '""'}\``).join(' \\| ');
  if (node.pattern === DURATION_PATTERN) return 'duration';
  if (node.type === 'array') return `${typeOf((node.items ?? {}) as Node)}[]`;
  if (node.type === 'object' && node.patternProperties) {
    const value = Object.values(node.patternProperties as Record<string, Node>)[0] ?? {};
    return `map[string]${typeOf(value)}`;
  }
  const type = String(node.type ?? 'any');
  const low = node.minimum ?? node.exclusiveMinimum;
  const high = node.maximum ?? node.exclusiveMaximum;
  if ((type === 'integer' || type === 'number') && (low !== undefined || high !== undefined)) {
    const left = node.exclusiveMinimum !== undefined ? '(' : '[';
    const right = node.exclusiveMaximum !== undefined ? ')' : ']';
    return `${type} ${left}${low ?? ''}..${high ?? ''}${right}`;
  }
  return type;
}

function table(list: Row[]): string {
  const lines = ['| Field | Type | Required | Default | Meaning |', '|---|---|---|---|---|'];
  for (const r of list)
    lines.push(
      `| \`${r.field}\` | ${r.type.includes('`') ? r.type : escape(r.type)} | ${r.required ? 'yes' : ''} | ${r.defaultValue ? escape(r.defaultValue) : ''} | ${bold(escape(r.description))} |`,
    );
  return `${lines.join('\n')}\n`;
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function bold(text: string): string {
  return text.replace(/\bAviary:/g, '**Aviary:**');
}

/** What each webhook type does; the schema enumerates them, their behaviour is Flagger's. */
const WEBHOOK_SECTION = [
  '## Webhook types',
  '',
  'Every hook receives a JSON POST `{name, namespace, phase, checksum, metadata}`; a status up to 202 is success.',
  '',
  '| Type | Called | When it fails |',
  '|---|---|---|',
  '| `confirm-rollout` | before a new revision is scaled up, every tick until it passes | the canary waits (phase Waiting) |',
  '| `pre-rollout` | on the first analysis tick, before any traffic | counts as a failed check |',
  '| `rollout` (default) | every analysis tick, before the metrics | counts as a failed check |',
  '| `confirm-traffic-increase` | before each weight increase (canary strategy) | the weight stays; no failed check |',
  '| `confirm-promotion` | before promotion | the canary waits (WaitingPromotion) while checks keep running |',
  '| `post-rollout` | after success or rollback | reported only |',
  '| `rollback` | every tick while progressing or waiting for promotion | a **success** rolls the canary back |',
  '| `event` | on every event recorded for the canary | reported only |',
  '',
  'Metrics named `request-success-rate` (percent of non-5xx responses) and `request-duration` (P99 in ms) are',
  'builtin queries for the provider; any other name needs `templateRef` (a MetricTemplate) or `query`.',
];
