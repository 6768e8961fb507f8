/**
 * Keptn: reads a KeptnMetric's `status.value`, or runs a Keptn Analysis and reads its verdict (1 passed,
 * 0 failed), as Flagger does. The query is `keptnmetric/<namespace>/<name>` or
 * `analysis/<namespace>/<definition>/<timeframe>/<key=value;...>`. The Analysis is created, polled every
 * second until Keptn marks it Completed or the wait (10 s, Flagger's) runs out, then deleted.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { formatDuration } from '../../api/duration.js';
import { AviaryError } from '../../errors.js';
import { kubeCall } from './kube-call.js';
import type { MetricProvider, ReaderContext } from './types.js';
import { noData, readingOf } from './value.js';

const GROUP = 'metrics.keptn.sh';
const VERSION = 'v1beta1';
export const ANALYSIS_WAIT_MS = 10_000;

type Query =
  | { kind: 'keptnmetrics'; namespace: string; name: string }
  | { kind: 'analyses'; namespace: string; name: string; timeframe: string; args: Record<string, string> };

export function parseKeptnQuery(query: string): Query {
  const parts = query.trim().split('/');
  const [rawKind = '', namespace = '', name = '', timeframe, args] = parts;
  // Flagger lowercases the whole query; only the kind needs it (argument values keep their case).
  const kind = rawKind.toLowerCase();
  if (parts.length < 3 || !namespace || !name) {
    throw new AviaryError(
      'INVALID_SPEC',
      `keptn query "${query}" is not <keptnmetric|analysis>/<namespace>/<name>[/<timeframe>/<key=value;...>]`,
    );
  }
  if (kind === 'keptnmetric' || kind === 'keptnmetrics') return { kind: 'keptnmetrics', namespace, name };
  if (kind === 'analysis' || kind === 'analyses') {
    const pairs = (args ?? '')
      .split(';')
      .map((kv) => kv.split('='))
      .filter((kv) => kv.length === 2);
    return {
      kind: 'analyses',
      namespace,
      name,
      timeframe: timeframe || '1m',
      args: Object.fromEntries(pairs),
    };
  }
  throw new AviaryError(
    'INVALID_SPEC',
    `keptn query "${query}" starts with "${kind}"; it must start with keptnmetric or analysis`,
  );
}

function api(context: ReaderContext): CustomObjectsApi {
  if (!context.kubeConfig)
    throw new AviaryError(
      'INVALID_SPEC',
      'keptn reads Keptn objects from a Kubernetes cluster; none is configured here',
    );
  return context.kubeConfig.makeApiClient(CustomObjectsApi);
}

type Obj = { metadata?: { name?: string }; status?: Record<string, unknown> };

export const keptn: MetricProvider = {
  create(context) {
    const custom = api(context);
    const call = <T>(what: string, fn: () => Promise<T>) =>
      kubeCall(what, fn, context.timeoutMs, context.retries);
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    return Promise.resolve({
      // Flagger's keptn check always passes; here the API server must serve Keptn's metrics API.
      async online() {
        await call(`the Keptn metrics API (${GROUP}/${VERSION}; is Keptn installed?)`, () =>
          custom.getAPIResources({ group: GROUP, version: VERSION }),
        );
      },
      async read(query) {
        const q = parseKeptnQuery(query);
        const at = { group: GROUP, version: VERSION, namespace: q.namespace, plural: q.kind };
        if (q.kind === 'keptnmetrics') {
          const metric = (await call(`KeptnMetric ${q.namespace}/${q.name}`, () =>
            custom.getNamespacedCustomObject({ ...at, name: q.name }),
          )) as Obj;
          const value = metric.status?.['value'];
          if (value === undefined || value === '')
            return noData(
              `KeptnMetric ${q.namespace}/${q.name} has no status.value yet; is the Keptn metrics operator running?`,
            );
          return readingOf(value, `KeptnMetric ${q.namespace}/${q.name} status.value`);
        }
        const name = `${q.name}-${randomBytes(3).toString('hex')}`;
        const body = {
          apiVersion: `${GROUP}/${VERSION}`,
          kind: 'Analysis',
          metadata: { name, namespace: q.namespace },
          spec: { analysisDefinition: { name: q.name }, timeframe: { recent: q.timeframe }, args: q.args },
        };
        await call(`creating Keptn Analysis ${q.namespace}/${name}`, () =>
          custom.createNamespacedCustomObject({ ...at, body }),
        );
        try {
          const deadline = context.now() + ANALYSIS_WAIT_MS;
          while (context.now() < deadline) {
            await sleep(1000);
            const analysis = (await call(`Keptn Analysis ${q.namespace}/${name}`, () =>
              custom.getNamespacedCustomObject({ ...at, name }),
            )) as Obj;
            if (analysis.status?.['state'] === 'Completed' && typeof analysis.status['pass'] === 'boolean') {
              return { kind: 'value', value: analysis.status['pass'] ? 1 : 0 };
            }
          }
          return noData(
            `Keptn Analysis ${q.namespace}/${name} (definition ${q.name}) did not complete within ${formatDuration(ANALYSIS_WAIT_MS)}`,
          );
        } finally {
          await call(`deleting Keptn Analysis ${q.namespace}/${name}`, () =>
            custom.deleteNamespacedCustomObject({ ...at, name }),
          ).catch(() => undefined);
        }
      },
    });
  },
};
