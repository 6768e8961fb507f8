/**
 * Google Cloud Monitoring (Stackdriver): runs the MQL query with QueryTimeSeries through Google's client
 * (@google-cloud/monitoring) in its HTTP/1.1 REST mode, so no gRPC channel is kept open per template.
 * Secret keys as in Flagger: `project` and `serviceAccountKey` (the JSON key); without a secretRef the
 * client's default credentials (Workload Identity) and project are used. Google has deprecated MQL in
 * favour of PromQL; for PromQL use a prometheus template pointed at Managed Service for Prometheus.
 */
import { v3 } from '@google-cloud/monitoring';
import { AviaryError } from '../../errors.js';
import type { MetricProvider } from './types.js';
import { noData, readingOf, tooMany } from './value.js';
import { secretKey } from './secret-keys.js';

interface ServiceAccountKey {
  client_email?: string;
  private_key?: string;
}

function endpointOptions(address: string | undefined) {
  if (!address) return {};
  const url = new URL(address);
  const port = url.port ? Number(url.port) : url.protocol === 'http:' ? 80 : 443;
  return { apiEndpoint: url.hostname, port, protocol: url.protocol.replace(':', '') };
}

function serviceAccount(raw: string | undefined): ServiceAccountKey | undefined {
  if (raw === undefined) return undefined;
  try {
    const key = JSON.parse(raw) as ServiceAccountKey;
    if (key.client_email && key.private_key) return key;
  } catch {
    // reported below without quoting the key
  }
  throw new AviaryError(
    'INVALID_SPEC',
    'stackdriver: the secret key "serviceAccountKey" is not a service account JSON key (client_email and private_key)',
  );
}

export const stackdriver: MetricProvider = {
  create(context) {
    const project = context.provider.secretRef ? secretKey(context, 'stackdriver', 'project') : undefined;
    const key = serviceAccount(context.credentials['serviceAccountKey']);
    const client = new v3.QueryServiceClient({
      fallback: true,
      ...endpointOptions(context.provider.address),
      ...(key ? { credentials: { client_email: key.client_email, private_key: key.private_key } } : {}),
      ...(project ? { projectId: project } : {}),
    });
    const queryTimeSeries = async (query: string) => {
      const name = `projects/${project ?? (await client.getProjectId())}`;
      try {
        const [rows] = await client.queryTimeSeries(
          { name, query, pageSize: 2 },
          { timeout: context.timeoutMs, maxRetries: context.retries, autoPaginate: false },
        );
        return rows;
      } catch (err) {
        const e = err as { code?: number; message?: string };
        const message = `Cloud Monitoring rejected the query: ${e.message || String(err)}`;
        // gRPC codes: 3 INVALID_ARGUMENT, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED, 4 DEADLINE_EXCEEDED
        if (e.code === 3) throw new AviaryError('INVALID_SPEC', message);
        if (e.code === 7 || e.code === 16)
          throw new AviaryError('FORBIDDEN', `${message}; the service account needs roles/monitoring.viewer`);
        throw new AviaryError(e.code === 4 ? 'TIMEOUT' : 'UNAVAILABLE', message);
      }
    };
    return Promise.resolve({
      // Flagger's check: an empty query reaches the API authenticated; its INVALID_ARGUMENT is an answer.
      async online() {
        await queryTimeSeries('').catch((err: unknown) => {
          if (!(err instanceof AviaryError && err.code === 'INVALID_SPEC')) throw err;
        });
      },
      async read(query) {
        const rows = await queryTimeSeries(query);
        if (rows.length === 0)
          return noData('Cloud Monitoring returned no time series for the query in its window');
        if (rows.length > 1)
          return tooMany(rows.length, 'time series', 'aggregate with | group_by [] or | every');
        const value = rows[0]?.pointData?.[0]?.values?.[0];
        if (!value) return noData('Cloud Monitoring returned a time series without points');
        // Flagger reads only doubleValue, so a count (int64Value) read as 0 there.
        return readingOf(
          value.doubleValue ??
            (value.int64Value === undefined || value.int64Value === null ? null : Number(value.int64Value)),
          'Cloud Monitoring value',
        );
      },
    });
  },
};
