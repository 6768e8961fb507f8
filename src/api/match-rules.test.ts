import { describe, expect, it } from 'vitest';
import { validateDocuments } from '../validation/validate.js';

/** A Canary with one A/B condition on `headers`; `more` holds what the provider needs besides. */
const canary = (provider: string, headers: string, more: { service?: string; spec?: string } = {}) =>
  `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: ${provider}
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  service: {port: 9898${more.service ?? ''}}${more.spec ?? ''}
  analysis:
    interval: 1m
    threshold: 5
    iterations: 10
    match:
      - headers: ${headers}
`;

const problems = (text: string) =>
  validateDocuments(text).problems.map((p) => `${p.severity} ${p.path}: ${p.message} — ${p.fix}`);

describe('validate: header matches', () => {
  it('accepts a header suffix (Flagger’s field) for every router that matches headers', () => {
    const needs: Record<string, { service?: string; spec?: string }> = {
      istio: {},
      'gatewayapi:v1': { service: ', gatewayRefs: [{name: public, namespace: gateways}]' },
      contour: {},
      nginx: { spec: '\n  ingressRef: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: podinfo}' },
      gloo: {},
    };
    for (const [provider, more] of Object.entries(needs))
      expect(problems(canary(provider, "{x-user-email: {suffix: '@example.com'}}", more)), provider).toEqual(
        [],
      );
  });

  it('refuses a match that sets two ways to compare, naming the field and keeping one', () => {
    expect(
      problems(canary('istio', '{x-user-email: {exact: a@example.com, suffix: "@example.com"}}')),
    ).toContain(
      'error spec.analysis.match[0].headers.x-user-email: sets exact and suffix; a match compares one way — keep one of exact, suffix (a regex can say what several would)',
    );
  });

  it('refuses a header suffix for a router without header matching, as any analysis.match', () => {
    expect(problems(canary('kuma', "{x-user-email: {suffix: '@example.com'}}"))).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^error spec\.analysis\.match: provider kuma cannot route by request headers/),
      ]),
    );
  });
});
