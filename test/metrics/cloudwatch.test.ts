/**
 * CloudWatch through the AWS SDK v3 client pointed at a local server (provider.address is the endpoint)
 * answering the documented GetMetricData shape (AWS JSON 1.0 protocol): no AWS runs here. The test
 * recomputes the SigV4 signature from what the server received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW, canary, online, read, source, template } from './fixtures.js';
import { recordingServer, type RecordingServer } from './recording-server.js';
import { checkSigV4 } from './sigv4.js';

const KEY_ID = 'AKIAAVIARYTEST000001';
const SECRET = 'aviary/test/secret/access/key/0000000000';
let server: RecordingServer;
const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
beforeAll(async () => {
  server = await recordingServer();
  // The SDK's default credential chain reads these first, as it would on a pod with static keys.
  process.env['AWS_ACCESS_KEY_ID'] = KEY_ID;
  process.env['AWS_SECRET_ACCESS_KEY'] = SECRET;
});
afterAll(async () => {
  for (const [name, value] of [
    ['AWS_ACCESS_KEY_ID', saved.id],
    ['AWS_SECRET_ACCESS_KEY', saved.secret],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await server.close();
});

const QUERY = `[
  {"Id": "e1", "Expression": "m1 / m2 * 100", "Label": "5xx percentage"},
  {"Id": "m1", "ReturnData": false, "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "HTTPCode_Target_5XX_Count",
    "Dimensions": [{"Name": "TargetGroup", "Value": "{{ variables.targetGroup }}"}]}, "Period": 60, "Stat": "Sum"}},
  {"Id": "m2", "ReturnData": false, "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "RequestCount",
    "Dimensions": [{"Name": "TargetGroup", "Value": "{{ variables.targetGroup }}"}]}, "Period": 60, "Stat": "Sum"}}
]`;
const metric = { interval: '1m', templateVariables: { targetGroup: 'targetgroup/podinfo/0123456789abcdef' } };
const result = (values: number[], id = 'e1') => ({
  Id: id,
  Label: '5xx percentage',
  StatusCode: 'Complete',
  Timestamps: values.map((_, i) => NOW / 1000 - 60 * i),
  Values: values,
});

/** What CloudWatch answers a caller without cloudwatch:GetMetricData. */
const accessDenied = () => ({
  status: 403,
  headers: { 'x-amzn-query-error': 'AccessDenied;Sender' },
  body: {
    __type: 'com.amazon.coral.service#AccessDeniedException',
    message: 'not authorized to perform cloudwatch:GetMetricData',
  },
});

