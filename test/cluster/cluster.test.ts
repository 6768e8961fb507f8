import { afterAll, describe, expect, it } from 'vitest';
import { auditRecords } from './audit.js';
import { testCluster } from './index.js';

/** The test control plane is the real thing: its CRDs serve, RBAC is enforced, KWOK runs pods. */
describe('test control plane', () => {
  const cluster = testCluster();
  const namespaces: string[] = [];
  afterAll(async () => Promise.all(namespaces.map((ns) => cluster.deleteNamespace(ns))));

  it("serves Aviary's and the meshes' CRDs, with the owners' own validation", async () => {
    const ns = await cluster.newNamespace('crds');
    namespaces.push(ns);
    const { stdout } = await cluster.kubectl(['api-resources', '-o', 'name']);
    for (const resource of [
      'canaries.aviary.dev',
      'virtualservices.networking.istio.io',
      'httproutes.gateway.networking.k8s.io',
      'httpproxies.projectcontour.io',
      'trafficsplits.split.smi-spec.io',
    ]) {
      expect(stdout).toContain(resource);
    }
    // Gateway API's CEL rule: a backendRef weight must be <= 1000000; the real server evaluates it.
    const bad = await cluster.kubectl(['apply', '-n', ns, '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'bad' },
        spec: { rules: [{ backendRefs: [{ name: 'x', port: 80, weight: 2_000_000 }] }] },
      }),
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('weight');
  });

  it('answers 403 to a ServiceAccount with no grants', async () => {
    const ns = await cluster.newNamespace('rbac');
    namespaces.push(ns);
    await cluster.kubectl(['create', 'serviceaccount', 'nobody', '-n', ns]);
    const kubeconfig = await cluster.serviceAccountKubeconfig(ns, 'nobody');
    const answer = await cluster.kubectl(['get', 'pods', '-n', ns], { kubeconfig });
    expect(answer.code).not.toBe(0);
    expect(answer.stderr).toMatch(/forbidden.*system:serviceaccount:.*:nobody/);
  });

  it('audits each watch once: one that streamed and ended, and one refused', async () => {
    const ns = await cluster.newNamespace('audit');
    namespaces.push(ns);
    await cluster.kubectl(['create', 'serviceaccount', 'watcher', '-n', ns]);
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'watcher' },
      rules: [
        { apiGroups: [''], resources: ['configmaps'], verbs: ['list', 'watch'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['list'] },
      ],
    };
    await cluster.kubectl(['apply', '-n', ns, '-f', '-'], { stdin: JSON.stringify(role) });
    const binding = ['--role=watcher', `--serviceaccount=${ns}:watcher`];
    await cluster.kubectl(['create', 'rolebinding', 'watcher', '-n', ns, ...binding]);
    const kubeconfig = await cluster.serviceAccountKubeconfig(ns, 'watcher');
    const since = new Date();
    // kubectl lists, then watches: the server ends the configmaps watch after 2 s; it refuses the secrets one.
    const watch = (resource: string) =>
      cluster.kubectl(['get', resource, '-n', ns, '--watch', '--request-timeout=2s'], { kubeconfig });
    await watch('configmaps');
    expect((await watch('secrets')).stderr).toContain('cannot watch resource "secrets"');
    const requests = auditRecords(cluster.kubeconfig, `system:serviceaccount:${ns}:watcher`, since)
      .filter((r) => r.verb === 'watch' || r.verb === 'list')
      .map((r) => `${r.verb} ${r.resource} ${r.code}`);
    expect(requests).toEqual([
      'list configmaps 200',
      'watch configmaps 200',
      'list secrets 200',
      'watch secrets 403',
    ]);
  });

  it('holds the controller to deploy/rbac: a call it was not granted is answered 403', async () => {
    const kubeconfig = await cluster.controllerKubeconfig();
    const granted = await cluster.kubectl(['get', 'canaries.aviary.dev', '-A'], { kubeconfig });
    expect(granted.code).toBe(0);
    const ungranted = await cluster.kubectl(
      ['create', 'clusterrole', 'escalate', '--verb=*', '--resource=*'],
      {
        kubeconfig,
      },
    );
    expect(ungranted.code).not.toBe(0);
    expect(ungranted.stderr).toMatch(
      /forbidden: User "system:serviceaccount:aviary-system:aviary" cannot create/,
    );
  });
});
