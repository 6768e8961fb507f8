/**
 * Issue 15 item 4: values that were accepted with no word and then broke a release (or wrote outside
 * the state directory) are errors that name the field and the fix.
 */
import { describe, expect, it } from 'vitest';
import { validateDocuments, type Problem } from '../validation/validate.js';

const canary = (overrides: { analysis?: string; local?: string; name?: string; extra?: string } = {}) => `
apiVersion: aviary.dev/v1beta1
kind: Canary
metadata:
  name: ${overrides.name ?? 'sample'}
spec:
  provider: local
  targetRef: {kind: Deployment, name: sample}
  service: {port: 8080}
${overrides.extra ?? ''}  analysis:
    interval: 5s
    stepWeight: 10
    ${overrides.analysis ?? 'metrics: [{name: request-success-rate, thresholdRange: {min: 99}}]'}
  local:
    listenPort: 8080
    stable: {command: [node, app.js], port: 9001}
    canary: {command: [node, app.js], port: 9002}
    ${overrides.local ?? ''}
`;

const errors = (text: string): Problem[] =>
  validateDocuments(text).problems.filter((p) => p.severity === 'error');

function onlyError(text: string): Problem {
  const found = errors(text);
  expect(found.map((p) => `${p.path}: ${p.message}`)).toHaveLength(1);
  return found[0]!;
}

describe('values accepted before issue 15', () => {
  it('the base document is valid', () => {
    expect(errors(canary())).toEqual([]);
  });

  it('metrics[].interval: 0s', () => {
    const p = onlyError(
      canary({
        analysis: 'metrics: [{name: request-success-rate, interval: 0s, thresholdRange: {min: 99}}]',
      }),
    );
    expect(p.path).toBe('spec.analysis.metrics[0].interval');
    expect(p.message).toContain('0s is an empty window');
    expect(p.fix).toContain('such as 1m');
  });

  it('webhooks[].timeout: 0s', () => {
    const p = onlyError(
      canary({ analysis: 'webhooks: [{name: load, url: "http://127.0.0.1:9/", timeout: 0s}]' }),
    );
    expect(p.path).toBe('spec.analysis.webhooks[0].timeout');
    expect(p.fix).toContain('10s');
  });

  it('local readinessTimeout: 0s', () => {
    const p = onlyError(canary({ local: 'readinessTimeout: 0s' }));
    expect(p.path).toBe('spec.local.readinessTimeout');
    expect(p.fix).toContain('30s');
  });

  it('request-success-rate thresholdRange.min: 150 (a percentage)', () => {
    const p = onlyError(
      canary({ analysis: 'metrics: [{name: request-success-rate, thresholdRange: {min: 150}}]' }),
    );
    expect(p.path).toBe('spec.analysis.metrics[0].thresholdRange.min');
    expect(p.message).toContain('outside 0..100');
  });

  it('request-duration max: -1 (milliseconds)', () => {
    const p = onlyError(
      canary({ analysis: 'metrics: [{name: request-duration, thresholdRange: {max: -1}}]' }),
    );
    expect(p.path).toBe('spec.analysis.metrics[0].thresholdRange.max');
    expect(p.message).toContain('milliseconds');
  });

  it('a custom metric keeps its own units (a MetricTemplate may return anything)', () => {
    const metric =
      '{name: request-duration, templateRef: {name: latency}, thresholdRange: {min: -5, max: 150}}';
    expect(errors(canary({ analysis: `metrics: [${metric}]` }))).toEqual([]);
  });

  it.each([
    ['../../x', 'rename it, e.g. x'],
    ['Bad Name!', 'rename it, e.g. bad-name'],
  ])('metadata.name %j (DNS-1123; the name becomes a file name)', (name, fix) => {
    const p = onlyError(canary({ name: JSON.stringify(name) }));
    expect(p.path).toBe('metadata.name');
    expect(p.message).toContain('is not a valid Kubernetes name');
    expect(p.fix).toBe(fix);
  });

  it('names Aviary derives objects from: targetRef.name, service.name (a Service, 55 + "-primary")', () => {
    const text = canary()
      .replace('name: sample}', 'name: "../x"}')
      .replace('port: 8080}', 'port: 8080, name: Web_App}');
    expect(errors(text).map((p) => p.path)).toEqual(['spec.targetRef.name', 'spec.service.name']);
    const long = canary().replace('port: 8080}', `port: 8080, name: ${'a'.repeat(56)}}`);
    expect(onlyError(long).message).toBe('is 56 characters long, more than 55');
  });

  it('metricsPort equal to listenPort or a version port', () => {
    expect(onlyError(canary({ local: 'metricsPort: 8080' }))).toMatchObject({
      path: 'spec.local.metricsPort',
      message: '8080 is also listenPort',
    });
    expect(onlyError(canary({ local: 'metricsPort: 9002' })).message).toBe("9002 is also canary's port");
  });

  it('the default metrics port (listenPort + 1) landing on a version port', () => {
    const text = canary().replace('listenPort: 8080', 'listenPort: 9000');
    expect(onlyError(text)).toMatchObject({
      path: 'spec.local.metricsPort',
      message: "defaults to listenPort + 1 = 9001, which is also stable's port",
      fix: 'set metricsPort to a free port, e.g. 9003',
    });
    expect(errors(canary().replace('listenPort: 8080', 'listenPort: 0'))).toEqual([]);
  });

  it.each(['http://other.host/x', '//other.host/x', 'healthz', '/health z'])('readinessPath %j', (path) => {
    const p = onlyError(canary({ local: `readinessPath: ${JSON.stringify(path)}` }));
    expect(p.path).toBe('spec.local.readinessPath');
    expect(p.fix).toBe('write a path starting with a single /, such as /healthz');
  });
});

