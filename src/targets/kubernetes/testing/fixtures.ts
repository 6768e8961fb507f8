/** Objects for the Kubernetes target and router tests: a podinfo-like Deployment, its config, a Canary. */
import type { V1ConfigMap, V1Deployment, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import type { Canary, CanarySpec } from '../../../api/types.js';

export function canaryFor(namespace: string, name = 'podinfo', spec: Partial<CanarySpec> = {}): Canary {
  return {
    apiVersion: 'aviary.dev/v1beta1',
    kind: 'Canary',
    metadata: { name, namespace, uid: randomUUID() },
    spec: {
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      service: { port: 9898 },
      analysis: { interval: '10s', threshold: 2, iterations: 3 },
      ...spec,
    },
  };
}

export function deploymentFor(namespace: string, name = 'podinfo', replicas = 2): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace,
      labels: { app: name, team: 'web' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"kind":"Deployment"}',
        'example.com/owner': 'web-team',
      },
    },
    spec: {
      replicas,
      minReadySeconds: 3,
      revisionHistoryLimit: 4,
      progressDeadlineSeconds: 60,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { 'prometheus.io/scrape': 'true' } },
        spec: {
          containers: [
            {
              name: 'podinfod',
              image: 'ghcr.io/stefanprodan/podinfo:6.0.0',
              ports: [
                { name: 'http', containerPort: 9898 },
                { name: 'http-metrics', containerPort: 9797 },
                { containerPort: 9999 },
              ],
              env: [{ name: 'COLOR', valueFrom: { configMapKeyRef: { name: `${name}-env`, key: 'color' } } }],
              envFrom: [{ secretRef: { name: `${name}-secret` } }],
            },
            {
              name: 'istio-proxy',
              image: 'istio/proxyv2:1.22.0',
              ports: [{ name: 'http-envoy-prom', containerPort: 15090 }],
            },
          ],
          volumes: [{ name: 'config', configMap: { name: `${name}-config` } }],
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { app: name } },
            },
          ],
        },
      },
    },
  };
}

export function configMapFor(namespace: string, name: string, data: Record<string, string>): V1ConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { app: 'podinfo' } },
    data,
  };
}

export function hpaFor(namespace: string, name: string, target: string): V2HorizontalPodAutoscaler {
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name, namespace },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target },
      minReplicas: 2,
      maxReplicas: 4,
      metrics: [
        {
          type: 'Resource',
          resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
        },
      ],
    },
  };
}
