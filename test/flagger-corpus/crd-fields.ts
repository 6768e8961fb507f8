/**
 * The field paths a CRD's schema declares (`spec.analysis.match[].headers{}.exact`: `[]` a list item,
 * `{}` any key of a map), read from the CRD as the API server serves it. A field under
 * `x-kubernetes-preserve-unknown-fields` is written `<path>.*` and covers everything below it.
 */
type Schema = {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  anyOf?: Schema[];
  allOf?: Schema[];
  oneOf?: Schema[];
  'x-kubernetes-preserve-unknown-fields'?: boolean;
};

export function fieldPaths(schema: Schema, prefix: string, out = new Set<string>()): Set<string> {
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    out.add(`${prefix}.${name}`);
    fieldPaths(child, `${prefix}.${name}`, out);
  }
  if (schema.items) fieldPaths(schema.items, `${prefix}[]`, out);
  if (typeof schema.additionalProperties === 'object')
    fieldPaths(schema.additionalProperties, `${prefix}{}`, out);
  if (schema['x-kubernetes-preserve-unknown-fields']) out.add(`${prefix}.*`);
  for (const sub of [...(schema.anyOf ?? []), ...(schema.allOf ?? []), ...(schema.oneOf ?? [])])
    fieldPaths(sub, prefix, out);
  return out;
}

/** Paths of `theirs` that `ours` neither declares nor keeps under a preserve-unknown-fields field. */
export function missingFields(theirs: Set<string>, ours: Set<string>): string[] {
  const open = [...ours].filter((p) => p.endsWith('.*')).map((p) => p.slice(0, -1));
  return [...theirs].filter((p) => !ours.has(p) && !open.some((prefix) => p.startsWith(prefix))).sort();
}

/** The `spec` schema of a CRD object's served version (as `kubectl get crd -o json` prints it). */
export function specSchema(crd: unknown, version = 'v1beta1'): Schema {
  const versions = (
    crd as { spec?: { versions?: { name: string; schema?: { openAPIV3Schema?: Schema } }[] } }
  ).spec?.versions;
  const spec = versions?.find((v) => v.name === version)?.schema?.openAPIV3Schema?.properties?.spec;
  if (!spec) throw new Error(`the CRD has no ${version} spec schema`);
  return spec;
}
