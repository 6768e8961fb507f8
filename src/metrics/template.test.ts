import { describe, expect, it } from 'vitest';
import type { Canary } from '../api/types.js';
import { collapseWhitespace, renderQuery, templateModel } from './template.js';

const canary: Canary = {
  apiVersion: 'aviary.dev/v1beta1',
  kind: 'Canary',
  metadata: { name: 'podinfo', namespace: 'test' },
  spec: {
    targetRef: { kind: 'Deployment', name: 'podinfo-deploy' },
    service: { port: 9898, name: 'podinfo-svc' },
    ingressRef: { name: 'podinfo-ingress' },
    analysis: {},
  },
};

describe('query templates', () => {
  const model = templateModel(canary, { name: 'm', interval: '2m', templateVariables: { code: '5..' } });

  it('renders every Flagger variable, with or without spaces and trim markers', () => {
    const out = renderQuery(
      '{{name}} {{ namespace }} {{  target  }} {{ service }} {{ ingress }} {{ route }} {{- interval -}} {{ variables.code }}',
      model,
    );
    expect(out).toBe('podinfo test podinfo-deploy podinfo-svc podinfo-ingress podinfo-deploy2m5..');
  });

  it('defaults: interval 1m, service and ingress fall back to the target', () => {
    const plain = templateModel({
      ...canary,
      spec: { ...canary.spec, service: { port: 80 }, ingressRef: undefined },
    });
    expect(renderQuery('{{ interval }} {{ service }} {{ ingress }}', plain)).toBe(
      '1m podinfo-deploy podinfo-deploy',
    );
    expect(templateModel(canary, undefined, 90_000).interval).toBe('90s');
  });

  it('an unknown variable is an error naming it and the known ones', () => {
    expect(() => renderQuery('rate(x{a="{{ targt }}"}[1m])', model)).toThrow(
      /unknown variable \{\{ targt \}\}; known variables: name, namespace, target, service, ingress, route, interval, variables.code/,
    );
  });

  it('a missing templateVariables key is an error listing the keys there are', () => {
    expect(() => renderQuery('{{ variables.status }}', model)).toThrow(
      /variables.status.*no "status" \(it has: code\)/,
    );
  });

  it('an unclosed action is an error', () => {
    expect(() => renderQuery('sum(x{a="{{ target"})', model)).toThrow(/unclosed/);
  });

  it('collapses whitespace like Flagger before sending', () => {
    expect(collapseWhitespace('\n  sum(\n\t rate(x[1m])\n )  ')).toBe('sum( rate(x[1m]) )');
  });
});
