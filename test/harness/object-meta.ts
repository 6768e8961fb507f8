import type { FieldError, KubeObject, ResourceType } from './types.js';

/** metadata checks every resource shares (apimachinery's ValidateObjectMeta, the parts that bite). */

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function validateName(rt: ResourceType, name: string): FieldError[] {
  const invalid = (detail: string): FieldError[] => [
    {
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(name)}: ${detail}`,
    },
  ];
  switch (rt.nameRule) {
    case 'subdomain':
      if (name.length > 253) return invalid('must be no more than 253 characters');
      return SUBDOMAIN.test(name)
        ? []
        : invalid(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          );
    case 'label':
      if (name.length > 63) return invalid('must be no more than 63 characters');
      return LABEL.test(name)
        ? []
        : invalid(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
          );
    case 'path':
      if (name === '.' || name === '..') return invalid(`may not be '${name}'`);
      return /[/%]/.test(name) ? invalid("may not contain '/' or '%'") : [];
  }
}

function validateQualifiedKey(field: string, key: string): FieldError[] {
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const ok =
    name.length <= 63 &&
    QUALIFIED_NAME.test(name) &&
    (slash < 0 || (prefix.length <= 253 && SUBDOMAIN.test(prefix)));
  return ok
    ? []
    : [
        {
          field,
          reason: 'FieldValueInvalid',
          message: `Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        },
      ];
}

export function validateObjectMeta(obj: KubeObject, old: KubeObject | undefined): FieldError[] {
  const out: FieldError[] = [];
  for (const [key, value] of Object.entries(obj.metadata.labels ?? {})) {
    out.push(...validateQualifiedKey('metadata.labels', key));
    if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) {
      out.push({
        field: 'metadata.labels',
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
  }
  for (const key of Object.keys(obj.metadata.annotations ?? {}))
    out.push(...validateQualifiedKey('metadata.annotations', key));
  if (old?.metadata.deletionTimestamp) {
    const before = new Set(old.metadata.finalizers ?? []);
    const added = (obj.metadata.finalizers ?? []).filter((f) => !before.has(f));
    if (added.length > 0) {
      out.push({
        field: 'metadata.finalizers',
        reason: 'FieldValueForbidden',
        message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
      });
    }
  }
  return out;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** generateName: prefix plus five random characters from the same alphabet the real server uses. */
export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return `${prefix}${suffix}`;
}
