import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { compareVersions } from './registry.js';
import {
  isObject,
  type FieldError,
  type KubeObject,
  type PrinterColumn,
  type ResourceType,
  type Schema,
} from './types.js';

/** The parts of apiextensions.k8s.io/v1 CustomResourceDefinition the harness reads. */
interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: {
    status?: object;
    scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string };
  };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group?: string;
  scope?: string;
  names?: {
    plural?: string;
    singular?: string;
    kind?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions?: CrdVersion[];
}

function specOf(crd: KubeObject): CrdSpec {
  return (isObject(crd.spec) ? crd.spec : {}) as CrdSpec;
}

/** Structural checks kube-apiserver makes before accepting a CRD (a subset: enough to catch typos). */
export function validateCrd(crd: KubeObject): FieldError[] {
  const spec = specOf(crd);
  const out: FieldError[] = [];
  const required = (field: string, value: unknown) => {
    if (!value) out.push({ field, reason: 'FieldValueRequired', message: 'Required value' });
  };
  required('spec.group', spec.group);
  required('spec.names.plural', spec.names?.plural);
  required('spec.names.kind', spec.names?.kind);
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    out.push({
      field: 'spec.scope',
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
    });
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) required('spec.versions', undefined);
  if (versions.filter((v) => v.storage).length !== 1) {
    out.push({
      field: 'spec.versions',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(versions.map((v) => v.name))}: must have exactly one version marked as storage version`,
    });
  }
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema)
      out.push({
        field: `spec.versions[${i}].schema.openAPIV3Schema`,
        reason: 'FieldValueRequired',
        message: 'Required value: schemas are required',
      });
  });
  if (spec.group && spec.names?.plural && crd.metadata.name !== `${spec.names.plural}.${spec.group}`) {
    out.push({
      field: 'metadata.name',
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group`,
    });
  }
  return out;
}

export function resourceTypeFromCrd(crd: KubeObject): ResourceType {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const kind = names.kind ?? '';
  const versions = (spec.versions ?? []).filter((v) => v.served !== false);
  const storage = (spec.versions ?? []).find((v) => v.storage) ?? versions[0];
  const subresources = storage?.subresources ?? {};
  return {
    group: spec.group ?? '',
    versions: versions
      .map((v) => ({
        name: v.name,
        ...(v.schema?.openAPIV3Schema ? { schema: v.schema.openAPIV3Schema } : {}),
        ...(v.additionalPrinterColumns ? { printerColumns: v.additionalPrinterColumns } : {}),
      }))
      .sort((a, b) => compareVersions(a.name, b.name)),
    storageVersion: storage?.name ?? '',
    plural: names.plural ?? '',
    singular: names.singular ?? kind.toLowerCase(),
    kind,
    listKind: names.listKind ?? `${kind}List`,
    shortNames: names.shortNames ?? [],
    categories: names.categories ?? [],
    namespaced: spec.scope !== 'Cluster',
    status: subresources.status !== undefined,
    ...(subresources.scale ? { scale: subresources.scale } : {}),
    custom: true,
    tracksGeneration: true,
    allowCreateOnUpdate: false,
    nameRule: 'subdomain',
  };
}

/** The status the apiextensions controllers write once a CRD is being served. */
export function establishedStatus(crd: KubeObject): Record<string, unknown> {
  const spec = specOf(crd);
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: 'True',
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: spec.names ?? {},
    storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
    conditions: [
      condition('NamesAccepted', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ],
  };
}

/** Reads every CustomResourceDefinition document of the given YAML files (multi-document allowed). */
export async function readCrdFiles(files: string[]): Promise<KubeObject[]> {
  const crds: KubeObject[] = [];
  for (const file of files) {
    for (const doc of parseAllDocuments(await readFile(file, 'utf8'))) {
      const value: unknown = doc.toJSON();
      if (isObject(value) && value.kind === 'CustomResourceDefinition') crds.push(value as KubeObject);
    }
  }
  return crds;
}

export async function crdFilesIn(dirs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const dir of dirs) {
    for (const entry of (await readdir(dir)).sort()) if (/\.ya?ml$/.test(entry)) files.push(join(dir, entry));
  }
  return files;
}
