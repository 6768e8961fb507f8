import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const dir = new URL('../../deploy/loadtester/', import.meta.url);
const load = (file: string) => parse(readFileSync(new URL(file, dir), 'utf8'));

describe('deploy/loadtester', () => {
  it('lists its manifests in the kustomization', () => {
    expect(load('kustomization.yaml').resources).toEqual(['deployment.yaml', 'service.yaml']);
  });

  it('runs the loadtester as non-root on a read-only root filesystem with a writable emptyDir', () => {
    const deployment = load('deployment.yaml');
    const pod = deployment.spec.template.spec;
    const [container] = pod.containers;
    // The tag (and registry) come from the kustomization's images (test/charts/kustomize.test.ts).
    expect(container.image).toBe('ghcr.io/aviary-dev/aviary');
    expect(load('kustomization.yaml').images).toEqual([
      expect.objectContaining({ name: 'ghcr.io/aviary-dev/aviary', newName: 'ghcr.io/aviary-dev/aviary' }),
    ]);
    expect(container.args).toEqual(['loadtester', '--port', '8080']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    });
    const mount = container.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v: { name: string }) => v.name === mount.name).emptyDir).toBeDefined();
    expect(deployment.spec.selector.matchLabels).toEqual(load('service.yaml').spec.selector);
  });
});
