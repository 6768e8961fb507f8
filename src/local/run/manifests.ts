/**
 * Reads the documents `aviary run` is given: one local Canary, and the AlertProviders, MetricTemplates
 * and Secrets it refers to (the same manifests a cluster would get, so one file works in both places).
 */
import { readFile } from 'node:fs/promises';
import type { AlertProvider, Canary, MetricTemplate } from '../../api/types.js';
import { InvalidSpecError, parseCanary, validateDocuments } from '../../validation/validate.js';
import { AviaryError, unreadable } from '../../errors.js';

export interface LocalManifests {
  canary: Canary;
  alertProviders: AlertProvider[];
  metricTemplates: MetricTemplate[];
  /** Secret name -> decoded key/values (from `stringData` or base64 `data`). */
  secrets: Map<string, Record<string, string>>;
}

interface SecretDocument {
  kind: 'Secret';
  metadata: { name: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export async function readManifests(file: string): Promise<LocalManifests> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw unreadable(file, err);
  }
  return parseManifests(text, file);
}

export function parseManifests(text: string, source = 'input'): LocalManifests {
  const { documents, problems } = validateDocuments(text);
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new InvalidSpecError(errors);

  const canaries = documents.filter((d) => d.kind === 'Canary');
  if (canaries.length !== 1) {
    throw new AviaryError(
      'INVALID_SPEC',
      `${source}: expected exactly one Canary, found ${canaries.length} — aviary run drives one canary per file`,
    );
  }
  const canary = parseCanary(canaries[0]!.object);
  if (!canary.spec.local || (canary.spec.provider && canary.spec.provider !== 'local')) {
    throw new AviaryError(
      'INVALID_SPEC',
      `${source}: Canary/${canary.metadata.name} spec.local: aviary run needs provider: local and spec.local with the stable and canary commands (see README "Local Canary fields")`,
    );
  }
  const secrets = new Map<string, Record<string, string>>();
  for (const doc of documents.filter((d) => d.kind === 'Secret')) {
    const secret = doc.object as SecretDocument;
    const decoded = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
    secrets.set(secret.metadata.name, { ...decoded, ...secret.stringData });
  }
  return {
    canary: { ...canary, metadata: { namespace: 'default', ...canary.metadata } },
    alertProviders: documents.filter((d) => d.kind === 'AlertProvider').map((d) => d.object as AlertProvider),
    metricTemplates: documents
      .filter((d) => d.kind === 'MetricTemplate')
      .map((d) => d.object as MetricTemplate),
    secrets,
  };
}
