import { describe, expect, it } from 'vitest';
import { validateDocuments } from '../validation/validate.js';

const canary = (workload: string) => `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: istio
${workload}
  service: {port: 9898}
  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
`;

const errorsAt = (text: string, path: string) =>
  validateDocuments(text).problems.filter((p) => p.severity === 'error' && p.path === path);

describe('validate: workload kinds Aviary can run', () => {
  it('accepts a DaemonSet target', () => {
    const text = canary('  targetRef: {apiVersion: apps/v1, kind: DaemonSet, name: node-agent}');
    expect(validateDocuments(text).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('accepts a core Service target for every provider whose router splits between Services', () => {
    const target = '  targetRef: {apiVersion: v1, kind: Service, name: podinfo}';
    const providers = {
      istio: '{port: 9898}',
      linkerd: '{port: 9898}',
      contour: '{port: 9898}',
      'smi:v1alpha3': '{port: 9898}',
      'gatewayapi:v1': '{port: 9898, gatewayRefs: [{name: public, namespace: gateways}]}',
    };
    for (const [provider, service] of Object.entries(providers)) {
      const text = canary(target)
        .replace('provider: istio', `provider: ${provider}`)
        .replace('service: {port: 9898}', `service: ${service}`);
      const errors = validateDocuments(text).problems.filter((p) => p.severity === 'error');
      expect(errors, provider).toEqual([]);
    }
  });

  it('accepts a core Service target with provider kubernetes as blue/green (no Services of its own)', () => {
    const text = canary('  targetRef: {apiVersion: v1, kind: Service, name: podinfo}')
      .replace('provider: istio', 'provider: kubernetes')
      .replace('maxWeight: 50, stepWeight: 10', 'iterations: 3');
    expect(validateDocuments(text).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('refuses a core Service target with knative or appmesh, naming the field and the fix', () => {
    const target = '  targetRef: {apiVersion: v1, kind: Service, name: podinfo}';
    const [knative] = errorsAt(
      canary(target).replace('provider: istio', 'provider: knative'),
      'spec.targetRef',
    );
    expect(knative?.message).toMatch(/provider knative splits traffic between a Knative Service's revisions/);
    expect(knative?.fix).toMatch(/serving\.knative\.dev\/v1/);
    const [appmesh] = errorsAt(
      canary(target).replace('provider: istio', 'provider: appmesh'),
      'spec.provider',
    );
    expect(appmesh?.fix).toMatch(/Gateway API/);
  });

  it('refuses the service fields a Service target ignores, each with its path and fix', () => {
    const text = `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: podinfo, namespace: test}
spec:
  provider: istio
  targetRef: {apiVersion: v1, kind: Service, name: podinfo}
  autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: podinfo}
  service:
    name: frontend
    port: 9898
    targetPort: 8080
    portDiscovery: true
    headless: true
    primary: {labels: {tier: primary}}
    canary: {annotations: {a: b}}
    unmanagedMetadata: {labels: [team]}
  analysis: {interval: 1m, threshold: 5, maxWeight: 50, stepWeight: 10}
`;
    const [name] = errorsAt(text, 'spec.service.name');
    expect(name?.message).toBe(
      'with a Service target the copies are podinfo-primary and podinfo-canary, so routing to frontend-primary and frontend-canary would reach nothing',
    );
    expect(name?.fix).toBe('remove service.name, or set it to podinfo');
    for (const field of [
      'targetPort',
      'portDiscovery',
      'headless',
      'primary',
      'canary',
      'unmanagedMetadata',
    ]) {
      const [problem] = errorsAt(text, `spec.service.${field}`);
      expect(problem?.message, field).toMatch(/copies of Service podinfo .* would be ignored/);
      expect(problem?.fix, field).toBe('remove it and set what you need on Service podinfo itself');
    }
    const [autoscaler] = errorsAt(text, 'spec.autoscalerRef');
    expect(autoscaler?.message).toMatch(/no replicas of its own/);
  });

  it('accepts service.name equal to the Service target', () => {
    const text = canary('  targetRef: {apiVersion: v1, kind: Service, name: podinfo}').replace(
      'service: {port: 9898}',
      'service: {name: podinfo, port: 9898}',
    );
    expect(validateDocuments(text).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('accepts a KEDA ScaledObject autoscaler on a Deployment, with the primary overrides', () => {
    const text = canary(`  targetRef: {apiVersion: apps/v1, kind: Deployment, name: podinfo}
  autoscalerRef:
    apiVersion: keda.sh/v1alpha1
    kind: ScaledObject
    name: podinfo
    primaryScalerQueries: {requests: 'sum(rate(http_requests_total{app="podinfo-primary"}[1m]))'}
    primaryScalerReplicas: {minReplicas: 2, maxReplicas: 6}`);
    expect(validateDocuments(text).problems.filter((p) => p.severity === 'error')).toEqual([]);
  });

  it('refuses an autoscaler on a DaemonSet', () => {
    const text = canary(`  targetRef: {apiVersion: apps/v1, kind: DaemonSet, name: node-agent}
  autoscalerRef: {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: node-agent}`);
    expect(errorsAt(text, 'spec.autoscalerRef')).toHaveLength(1);
  });
});
