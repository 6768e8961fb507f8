/**
 * Every file generated from the schema, by repository path, with its exact text. The generator script
 * writes them and a test compares them with what is checked in.
 */
import { stringify } from 'yaml';
import { crdDocuments, type JSONSchemaProps } from './crd.js';
import { specMarkdown } from './spec-docs.js';

const HEADER = '# Generated from src/api/schema by `npm run gen:crds`. Do not edit.\n';

export function generatedFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const names: string[] = [];
  for (const crd of crdDocuments()) {
    const name = `${String((crd.metadata as JSONSchemaProps).name)}.yaml`;
    names.push(name);
    files[`deploy/crds/${name}`] = HEADER + stringify(crd, { lineWidth: 0 });
  }
  files['deploy/crds/kustomization.yaml'] =
    HEADER +
    stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: names });
  files['docs/spec.md'] = specMarkdown();
  return files;
}
