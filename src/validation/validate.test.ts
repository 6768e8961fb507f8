import { describe, expect, it } from 'vitest';
import { AviaryError } from '../errors.js';
import type { Provider } from '../api/types.js';
import { localCanary } from '../local/testing/local-canary.js';
import { parse } from 'yaml';
import {
  InvalidSpecError,
  parseCanary,
  validateDocuments,
  validateObject,
  type Problem,
} from './validate.js';

const canary = (analysis: string, extra = '') => `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata:
  name: podinfo
  namespace: test
spec:
  provider: istio
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service:
    port: 9898
${extra}  analysis:
${analysis
  .trim()
  .split('\n')
  .map((l) => `    ${l}`)
  .join('\n')}
`;

const valid = canary(`
interval: 1m
threshold: 5
maxWeight: 50
stepWeight: 10
metrics:
  - name: request-success-rate
    thresholdRange: {min: 99}
    interval: 1m
webhooks:
  - name: load-test
    url: http://flagger-loadtester.test/
    metadata: {cmd: "hey -z 1m -q 10 -c 2 http://podinfo-canary.test:9898/"}
`);

const errorsOf = (text: string) => validateDocuments(text).problems.filter((p) => p.severity === 'error');
const at = (problems: Problem[], path: string) => problems.filter((p) => p.path === path);

