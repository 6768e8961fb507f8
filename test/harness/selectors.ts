import { errors } from './errors.js';
import type { KubeObject } from './types.js';

/** One requirement of a label selector, in apimachinery's terms. */
interface Requirement {
  key: string;
  op: 'in' | 'notin' | 'exists' | '!';
  values: string[];
}

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/**
 * Parses the string form of a label selector: `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`,
 * `a`, `!a`, comma-separated (AND). Commas inside parentheses belong to the value set.
 */
export function parseLabelSelector(selector: string | undefined | null): LabelMatcher {
  if (!selector || !selector.trim()) return () => true;
  const requirements = splitTopLevel(selector).map(parseRequirement);
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter(Boolean);
}

function parseRequirement(text: string): Requirement {
  let m = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(text);
  if (m) {
    const values = (m[3] ?? '')
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    return { key: m[1] ?? '', op: m[2] === 'in' ? 'in' : 'notin', values };
  }
  m = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(text);
  if (m) return { key: m[1] ?? '', op: m[2] === '!=' ? 'notin' : 'in', values: [m[3] ?? ''] };
  m = /^!\s*([\w./-]+)$/.exec(text);
  if (m) return { key: m[1] ?? '', op: '!', values: [] };
  m = /^([\w./-]+)$/.exec(text);
  if (m) return { key: m[1] ?? '', op: 'exists', values: [] };
  throw errors.badRequest(`unable to parse requirement: invalid label selector "${text}"`);
}

function matches(r: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case 'in':
      return has && r.values.includes(value ?? '');
    case 'notin':
      // apimachinery: `a!=b` and `a notin (b)` also match objects without the label.
      return !has || !r.values.includes(value ?? '');
  }
}

export type ObjectMatcher = (obj: KubeObject) => boolean;

/** Field selectors: the fields every resource supports (metadata.name, metadata.namespace), `=`, `==`, `!=`. */
export function parseFieldSelector(selector: string | undefined | null): ObjectMatcher {
  if (!selector || !selector.trim()) return () => true;
  const terms = selector.split(',').map((term) => {
    const m = /^\s*([\w.]+)\s*(==|=|!=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw errors.badRequest(`invalid selector: '${selector}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = m;
    const read = fieldReader(field);
    return (obj: KubeObject) => (op === '!=' ? read(obj) !== value : read(obj) === value);
  });
  return (obj) => terms.every((t) => t(obj));
}

function fieldReader(field: string): (obj: KubeObject) => string {
  if (field === 'metadata.name') return (o) => o.metadata.name ?? '';
  if (field === 'metadata.namespace') return (o) => o.metadata.namespace ?? '';
  // A few type-specific fields the real server supports and controllers use.
  if (
    field === 'spec.nodeName' ||
    field === 'status.phase' ||
    field === 'type' ||
    field.startsWith('involvedObject.')
  ) {
    return (o) => {
      let cur: unknown = o;
      for (const part of field.split('.')) cur = (cur as Record<string, unknown> | undefined)?.[part];
      return cur === undefined || cur === null ? '' : String(cur);
    };
  }
  throw errors.badRequest(`field label not supported: ${field}`);
}

/** The selector of a Deployment/ReplicaSet (`spec.selector`) rendered the way `/scale` reports it. */
export function selectorToString(selector: unknown): string {
  if (typeof selector !== 'object' || selector === null) return '';
  const { matchLabels, matchExpressions } = selector as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  const parts = Object.entries(matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of matchExpressions ?? []) {
    const values = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
