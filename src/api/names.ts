/**
 * Kubernetes' name rules (DNS-1123), for names the API server would refuse and names Aviary turns into
 * other objects' names or into file names (`<state dir>/<name>.status.json` locally: `../../x` must not
 * leave the state directory).
 */
import type { FieldProblem } from './problems.js';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL = new RegExp(`^${LABEL}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
export const MAX_LABEL = 63;
export const MAX_SUBDOMAIN = 253;

export type NameRule = 'subdomain' | 'label';

/** Why `name` is not a DNS-1123 subdomain (or label), or undefined when it is one. */
export function dns1123Error(name: string, rule: NameRule = 'subdomain'): string | undefined {
  const max = rule === 'label' ? MAX_LABEL : MAX_SUBDOMAIN;
  if (name.length > max) return `is ${name.length} characters long, more than ${max}`;
  if ((rule === 'label' ? DNS1123_LABEL : DNS1123_SUBDOMAIN).test(name)) return undefined;
  const what =
    rule === 'label'
      ? 'lowercase letters, digits and "-", starting and ending with a letter or digit'
      : 'lowercase letters, digits, "-" and ".", each dot-separated part starting and ending with a letter or digit';
  return `${JSON.stringify(name)} is not a valid Kubernetes name: use ${what}`;
}

/** A problem for `name` at `path` when it breaks the rule; `fix` defaults to a lowercased suggestion. */
export function nameProblem(
  name: string | undefined,
  path: string,
  rule: NameRule = 'subdomain',
  max?: number,
): FieldProblem[] {
  if (name === undefined || name === '') return [];
  const error =
    max !== undefined && name.length > max
      ? `is ${name.length} characters long, more than ${max}`
      : dns1123Error(name, rule);
  if (!error) return [];
  const suggestion = suggest(name, rule, max);
  return [
    {
      path,
      message: error,
      fix: suggestion ? `rename it, e.g. ${suggestion}` : 'rename it with lowercase letters, digits and "-"',
    },
  ];
}

/** `Bad Name!` -> `bad-name`, `../../x` -> `x`; undefined when nothing usable is left. */
function suggest(
  name: string,
  rule: NameRule,
  max = rule === 'label' ? MAX_LABEL : MAX_SUBDOMAIN,
): string | undefined {
  const allowed = rule === 'label' ? /[^a-z0-9-]+/g : /[^a-z0-9.-]+/g;
  const cleaned = name
    .toLowerCase()
    .replace(allowed, '-')
    .replace(/-*\.-*/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, max)
    .replace(/[-.]+$/g, '');
  return cleaned && !dns1123Error(cleaned, rule) ? cleaned : undefined;
}

interface Metadata {
  name?: unknown;
  namespace?: unknown;
}

/** metadata.name is a DNS-1123 subdomain and metadata.namespace a DNS-1123 label, as Kubernetes requires. */
export function metadataNameRules(metadata: Metadata | undefined): FieldProblem[] {
  if (!metadata) return [];
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return [
    ...nameProblem(text(metadata.name), 'metadata.name'),
    ...nameProblem(text(metadata.namespace), 'metadata.namespace', 'label'),
  ];
}
