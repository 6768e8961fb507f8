import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, widget, WIDGET_CRD } from './fixtures.js';
import { startFakeApiServer, type FakeApiServer } from './index.js';

let server: FakeApiServer;

beforeAll(async () => {
  server = await startFakeApiServer({ crdDirs: ['/work/shared/crds/istio'] });
});
afterAll(() => server.close());

async function ok(args: string[], stdin?: string): Promise<string> {
  const result = await server.kubectl(args, stdin === undefined ? {} : { stdin });
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

describe('real kubectl against the harness', () => {
  it('answers /version so the dispatcher picks a matching client', async () => {
    const version = JSON.parse(await ok(['version', '-o', 'json'])) as {
      serverVersion: { gitVersion: string };
      clientVersion: { minor: string };
    };
    expect(version.serverVersion.gitVersion).toBe('v1.30.0');
    expect(version.clientVersion.minor).toBe('30');
  });

  it('registers a CRD with create -f and serves its resources at once', async () => {
    expect(await ok(['create', '-f', '-'], stringify(WIDGET_CRD))).toContain(
      'customresourcedefinition.apiextensions.k8s.io/widgets.test.aviary.dev created',
    );
    expect(
      await ok(['create', '-f', '-'], stringify(widget('w1', { image: 'podinfo', mode: 'Canary' }))),
    ).toContain('widget.test.aviary.dev/w1 created');
    const got = JSON.parse(await ok(['get', 'widget', 'w1', '-o', 'json'])) as {
      spec: { replicas: number; mode: string };
      metadata: { generation: number };
    };
    expect(got.spec).toMatchObject({ replicas: 1, mode: 'Canary' });
    expect(await ok(['get', 'wd'])).toMatch(/NAME\s+MODE\s+AGE\s+w1\s+Canary/);
  });

  it('patches with --type=merge and --subresource=status', async () => {
    await ok([
      'patch',
      'widget',
      'w1',
      '--type=merge',
      '-p',
      '{"spec":{"replicas":3},"status":{"phase":"ignored"}}',
    ]);
    let obj = server.get('widgets.test.aviary.dev', 'default', 'w1');
    expect(obj?.metadata.generation).toBe(2);
    expect(obj?.status).toBeUndefined();

    await ok([
      'patch',
      'widget',
      'w1',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"phase":"Succeeded"}}',
    ]);
    obj = server.get('widgets.test.aviary.dev', 'default', 'w1');
    expect(obj?.status).toEqual({ phase: 'Succeeded' });
    expect(obj?.metadata.generation).toBe(2);
  });

  it('creates and updates with apply -f, scales and deletes a Deployment', async () => {
    const manifest = deployment('web', 'default', 2);
    expect(await ok(['apply', '-f', '-'], stringify(manifest))).toContain('deployment.apps/web created');
    (manifest.spec as { replicas: number }).replicas = 4;
    expect(await ok(['apply', '-f', '-'], stringify(manifest))).toContain('deployment.apps/web configured');
    const applied = server.get('deployments.apps', 'default', 'web');
    expect((applied?.spec as { replicas: number }).replicas).toBe(4);
    expect(applied?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"replicas":4',
    );
    expect(applied?.metadata.generation).toBe(2);

    await ok(['scale', 'deployment', 'web', '--replicas=1']);
    await server.waitFor(
      'deployments.apps',
      'default',
      'web',
      (d) => (d?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 1,
    );
    expect(await ok(['rollout', 'status', 'deployment/web', '--timeout=5s'])).toContain(
      'successfully rolled out',
    );

    expect(await ok(['delete', 'deployment', 'web'])).toContain('deployment.apps "web" deleted');
    expect(server.get('deployments.apps', 'default', 'web')).toBeUndefined();
    const missing = await server.kubectl(['get', 'deployment', 'web']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('NotFound');
  });

  it("gets an Istio VirtualService and rejects an invalid one like Istio's CRD schema does", async () => {
    const vs = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'podinfo', namespace: 'default' },
      spec: {
        hosts: ['podinfo'],
        http: [
          {
            route: [
              { destination: { host: 'podinfo-primary' }, weight: 90 },
              { destination: { host: 'podinfo-canary' }, weight: 10 },
            ],
          },
        ],
      },
    };
    await ok(['create', '-f', '-'], stringify(vs));
    const got = JSON.parse(await ok(['get', 'virtualservice', 'podinfo', '-o', 'json'])) as typeof vs;
    expect(got.spec.http[0]?.route[1]?.weight).toBe(10);
    // The same object is served in every version of the CRD.
    const beta = JSON.parse(
      await ok(['get', 'virtualservices.v1beta1.networking.istio.io', 'podinfo', '-o', 'json']),
    ) as { apiVersion: string };
    expect(beta.apiVersion).toBe('networking.istio.io/v1beta1');

    const invalid = structuredClone(vs);
    invalid.metadata.name = 'broken';
    (invalid.spec.http[0]!.route[0] as Record<string, unknown>).weight = 'ninety';
    (invalid.spec.http[0]!.route[0]!.destination as Record<string, unknown>).host = undefined;
    const rejected = await server.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(invalid) });
    expect(rejected.code).toBe(1);
    expect(rejected.stderr).toContain('is invalid');
    expect(rejected.stderr).toContain('spec.http[0].route[0].weight');
    expect(rejected.stderr).toContain('spec.http[0].route[0].destination.host: Required value');
  });
});
