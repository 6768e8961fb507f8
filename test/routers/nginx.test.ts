import { NetworkingV1Api, type V1Ingress } from '@kubernetes/client-node';
import { afterAll, describe, expect, it } from 'vitest';
import { makeClients } from '../../src/kube/client.js';
import { routerEntry } from '../../src/routers/index.js';
import { nginxRouter } from '../../src/routers/nginx/index.js';
import { canaryFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { testCluster } from '../cluster/index.js';
import { runRouterContract, storeCanary } from './contract.js';
import { mustRead } from './live-object.js';
import { USER_INGRESS_REF, createUserIngress } from './user-ingress.js';

const ingress = (name: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  plural: 'ingresses',
  name,
});
const canaryIngress = ingress('podinfo-canary');

runRouterContract({
  name: 'nginx',
  provider: 'nginx',
  router: (clients) => nginxRouter(clients),
  async setup({ admin, namespace }) {
    await createUserIngress(admin, namespace, {
      'kubernetes.io/ingress.class': 'nginx',
      'nginx.ingress.kubernetes.io/proxy-body-size': '8m',
    });
    return {
      spec: { ingressRef: USER_INGRESS_REF },
      objects: [canaryIngress],
      weighted: canaryIngress,
    };
  },
});

describe('nginx canary Ingress', () => {
  const cluster = testCluster();
  const admin = cluster.adminClients();
  let namespace = '';
  afterAll(async () => {
    if (namespace) await cluster.deleteNamespace(namespace);
  });

  it('copies the user Ingress onto <apex>-canary with the canary annotations, and A/B headers as NGINX reads them', async () => {
    namespace = await cluster.newNamespace('routers-nginx-copy');
    const ns = namespace;
    const router = nginxRouter(makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig())));
    await admin.config.makeApiClient(NetworkingV1Api).createNamespacedIngress({
      namespace: ns,
      body: {
        metadata: {
          name: 'web',
          namespace: ns,
          annotations: { 'nginx.ingress.kubernetes.io/canary-weight': '50', 'example.com/team': 'web' },
        },
        spec: {
          ingressClassName: 'nginx',
          rules: [
            {
              http: {
                paths: [
                  {
                    path: '/',
                    pathType: 'Prefix',
                    backend: { service: { name: 'podinfo', port: { number: 9898 } } },
                  },
                ],
              },
            },
          ],
        },
      },
    });
    const canary = await storeCanary(
      admin,
      canaryFor(ns, 'podinfo', {
        provider: 'nginx',
        ingressRef: { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', name: 'web' },
        analysis: {
          interval: '1m',
          threshold: 5,
          iterations: 5,
          match: [{ headers: { 'x-canary': { regex: '^always$' }, cookie: { exact: 'canary' } } }],
        },
      }),
    );
    await router.reconcile(canary);
    const live = async () =>
      (await mustRead(admin.config, ns, ingress('web-canary'))) as unknown as V1Ingress;
    expect((await live()).spec?.ingressClassName).toBe('nginx');
    expect((await live()).spec?.rules?.[0]?.http?.paths[0]?.backend.service?.name).toBe('podinfo-canary');
    expect((await live()).metadata?.annotations).toEqual({
      'example.com/team': 'web',
      // Flux leaves the canary Ingress alone (Flagger writes the same two annotations on it).
      'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
      'helm.toolkit.fluxcd.io/driftDetection': 'disabled',
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '0',
    });
    await router.setRoutes(canary, { primaryWeight: 0, canaryWeight: 100, mirrored: false });
    expect((await live()).metadata?.annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary-by-header': 'x-canary',
      'nginx.ingress.kubernetes.io/canary-by-header-pattern': '^always$',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'canary',
    });
    const half = await router
      .setRoutes(canary, { primaryWeight: 50, canaryWeight: 50, mirrored: false })
      .catch((e: unknown) => e);
    expect((half as Error).message).toContain('NGINX routes them all (100) or none (0)');

    // The controller's -ingress-annotations-prefix reaches the router through the registry.
    const entry = routerEntry('nginx');
    if (entry?.runtime !== 'kubernetes') throw new Error('nginx has no Kubernetes router in the registry');
    const custom = entry.create(makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig())), {
      ingressAnnotationsPrefix: 'custom.ingress.example.com',
    });
    await custom.setRoutes(canary, { primaryWeight: 0, canaryWeight: 100, mirrored: false });
    expect((await live()).metadata?.annotations).toMatchObject({
      'custom.ingress.example.com/canary': 'true',
      'custom.ingress.example.com/canary-by-header': 'x-canary',
    });
  });
});
