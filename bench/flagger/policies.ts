/**
 * The analysis policies bench/flagger races (Flagger at its documented defaults, Flagger at its fastest
 * honest setting, Aviary's judge) and the Istio Canary each release runs under.
 */
import type { KubeObject } from '../../test/cluster/objects.js';
import type { Controller } from './cluster.js';

export interface Policy {
  id: string;
  name: string;
  controller: Controller;
  analysis: Record<string, unknown>;
}

/** The Istio tutorial's success-rate check (latency is not what this race is about). */
export const successRate = (interval: string) => ({
  name: 'request-success-rate',
  thresholdRange: { min: 99 },
  interval,
});

/** Aviary's sequential judge on the error rate, against the primary over the same window. */
const judge = { name: 'request-success-rate', interval: '1m', compareWithPrimary: { maxIncrease: 1 } };

export const POLICIES: Policy[] = [
  {
    id: 'flagger-default',
    name: 'Flagger, documented defaults (1m interval, threshold 5, success rate >= 99 over 1m)',
    controller: 'flagger',
    analysis: { interval: '1m', threshold: 5, stepWeight: 10, maxWeight: 50, metrics: [successRate('1m')] },
  },
  {
    // 10 s is Flagger's floor. Threshold 2 over a 1m window: at 5 canary req/s a 10 s window holds ~50
    // requests, where one error (0.1% primary-like canary: ~5% chance per check) already reads < 99%,
    // so threshold 1 on 10 s windows rolls back healthy canaries (bench/analysis: 94.5% of A/A runs).
    id: 'flagger-fast',
    name: 'Flagger, fastest honest (10s interval, threshold 2, success rate >= 99 over 1m)',
    controller: 'flagger',
    analysis: { interval: '10s', threshold: 2, stepWeight: 10, maxWeight: 50, metrics: [successRate('1m')] },
  },
  {
    id: 'aviary',
    name: "Aviary's judge (10s interval, error rate vs primary, margin 1pp, alpha 0.05), maxInconclusive default (the progress deadline: 60 intervals)",
    controller: 'aviary',
    analysis: { interval: '10s', threshold: 5, stepWeight: 10, maxWeight: 50, metrics: [judge] },
  },
  {
    // At 5 canary req/s the judge needs ~1,000 canary requests to place a healthy canary within 1pp of
    // the primary: more than 5 inconclusive 10 s ticks. 30 ticks (5 minutes) leave it room.
    id: 'aviary-patient',
    name: "Aviary's judge, same, maxInconclusive 30",
    controller: 'aviary',
    analysis: {
      interval: '10s',
      threshold: 5,
      maxInconclusive: 30,
      stepWeight: 10,
      maxWeight: 50,
      metrics: [judge],
    },
  },
];

/** The policies named in `ids` (comma-separated), or all of them when empty. */
export function selectPolicies(ids: string): Policy[] {
  const wanted = ids.split(',').filter(Boolean);
  const unknown = wanted.filter((id) => !POLICIES.some((p) => p.id === id));
  if (unknown.length > 0)
    throw new Error(`--policies: unknown ${unknown.join(', ')}; use ${POLICIES.map((p) => p.id).join(', ')}`);
  return wanted.length === 0 ? POLICIES : POLICIES.filter((p) => wanted.includes(p.id));
}

/** An Istio Canary over Deployment `name` (and its HPA of the same name, for podinfo). */
export function canaryObject(
  controller: Controller,
  namespace: string,
  analysis: Record<string, unknown>,
  name = 'podinfo',
): KubeObject {
  return {
    apiVersion: `${controller === 'flagger' ? 'flagger.app' : 'aviary.dev'}/v1beta1`,
    kind: 'Canary',
    metadata: { name, namespace },
    spec: {
      provider: 'istio',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      ...(name === 'podinfo'
        ? { autoscalerRef: { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', name } }
        : {}),
      progressDeadlineSeconds: 600,
      service: { port: 9898, targetPort: 9898 },
      analysis,
    },
  };
}
