import type { V1PodSpec } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { configRefs, renameConfigRefs } from './config-refs.js';

const spec: V1PodSpec = {
  initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
  containers: [
    {
      name: 'app',
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'creds', key: 'b' } } },
        { name: 'C', value: 'literal' },
      ],
      envFrom: [{ secretRef: { name: 'creds' } }],
    },
  ],
  volumes: [
    { name: 'v1', configMap: { name: 'settings' } },
    { name: 'v2', secret: { secretName: 'tls', optional: true } },
    {
      name: 'v3',
      projected: {
        sources: [{ configMap: { name: 'projected-cm' } }, { secret: { name: 'projected-secret' } }],
      },
    },
    { name: 'v4', emptyDir: {} },
  ],
};

describe('configRefs', () => {
  it('finds every ConfigMap and Secret a pod reads, once, required if any reference requires it', () => {
    expect(configRefs(spec)).toEqual([
      { kind: 'configmap', name: 'settings', optional: false },
      { kind: 'secret', name: 'tls', optional: true },
      { kind: 'configmap', name: 'projected-cm', optional: false },
      { kind: 'secret', name: 'projected-secret', optional: false },
      { kind: 'configmap', name: 'init-env', optional: false },
      { kind: 'secret', name: 'creds', optional: false },
    ]);
  });

  it('renames only the configs asked for, without touching the input', () => {
    const renamed = renameConfigRefs(
      spec,
      new Map([
        ['configmap/settings', 'settings-primary'],
        ['secret/creds', 'creds-primary'],
      ]),
    );
    expect(renamed.volumes?.[0]?.configMap?.name).toBe('settings-primary');
    expect(renamed.containers[0]?.env?.[0]?.valueFrom?.configMapKeyRef?.name).toBe('settings-primary');
    expect(renamed.containers[0]?.env?.[1]?.valueFrom?.secretKeyRef?.name).toBe('creds-primary');
    expect(renamed.containers[0]?.envFrom?.[0]?.secretRef?.name).toBe('creds-primary');
    expect(renamed.volumes?.[1]?.secret?.secretName).toBe('tls');
    expect(spec.volumes?.[0]?.configMap?.name).toBe('settings');
  });
});
