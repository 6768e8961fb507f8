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

  it("renders Go template functions as Flagger's Skipper docs use them", () => {
    // docs/gitbook/tutorials/skipper-progressive-delivery.md in fluxcd/flagger
    const query =
      'route=~"{{ printf "kube(ew)?_%s__%s_canary__.*__%s_canary(_[0-9]+)?" namespace ingress service }}"';
    expect(renderQuery(query, model)).toBe(
      'route=~"kube(ew)?_test__podinfo-ingress_canary__.*__podinfo-svc_canary(_[0-9]+)?"',
    );
  });

  it('pipelines, parentheses, literals, index, print, len and urlquery work as in Go', () => {
    expect(renderQuery('{{ target | printf "%s-primary" }}', model)).toBe('podinfo-deploy-primary');
    expect(renderQuery('{{ printf "%s/%s" (printf "%s-x" name) `raw` }}', model)).toBe('podinfo-x/raw');
    expect(renderQuery('{{ index variables "code" }} {{ len variables }} {{ print 1 2 "a" }}', model)).toBe(
      '5.. 1 1 2a',
    );
    expect(renderQuery('{{ urlquery "a b&c" }} {{ printf "%d%% %q" 42 name }}', model)).toBe(
      'a+b%26c 42% "podinfo"',
    );
  });

  it('an unknown function or a missing index key is an error, never a half-rendered query', () => {
    expect(() => renderQuery('{{ lower name }}', model)).toThrow(/lower is not a function/);
    expect(() => renderQuery('{{ upper "x" }}', model)).toThrow(/upper is not a function \(known: printf/);
    expect(() => renderQuery('{{ index variables "nope" }}', model)).toThrow(
      /no key "nope" \(there are: code\)/,
    );
    expect(() => renderQuery('{{ printf "%s" (name }}', model)).toThrow(/missing "\)"/);
    expect(() => renderQuery('{{ outcome }}', model)).toThrow(/set only when Aviary reads a count template/);
    expect(renderQuery('{{ outcome }}', { ...model, outcome: 'errors' })).toBe('errors');
  });
});
