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

  it('refuses a core Service target, naming the Deployment behind it as the fix', () => {
    const [problem] = errorsAt(
      canary('  targetRef: {apiVersion: v1, kind: Service, name: podinfo}'),
      'spec.targetRef.kind',
    );
    expect(problem?.message).toMatch(/core Service .* not supported/);
    expect(problem?.fix).toMatch(/Deployment or DaemonSet behind the Service/);
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
