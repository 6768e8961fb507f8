/** `-o yaml|json`: the stored objects, as kubectl prints them (a List for several, managedFields hidden). */
import { stringify } from 'yaml';
import type { Canary } from '../../api/types.js';
import type { CanaryRecord } from './reader.js';

function objectOf(record: CanaryRecord): Canary | Record<string, unknown> {
  if (!record.canary) {
    return {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'Canary',
      metadata: { name: record.name },
      status: record.status,
    };
  }
  const { managedFields: _hidden, ...metadata } = record.canary.metadata as Canary['metadata'] & {
    managedFields?: unknown;
  };
  return { ...record.canary, metadata, status: record.status };
}

export function printObjects(
  records: readonly CanaryRecord[],
  format: 'yaml' | 'json',
  asList: boolean,
): string {
  const body = asList
    ? { apiVersion: 'v1', kind: 'List', items: records.map(objectOf) }
    : objectOf(records[0]!);
  return format === 'json' ? `${JSON.stringify(body, null, 2)}\n` : stringify(body);
}