describe('validateDocuments', () => {
  it('accepts a valid canary with no problems', () => {
    const result = validateDocuments(valid);
    expect(result.problems).toEqual([]);
    expect(result.documents).toMatchObject([
      { index: 0, kind: 'Canary', name: 'podinfo', namespace: 'test', valid: true },
    ]);
  });

  it('reads a field left empty (null) as absent, as the API server prunes it; a null list item stays an error', () => {
    // Flagger's podinfo chart renders `webhooks:` with nothing under it when no webhook is enabled
    const empty = canary('interval: 1m\nstepWeight: 10\nwebhooks:');
    expect(validateDocuments(empty).problems).toEqual([]);
    expect(parseCanary(validateDocuments(empty).documents[0]?.object).spec.analysis).not.toHaveProperty(
      'webhooks',
    );
    const [problem] = errorsOf(canary('interval: 1m\nstepWeight: 10\nwebhooks: [null]'));
    expect(problem?.path).toBe('spec.analysis.webhooks[0]');
  });

  it('names the field, the allowed values and a likely fix for a typo in an enum', () => {
    const [problem] = errorsOf(valid.replace('provider: istio', 'provider: istoi'));
    expect(problem).toMatchObject({ path: 'spec.provider', kind: 'Canary', name: 'podinfo', line: 7 });
    expect(problem?.message).toContain('"istoi" is not one of: istio, local');
    expect(problem?.fix).toBe('did you mean istio?');
  });

  it('reports every missing or mistyped field at once, with dotted paths', () => {
    const text = `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: bad}
spec:
  targetRef: {kind: Deploy}
  service: {port: "9898"}
  analysis:
    stepWeight: 10
    metrics: [{name: request-success-rate, thresholdRange: {min: "99"}}]
`;
    const paths = errorsOf(text).map((p) => p.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'spec.targetRef.name',
        'spec.targetRef.kind',
        'spec.service.port',
        'spec.analysis.metrics[0].thresholdRange.min',
      ]),
    );
    expect(at(errorsOf(text), 'spec.service.port')[0]?.message).toBe('must be an integer, got "9898"');
  });

  it('requires one of iterations, stepWeight or stepWeights', () => {
    const problems = errorsOf(canary('interval: 1m\nthreshold: 5'));
    expect(at(problems, 'spec.analysis')[0]?.message).toContain(
      'needs one of iterations, stepWeight or stepWeights',
    );
  });

  it('rejects a stepWeight above maxWeight, naming the maximum', () => {
    const problems = errorsOf(canary('maxWeight: 50\nstepWeight: 60'));
    expect(at(problems, 'spec.analysis.stepWeight')[0]?.message).toBe(
      'must be > 0 and <= maxWeight (50), got 60',
    );
  });

  it('rejects stepWeights that are not ascending or out of 1..100', () => {
    const problems = errorsOf(canary('stepWeights: [10, 5, 0]'));
    expect(at(problems, 'spec.analysis.stepWeights[1]')[0]?.message).toContain(
      'greater than the step before (10)',
    );
    expect(at(problems, 'spec.analysis.stepWeights[2]').map((p) => p.message)).toContain(
      'must be between 1 and 100, got 0',
    );
  });

  it('rejects maxWeight 0 and above 100', () => {
    expect(at(errorsOf(canary('maxWeight: 0\nstepWeight: 10')), 'spec.analysis.maxWeight')).toHaveLength(1);
    expect(
      at(errorsOf(canary('maxWeight: 101\nstepWeight: 10')), 'spec.analysis.maxWeight')[0]?.message,
    ).toContain('<= 100');
  });

  it('accepts blue/green with mirroring without stepWeight', () => {
    expect(errorsOf(canary('iterations: 10\nmirror: true\nmirrorWeight: 100'))).toEqual([]);
  });

  it('warns that stepWeight is ignored next to iterations', () => {
    const { problems } = validateDocuments(canary('iterations: 10\nstepWeight: 10'));
    expect(problems).toMatchObject([{ path: 'spec.analysis.stepWeight', severity: 'warning' }]);
  });

  it('rejects a session affinity cookie shared with the primary', () => {
    const problems = errorsOf(
      canary('stepWeight: 10\nsessionAffinity: {cookieName: c, primaryCookieName: c}'),
    );
    expect(at(problems, 'spec.analysis.sessionAffinity.primaryCookieName')).toHaveLength(1);
  });

  it('accepts webhooks[].type "" (in Flagger\'s enum; a rollout hook)', () => {
    const problems = errorsOf(
      canary('stepWeight: 10\nwebhooks:\n  - {name: load, type: "", url: "http://loadtester.test/"}'),
    );
    expect(problems).toEqual([]);
  });

  it('refuses, with the field and the fix, what Flagger accepts and then fails at run time', () => {
    const withProvider = (provider: string, text: string) =>
      text.replace('provider: istio', `provider: ${provider}`);
    const delegate = errorsOf(
      canary('stepWeight: 10', '    delegation: true\n    hosts: [app.example.com]\n'),
    );
    expect(at(delegate, 'spec.service.delegation')[0]?.fix).toMatch(
      /remove spec\.service\.hosts and spec\.service\.gateways/,
    );
    const nginx = errorsOf(withProvider('nginx', canary('stepWeight: 10')));
    expect(at(nginx, 'spec.ingressRef')[0]?.fix).toMatch(
      /ingressRef: \{apiVersion: networking\.k8s\.io\/v1, kind: Ingress/,
    );
    const gateway = errorsOf(withProvider('gatewayapi:v1', canary('stepWeight: 10')));
    expect(at(gateway, 'spec.service.gatewayRefs')[0]?.fix).toMatch(/add gatewayRefs/);
    const tcp = errorsOf(canary('iterations: 5\nmirror: true', '    appProtocol: TCP\n'));
    expect(at(tcp, 'spec.analysis.mirror')[0]?.message).toMatch(/appProtocol tcp/);
  });

  it("warns about the analysis.match fields Flagger's merge with service.match does not use", () => {
    const { problems } = validateDocuments(
      canary(
        'iterations: 10\nmatch:\n  - headers: {x-canary: {exact: "1"}}\n    uri: {prefix: /beta}',
        '    match:\n      - uri: {prefix: /api}\n',
      ),
    );
    expect(at(problems, 'spec.analysis.match[0].uri')).toMatchObject([{ severity: 'warning' }]);
    expect(at(problems, 'spec.analysis.match[0].headers')).toEqual([]);
  });

  it('needs templateRef or query for a metric that is not builtin', () => {
    const problems = errorsOf(
      canary('stepWeight: 10\nmetrics: [{name: error-rate, thresholdRange: {max: 1}}]'),
    );
    expect(at(problems, 'spec.analysis.metrics[0]')[0]?.message).toContain('has no templateRef or query');
    const ok = errorsOf(
      canary(
        'stepWeight: 10\nmetrics: [{name: error-rate, templateRef: {name: e}, thresholdRange: {max: 1}}]',
      ),
    );
    expect(ok).toEqual([]);
  });

  it('rejects thresholdRange min > max and warns when a metric can never fail', () => {
    const { problems } = validateDocuments(
      canary(
        'stepWeight: 10\nmetrics: [{name: request-success-rate, thresholdRange: {min: 99, max: 1}}, {name: request-duration}]',
      ),
    );
    expect(at(problems, 'spec.analysis.metrics[0].thresholdRange')[0]).toMatchObject({ severity: 'error' });
    expect(at(problems, 'spec.analysis.metrics[1]')[0]).toMatchObject({
      severity: 'warning',
      fix: expect.stringContaining('max: 500'),
    });
  });

  it('rejects webhook URLs that are not http(s) and duplicate names', () => {
    const problems = errorsOf(
      canary('stepWeight: 10\nwebhooks: [{name: a, url: loadtester.test/}, {name: a, url: "ftp://x/"}]'),
    );
    expect(at(problems, 'spec.analysis.webhooks[0].url')[0]?.message).toContain('is not an http(s) URL');
    expect(at(problems, 'spec.analysis.webhooks[1].url')).toHaveLength(1);
    expect(at(problems, 'spec.analysis.webhooks[1].name')[0]?.message).toContain(
      'duplicate webhook name "a"',
    );
  });

  it('rejects duplicate metric names', () => {
    const problems = errorsOf(
      canary(
        'stepWeight: 10\nmetrics: [{name: request-duration, thresholdRange: {max: 500}}, {name: request-duration, thresholdRange: {max: 5}}]',
      ),
    );
    expect(at(problems, 'spec.analysis.metrics[1].name')).toHaveLength(1);
  });

  it('clamps intervals below 10s with a warning, not an error', () => {
    const { problems } = validateDocuments(canary('interval: 5s\nstepWeight: 10'));
    expect(problems).toMatchObject([
      {
        path: 'spec.analysis.interval',
        severity: 'warning',
        message: '5s is below the 10s minimum and is clamped to 10s',
      },
    ]);
    expect(at(errorsOf(canary('interval: 1x\nstepWeight: 10')), 'spec.analysis.interval')[0]?.message).toBe(
      '"1x" is not a duration',
    );
  });

  it('requires spec.local with provider local, and hints when spec.local is set without it', () => {
    expect(at(errorsOf(valid.replace('provider: istio', 'provider: local')), 'spec.local')).toHaveLength(1);
    const local = `  local:
    listenPort: 8080
    stable: {command: [node, v1.js], port: 9001}
    canary: {command: [node, v2.js], port: 9002}
`;
    const withIstio = validateDocuments(canary('stepWeight: 10', local)).problems;
    expect(withIstio).toMatchObject([{ path: 'spec.local', severity: 'warning' }]);
    const unset = validateDocuments(
      canary('stepWeight: 10', local).replace('  provider: istio\n', ''),
    ).problems;
    expect(unset).toMatchObject([{ path: 'spec.provider', severity: 'warning' }]);
    expect(
      validateDocuments(canary('stepWeight: 10', local).replace('provider: istio', 'provider: local'))
        .problems,
    ).toEqual([]);
  });

  it('warns about unknown fields with a did-you-mean, and says what to do with canaryAnalysis', () => {
    const { problems } = validateDocuments(canary('stepWeight: 10\nstepweights: [1]'));
    expect(problems).toMatchObject([
      { path: 'spec.analysis.stepweights', severity: 'warning', fix: 'did you mean stepWeights?' },
    ]);
    const moved = validateDocuments(valid.replace('  analysis:', '  canaryAnalysis:')).problems;
    expect(moved.map((p) => p.path)).toEqual(
      expect.arrayContaining(['spec.analysis', 'spec.canaryAnalysis']),
    );
    expect(at(moved, 'spec.canaryAnalysis')[0]?.fix).toContain('rename it to analysis');
  });

  it('tells Flagger users to convert, and passes over other kinds with a warning', () => {
    const text = `apiVersion: flagger.app/v1beta1\nkind: Canary\nmetadata: {name: a}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\napiVersion: aviary.dev/v1beta1\nkind: Canari\nmetadata: {name: c}\n`;
    const { problems, documents } = validateDocuments(text);
    expect(problems[0]).toMatchObject({
      document: 0,
      path: 'apiVersion',
      severity: 'error',
      fix: expect.stringContaining('aviary convert'),
    });
    expect(problems[1]).toMatchObject({ document: 1, kind: 'Deployment', severity: 'warning' });
    expect(problems[2]).toMatchObject({
      document: 2,
      path: 'kind',
      severity: 'error',
      fix: 'did you mean Canary?',
    });
    expect(documents.map((d) => d.checked)).toEqual([true, false, true]);
  });

  it('reports YAML syntax errors with line and column instead of throwing', () => {
    const { problems } = validateDocuments(`${valid}---\nkind: Canary\nspec: [1, 2\n`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({
      document: 1,
      severity: 'error',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(problems[0]?.message).toMatch(/^YAML syntax error at line \d+, column \d+/);
    expect(validateDocuments('a: b: c').problems[0]?.message).toMatch(/YAML syntax error/);
  });

  it('skips empty documents and keeps indices of the stream', () => {
    const { documents } = validateDocuments(`---\n${valid}---\n`);
    expect(documents).toHaveLength(1);
  });

  it('checks MetricTemplate and AlertProvider documents', () => {
    const text = `apiVersion: aviary.dev/v1beta1
kind: MetricTemplate
metadata: {name: not-found-percentage}
spec:
  provider: {type: prometheus}
  query: sum(rate(x[1m]))
---
apiVersion: aviary.dev/v1beta1
kind: AlertProvider
metadata: {name: on-call}
spec:
  type: slak
`;
    const paths = errorsOf(text).map((p) => `${p.document}:${p.path}`);
    expect(paths).toEqual(['0:spec.provider.address', '1:spec.type']);
  });

  it('can leave warnings out', () => {
    expect(validateDocuments(canary('interval: 5s\nstepWeight: 10'), { warnings: false }).problems).toEqual(
      [],
    );
  });
});

describe('parseCanary', () => {
  const object = {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name: 'podinfo' },
    spec: {
      targetRef: { kind: 'Deployment', name: 'podinfo' },
      service: { port: 9898 },
      analysis: { stepWeight: 10 },
    },
  };

  it('returns a valid canary as is', () => {
    expect(parseCanary(object)).toBe(object);
  });

  it('throws INVALID_SPEC listing every error', () => {
    const bad = { ...object, spec: { ...object.spec, analysis: { stepWeight: 200, maxWeight: 0 } } };
    let thrown: unknown;
    try {
      parseCanary(bad);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AviaryError);
    expect(thrown).toBeInstanceOf(InvalidSpecError);
    const error = thrown as InvalidSpecError;
    expect(error.code).toBe('INVALID_SPEC');
    expect(error.problems.map((p) => p.path)).toEqual([
      'spec.analysis.stepWeight',
      'spec.analysis.maxWeight',
    ]);
    expect(error.message).toContain('Canary/podinfo spec.analysis.stepWeight');
  });
});

describe('a Canary without spec.provider, under --mesh-provider', () => {
  const errors = (canary: unknown, meshProvider: Provider) =>
    validateObject(canary, { meshProvider }).problems.filter((p) => (p.severity ?? 'error') === 'error');
  /** A/B by a header, without spec.provider; with spec.local or without. */
  const withoutProvider = (local: boolean) => {
    const base = localCanary(8001, 8002);
    const { provider: _provider, local: localRuntime, ...spec } = base.spec;
    const analysis = {
      interval: '10s',
      threshold: 2,
      iterations: 5,
      match: [{ headers: { x: { exact: 'a' } } }],
    };
    return { ...base, spec: { ...spec, analysis, ...(local ? { local: localRuntime } : {}) } };
  };

  it('is checked against the router that runs it: that provider, or the local one for spec.local', () => {
    expect(errors(withoutProvider(false), 'kubernetes').map((p) => p.path)).toEqual(['spec.analysis.match']);
    expect(errors(withoutProvider(true), 'kubernetes')).toEqual([]);
  });

  it("gets that provider's routing rules: gatewayapi without gatewayRefs is refused before it runs", () => {
    const istio = parseCanary(parse(valid));
    const { provider: _provider, ...spec } = istio.spec;
    const canary = { ...istio, spec };
    expect(validateObject(canary, { meshProvider: 'gatewayapi:v1' }).problems).toContainEqual(
      expect.objectContaining({ path: 'spec.service.gatewayRefs' }),
    );
    expect(
      validateObject(canary, { meshProvider: 'istio' }).problems.filter((p) => p.severity !== 'warning'),
    ).toEqual([]);
  });
});
