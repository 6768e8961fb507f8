import { describe, expect, it } from 'vitest';
import type { CanarySpec } from '../../api/types.js';
import {
  PAUSED_REPLICAS_ANNOTATION,
  primaryQuery,
  primaryScaledObject,
  type ScaledObject,
} from './primary-scaled-object.js';
import { canaryFor } from './testing/fixtures.js';

describe('primaryQuery (Flagger setPrimaryScaledObjectQueries)', () => {
  it.each([
    [
      'sum(rate(http_requests_total{app="podinfo"}[2m]))',
      'sum(rate(http_requests_total{app="podinfo-primary"}[2m]))',
    ],
    [
      'sum(rate(http_requests_total{app="podinfo-canary"}[2m]))',
      'sum(rate(http_requests_total{app="podinfo-primary"}[2m]))',
    ],
    [
      'sum(rate(http_requests_total{app="podinfo-canary", svc="podinfo"}[2m]))',
      'sum(rate(http_requests_total{app="podinfo-primary", svc="podinfo-primary"}[2m]))',
    ],
  ])('%s becomes the primary query', (query, want) => {
    expect(primaryQuery(query, 'podinfo')).toBe(want);
  });

  it('reads the target name literally, not as a pattern', () => {
    expect(primaryQuery('up{job="a.b"} + up{job="axb"}', 'a.b')).toBe(
      'up{job="a.b-primary"} + up{job="axb"}',
    );
  });
});

const source = (): ScaledObject => ({
  apiVersion: 'keda.sh/v1alpha1',
  kind: 'ScaledObject',
  metadata: {
    name: 'podinfo',
    namespace: 'test',
    labels: { team: 'web', 'kustomize.toolkit.fluxcd.io/name': 'apps' },
    annotations: {
      'scaledobject.keda.sh/transfer-hpa-ownership': 'true',
      [PAUSED_REPLICAS_ANNOTATION]: '0',
    },
  },
  spec: {
    scaleTargetRef: { name: 'podinfo', envSourceContainerName: 'podinfod' },
    minReplicaCount: 1,
    maxReplicaCount: 5,
    advanced: { horizontalPodAutoscalerConfig: { name: 'podinfo' } },
    triggers: [
      { type: 'prometheus', name: 'requests', metadata: { query: 'sum(rate(x{app="podinfo"}[1m]))' } },
      { type: 'prometheus', metadata: { query: 'sum(rate(y{app="podinfo-canary"}[1m]))' } },
      { type: 'cpu', metricType: 'Utilization', metadata: { value: '80' } },
    ],
  },
});

const canary = (autoscalerRef: Partial<NonNullable<CanarySpec['autoscalerRef']>> = {}) =>
  canaryFor('test', 'podinfo', {
    autoscalerRef: {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      name: 'podinfo',
      ...autoscalerRef,
    },
  });

describe('primaryScaledObject', () => {
  it('scales the primary on rewritten queries, with its own HPA name, without the pause', () => {
    const copy = primaryScaledObject(canary(), source(), 'podinfo-primary');
    expect(copy.metadata).toMatchObject({
      name: 'podinfo-primary',
      labels: { team: 'web' },
      annotations: { 'scaledobject.keda.sh/transfer-hpa-ownership': 'true' },
    });
    expect(copy.metadata.annotations).not.toHaveProperty(PAUSED_REPLICAS_ANNOTATION);
    expect(copy.spec).toEqual({
      scaleTargetRef: { name: 'podinfo-primary', envSourceContainerName: 'podinfod' },
      minReplicaCount: 1,
      maxReplicaCount: 5,
      advanced: { horizontalPodAutoscalerConfig: { name: 'podinfo-primary' } },
      triggers: [
        {
          type: 'prometheus',
          name: 'requests',
          metadata: { query: 'sum(rate(x{app="podinfo-primary"}[1m]))' },
        },
        { type: 'prometheus', metadata: { query: 'sum(rate(y{app="podinfo-primary"}[1m]))' } },
        { type: 'cpu', metricType: 'Utilization', metadata: { value: '80' } },
      ],
    });
  });

  it('takes primaryScalerQueries and primaryScalerReplicas over what the user wrote', () => {
    const copy = primaryScaledObject(
      canary({
        primaryScalerQueries: { requests: 'sum(rate(x{job="primary"}[5m]))' },
        primaryScalerReplicas: { minReplicas: 2, maxReplicas: 9 },
      }),
      source(),
      'podinfo-primary',
    );
    expect(copy.spec.triggers.map((t) => t.metadata.query)).toEqual([
      'sum(rate(x{job="primary"}[5m]))',
      'sum(rate(y{app="podinfo-primary"}[1m]))',
      undefined,
    ]);
    expect(copy.spec).toMatchObject({ minReplicaCount: 2, maxReplicaCount: 9 });
  });

  it('refuses a primaryScalerQueries key that names no trigger, naming the fix', () => {
    expect(() =>
      primaryScaledObject(canary({ primaryScalerQueries: { request: 'q' } }), source(), 'podinfo-primary'),
    ).toThrow(
      'spec.autoscalerRef.primaryScalerQueries names request, which no trigger of ScaledObject podinfo is called — set triggers[].name on the ScaledObject or fix the key',
    );
  });
});