describe('cloudwatch (AWS SDK v3)', () => {
  const t = () => template({ type: 'cloudwatch', region: 'eu-west-1', address: server.url }, QUERY);

  it('calls GetMetricData signed with SigV4 for monitoring in the region, over ten intervals, and reads the first value', async () => {
    server.answer(() => ({
      headers: { 'content-type': 'application/x-amz-json-1.0' },
      body: { MetricDataResults: [result([2.5, 9])], Messages: [] },
    }));
    expect(await read(source(), t(), metric)).toEqual({ kind: 'value', value: 2.5 });
    const sent = server.requests.at(-1)!;
    expect(sent.method).toBe('POST');
    expect(sent.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    const body = JSON.parse(sent.body) as {
      StartTime: number;
      EndTime: number;
      MaxDatapoints: number;
      MetricDataQueries: { Id: string; MetricStat?: { Metric: { Dimensions: { Value: string }[] } } }[];
    };
    expect(body.EndTime - body.StartTime).toBe(600);
    expect(body.MaxDatapoints).toBe(20);
    expect(body.MetricDataQueries.map((q) => q.Id)).toEqual(['e1', 'm1', 'm2']);
    expect(body.MetricDataQueries[1]?.MetricStat?.Metric.Dimensions[0]?.Value).toBe(
      'targetgroup/podinfo/0123456789abcdef',
    );
    const sig = checkSigV4(sent, SECRET);
    expect(sig).toMatchObject({ accessKeyId: KEY_ID, region: 'eu-west-1', service: 'monitoring' });
    expect(sig.signedHeaders).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-target']));
    expect(sig.signature).toBe(sig.expected);
  });

  it("no datapoints is no data with CloudWatch's own status; two returned results is an error", async () => {
    server.answer(() => ({
      body: { MetricDataResults: [{ ...result([]), StatusCode: 'Complete' }], Messages: [] },
    }));
    expect(await read(source(), t(), metric)).toMatchObject({
      kind: 'no-data',
      reason: expect.stringMatching(/no datapoints for e1 \(status Complete\)/),
    });
    server.answer(() => ({ body: { MetricDataResults: [result([1]), result([2], 'm1')] } }));
    expect(await read(source(), t(), metric)).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/2 results \(e1, m1\).*ReturnData/),
    });
  });

  it('a query that is not JSON, and a region left out, name the fix', async () => {
    expect(
      await read(
        source(),
        template({ type: 'cloudwatch', region: 'eu-west-1', address: server.url }, 'SELECT 1'),
        metric,
      ),
    ).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/not JSON.*MetricDataQueries array/),
    });
    expect(
      await read(source(), template({ type: 'cloudwatch', address: server.url }, QUERY), metric),
    ).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/spec.provider.region is required/),
    });
  });

  it('AccessDenied is reported as a permission to grant', async () => {
    server.answer(accessDenied);
    expect(await read(source(), t(), metric)).toMatchObject({
      kind: 'error',
      reason: expect.stringMatching(/cloudwatch:GetMetricData/),
    });
  });

  it('compareWithPrimary: a count template sums the per-minute Sums of the window, per version and outcome', async () => {
    const perMinute: Record<string, number[]> = {
      'RequestCount:targetgroup/podinfo-canary/1': [300, 200],
      'HTTPCode_Target_5XX_Count:targetgroup/podinfo-canary/1': [9, 6],
      'RequestCount:targetgroup/podinfo-primary/2': [700, 800],
      // no 5xx at all: CloudWatch answers no datapoints, which counts as zero errors
    };
    server.answer((r) => {
      const q = (
        JSON.parse(r.body) as {
          MetricDataQueries: {
            MetricStat: { Metric: { MetricName: string; Dimensions: { Value: string }[] } };
          }[];
        }
      ).MetricDataQueries[0]!.MetricStat.Metric;
      return {
        body: {
          MetricDataResults: [result(perMinute[`${q.MetricName}:${q.Dimensions[0]!.Value}`] ?? [], 'm1')],
        },
      };
    });
    const counting = template(
      { type: 'cloudwatch', region: 'eu-west-1', address: server.url },
      `[{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "AWS/ApplicationELB", "MetricName": "{{ index variables outcome }}",
        "Dimensions": [{"Name": "TargetGroup", "Value": "{{ index variables target }}"}]}, "Period": 60, "Stat": "Sum"}}]`,
    );
    counting.metadata.name = 'cw-counting';
    const compare = {
      name: 'request-success-rate',
      templateRef: { name: 'cw-counting' },
      templateVariables: {
        requests: 'RequestCount',
        errors: 'HTTPCode_Target_5XX_Count',
        podinfo: 'targetgroup/podinfo-canary/1',
        'podinfo-primary': 'targetgroup/podinfo-primary/2',
      },
      compareWithPrimary: {},
    };
    expect(await source({ templates: [counting] }).outcomes!(canary, compare, NOW - 180_000)).toEqual({
      kind: 'outcomes',
      canary: { requests: 500, errors: 15 },
      primary: { requests: 1500, errors: 0 },
    });
    const body = JSON.parse(server.requests.at(-1)!.body) as { StartTime: number; EndTime: number };
    expect(body.EndTime - body.StartTime).toBe(180);
  });

  it('online: an empty GetMetricData reaches CloudWatch signed (its 400 is an answer); AccessDenied is offline', async () => {
    server.answer(() => ({
      status: 400,
      headers: { 'x-amzn-query-error': 'ValidationError;Sender' },
      body: {
        __type: 'com.amazon.coral.validate#ValidationException',
        message: 'MetricDataQueries must be specified',
      },
    }));
    expect(await online(source(), t())).toMatchObject({ online: true });
    const sent = server.requests.at(-1)!;
    expect(sent.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    expect(JSON.parse(sent.body)).toMatchObject({ MetricDataQueries: [] });
    server.answer(accessDenied);
    expect(await online(source(), t())).toMatchObject({
      online: false,
      reason: expect.stringMatching(/cloudwatch:GetMetricData/),
    });
  });
});
