/**
 * Amazon CloudWatch: GetMetricData through the AWS SDK v3 client, over ten metric intervals with at most
 * 20 points, as Flagger does. The query is the MetricDataQueries array as JSON (the API's own shape).
 * Credentials come from the SDK's default chain (environment, EKS Pod Identity or IRSA web identity,
 * instance profile), as in Flagger; provider.address, when set, is the endpoint (a VPC endpoint).
 */
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { AviaryError } from '../../errors.js';
import { lookbackMs, type MetricProvider } from './types.js';
import { noData, readingOf, sumOf, tooMany } from './value.js';

function parseQueries(query: string): MetricDataQuery[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(query);
  } catch (err) {
    throw new AviaryError(
      'INVALID_SPEC',
      `cloudwatch query is not JSON (${(err as Error).message}); write the MetricDataQueries array, e.g. [{"Id":"e1","Expression":"..."}]`,
    );
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new AviaryError(
      'INVALID_SPEC',
      'cloudwatch query must be a non-empty JSON array of MetricDataQuery objects',
    );
  }
  return parsed as MetricDataQuery[];
}

export const cloudwatch: MetricProvider = {
  create(context) {
    const region = context.provider.region;
    if (!region)
      throw new AviaryError('INVALID_SPEC', 'cloudwatch: spec.provider.region is required (e.g. us-east-1)');
    const client = new CloudWatchClient({
      region,
      ...(context.provider.address ? { endpoint: context.provider.address } : {}),
      maxAttempts: context.retries + 1,
      requestHandler: { requestTimeout: context.timeoutMs, connectionTimeout: context.timeoutMs },
    });
    const getMetricData = async (start: Date, end: Date, queries: MetricDataQuery[]) => {
      try {
        return await client.send(
          new GetMetricDataCommand({
            StartTime: start,
            EndTime: end,
            MaxDatapoints: 20,
            MetricDataQueries: queries,
          }),
          { abortSignal: AbortSignal.timeout(context.timeoutMs * (context.retries + 1)) },
        );
      } catch (err) {
        const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
        const status = e.$metadata?.httpStatusCode;
        const message = `CloudWatch GetMetricData failed: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
        if (status === 400) throw new AviaryError('INVALID_SPEC', message);
        if (status === 403 || e.name === 'CredentialsProviderError') {
          throw new AviaryError(
            'FORBIDDEN',
            `${message}; give the controller AWS credentials allowed cloudwatch:GetMetricData`,
          );
        }
        throw new AviaryError(e.name === 'TimeoutError' ? 'TIMEOUT' : 'UNAVAILABLE', message);
      }
    };
    return Promise.resolve({
      // Flagger's check: an empty GetMetricData reaches CloudWatch signed; its 400 (no queries) is an answer.
      async online() {
        const now = new Date(context.now());
        await getMetricData(now, now, []).catch((err: unknown) => {
          if (!(err instanceof AviaryError && err.code === 'INVALID_SPEC')) throw err;
        });
      },
      async read(query, window) {
        const end = new Date(context.now());
        const start = new Date(end.getTime() - lookbackMs(window));
        const output = await getMetricData(start, end, parseQueries(query));
        const results = output.MetricDataResults ?? [];
        if (results.length > 1) {
          return tooMany(
            results.length,
            `results (${results.map((r) => r.Id).join(', ')})`,
            'set "ReturnData": false on every query but one',
          );
        }
        const result = results[0];
        const values = result?.Values ?? [];
        if (!result || values.length === 0) {
          const notes = (output.Messages ?? [])
            .concat(result?.Messages ?? [])
            .map((m) => `${m.Code}: ${m.Value}`);
          return noData(
            `CloudWatch returned no datapoints for ${result?.Id ?? 'the query'} (status ${result?.StatusCode ?? 'none'})${notes.length ? `: ${notes.join('; ')}` : ''}; check namespace, metric name and dimensions`,
          );
        }
        if (window.mode === 'count') return sumOf(values, `CloudWatch result ${result.Id ?? ''}`);
        return readingOf(values[0], `CloudWatch value of ${result.Id ?? ''}`);
      },
    });
  },
};