describe('durations are bounded', () => {
  it.each([
    ['analysis.interval', 'interval: 5s', 'interval: 9999999h', 'spec.analysis.interval'],
    [
      'metric interval',
      'thresholdRange: {min: 99}',
      'thresholdRange: {min: 99}, interval: 25h',
      'spec.analysis.metrics[0].interval',
    ],
    [
      'readinessTimeout',
      'listenPort: 8080',
      'listenPort: 8080\n    readinessTimeout: 100000h',
      'spec.local.readinessTimeout',
    ],
    ['service.timeout', 'port: 8080}', 'port: 8080, timeout: 48h}', 'spec.service.timeout'],
  ])('%s above 24h', (_what, from, to, path) => {
    const p = onlyError(canary().replace(from, to));
    expect(p.path).toBe(path);
    expect(p.message).toMatch(/is longer than the 24h a duration may be$/);
  });

  it('24h itself is accepted, and a digit string that overflows to Infinity is not', () => {
    expect(errors(canary().replace('interval: 5s', 'interval: 24h'))).toEqual([]);
    const p = onlyError(canary().replace('interval: 5s', `interval: ${'9'.repeat(400)}h`));
    expect(p.path).toBe('spec.analysis.interval');
  });

  it('progressDeadlineSeconds must fit Flagger int32', () => {
    const p = onlyError(canary({ extra: '  progressDeadlineSeconds: 99999999999\n' }));
    expect(p.path).toBe('spec.progressDeadlineSeconds');
  });
});

describe('keys that are also Object.prototype names', () => {
  it('constructor, toString and __proto__ are unknown fields like any other', () => {
    const text = canary({ extra: '  constructor: 1\n  toString: x\n  __proto__: {polluted: true}\n' });
    const problems = validateDocuments(text).problems;
    expect(problems.map((p) => [p.path, p.severity, p.message])).toEqual([
      ['spec.constructor', 'warning', 'unknown field constructor is ignored'],
      ['spec.toString', 'warning', 'unknown field toString is ignored'],
      ['spec.__proto__', 'warning', 'unknown field __proto__ is ignored'],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
