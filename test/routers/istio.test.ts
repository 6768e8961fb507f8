import { afterAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { makeClients } from '../../src/kube/client.js';
import { istioRouter } from '../../src/routers/istio/router.js';
import { ISTIO_GROUP, ISTIO_VERSION } from '../../src/routers/istio/types.js';
import { withServices } from '../../src/routers/kubernetes/index.js';
import { canaryFor, deploymentFor } from '../../src/targets/kubernetes/testing/fixtures.js';
import { auditRecords } from '../cluster/audit.js';
import { CONTROLLER_USER, testCluster } from '../cluster/index.js';
import { runRouterContract, storeCanary } from './contract.js';
import { asLine, istioctlAnalyze } from './istioctl.js';

const istio = `${ISTIO_GROUP}/${ISTIO_VERSION}`;
const virtualService = {
  apiVersion: istio,
  kind: 'VirtualService',
  plural: 'virtualservices',
  name: 'podinfo',
};
const destinationRule = (name: string) => ({
  apiVersion: istio,
  kind: 'DestinationRule',
  plural: 'destinationrules',
  name,
});
const service = (name: string) => ({ apiVersion: 'v1', kind: 'Service', plural: 'services', name });

runRouterContract({
  name: 'istio',
  provider: 'istio',
  // As kube-ports wires it: the ClusterIP Services first, then the mesh objects.
  router: (clients) => withServices(clients, istioRouter(clients)),
  async setup({ admin, namespace }) {
    await admin.apps.createNamespacedDeployment({ namespace, body: deploymentFor(namespace) });
    return {
      objects: [
        virtualService,
        destinationRule('podinfo-primary'),
        destinationRule('podinfo-canary'),
        service('podinfo-primary'),
        service('podinfo-canary'),
      ],
      weighted: virtualService,
    };
  },
  // Every message but IST0102 (Info: the namespace is not labelled for sidecar injection, which is
  // about the test namespace, not about anything Aviary wrote): no error, and no warning either.
  async analyzerFindings(cluster, namespace) {
    return (await istioctlAnalyze(cluster, namespace)).filter((m) => m.code !== 'IST0102').map(asLine);
  },
});

describe('istio: set-ups where the rules never take effect, as Aviary and istioctl see them', () => {
  const cluster = testCluster();
  const admin = cluster.adminClients();
  let namespace = '';
  afterAll(async () => {
    if (namespace) await cluster.deleteNamespace(namespace);
  });

  it("Aviary's routing preflight and istioctl analyze name the same three problems", async () => {
    namespace = await cluster.newNamespace('routers-istio-broken');
    const ns = namespace;
    const controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
    const router = withServices(controller, istioRouter(controller));

    // The ingress gateway's pods (KWOK runs them) and Service, a Gateway that selects them and serves
    // app.example.com, and a Gateway whose selector matches no pod.
    const gatewayPods = { 'aviary.dev/test-gateway': ns };
    await admin.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'ingressgateway', namespace: ns },
        spec: {
          replicas: 1,
          selector: { matchLabels: gatewayPods },
          template: {
            metadata: { labels: gatewayPods },
            spec: {
              containers: [
                { name: 'istio-proxy', image: 'istio/proxyv2:1.22.0', ports: [{ containerPort: 80 }] },
              ],
            },
          },
        },
      },
    });
    await admin.core.createNamespacedService({
      namespace: ns,
      body: {
        metadata: { name: 'ingressgateway', namespace: ns },
        spec: { selector: gatewayPods, ports: [{ name: 'http', port: 80, targetPort: 80 }] },
      },
    });
    const gateway = (name: string, selector: Record<string, string>) =>
      admin.custom.createNamespacedCustomObject({
        group: ISTIO_GROUP,
        version: 'v1',
        namespace: ns,
        plural: 'gateways',
        body: {
          apiVersion: `${ISTIO_GROUP}/v1`,
          kind: 'Gateway',
          metadata: { name, namespace: ns },
          spec: {
            selector,
            servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['app.example.com'] }],
          },
        },
      });
    await gateway('public', gatewayPods);
    await gateway('no-pods', { istio: 'no-such-ingressgateway' });

    const scenarios: { name: string; service: Partial<Canary['spec']['service']> }[] = [
      { name: 'no-pods', service: { gateways: [`${ns}/no-pods`], hosts: ['app.example.com'] } },
      { name: 'wrong-host', service: { gateways: [`${ns}/public`], hosts: ['shop.example.org'] } },
      // Its own host: two VirtualServices bound to the mesh with one host conflict (istioctl IST0109).
      { name: 'no-gateway', service: { gateways: ['missing-gateway'], hosts: ['api.example.com'] } },
    ];
    const aviary: Record<string, string[]> = {};
    const since = new Date();
    for (const s of scenarios) {
      await admin.apps.createNamespacedDeployment({ namespace: ns, body: deploymentFor(ns, s.name, 1) });
      const base = canaryFor(ns, s.name);
      const canary = await storeCanary(admin, {
        ...base,
        spec: {
          ...base.spec,
          provider: 'istio',
          service: { port: 9898, ...s.service },
          analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
        },
      });
      await router.reconcile(canary);
      aviary[s.name] = await router.diagnose!(canary);
    }
    // The three preflights share one list of the namespace's Gateways (src/kube/shared-reads.ts).
    const gatewayLists = auditRecords(cluster.kubeconfig, CONTROLLER_USER, since).filter(
      (r) => r.namespace === ns && r.verb === 'list' && r.resource === 'gateways',
    );
    expect(gatewayLists).toHaveLength(1);
    const istioctl = (await istioctlAnalyze(cluster, ns)).filter((m) => m.code !== 'IST0102');
    const said = (origin: string) => istioctl.filter((m) => m.origin === origin).map(asLine);

    const sideBySide = {
      'a Gateway whose selector matches no pod': {
        aviary: aviary['no-pods'],
        istioctl: said(`Gateway ${ns}/no-pods`),
      },
      'hosts the Gateway does not serve': {
        aviary: aviary['wrong-host'],
        istioctl: said(`VirtualService ${ns}/wrong-host`),
      },
      'a Gateway that does not exist': {
        aviary: aviary['no-gateway'],
        istioctl: said(`VirtualService ${ns}/no-gateway`),
      },
    };
    console.info(JSON.stringify(sideBySide, null, 2));
    expect(sideBySide).toEqual({
      'a Gateway whose selector matches no pod': {
        aviary: [
          `spec.service.gateways[0]: gateway ${ns}/no-pods selects pods with istio=no-such-ingressgateway but no pod has those labels — no ingress gateway will load its rules (check the ingress gateway's labels, e.g. istio: ingressgateway)`,
        ],
        istioctl: [
          `Error [IST0101] (Gateway ${ns}/no-pods) Referenced selector not found: "istio=no-such-ingressgateway"`,
        ],
      },
      'hosts the Gateway does not serve': {
        aviary: [
          `spec.service.hosts: none of the hosts [shop.example.org] is served by gateway ${ns}/public (it serves [app.example.com]) — ingress requests will get 404; add the public host to spec.service.hosts`,
        ],
        istioctl: [expect.stringMatching(/^Warning \[IST0132\] .*not found in Gateway .*\/public/)],
      },
      'a Gateway that does not exist': {
        aviary: [
          `spec.service.gateways[0]: gateway "missing-gateway" not found (looked for Gateway missing-gateway in namespace ${ns}) — the VirtualService will not apply to ingress traffic; write <namespace>/<name>, e.g. istio-system/public-gateway`,
        ],
        istioctl: [
          `Error [IST0101] (VirtualService ${ns}/no-gateway) Referenced gateway not found: "missing-gateway"`,
          expect.stringMatching(/^Warning \[IST0132\] .*not found in Gateway .*missing-gateway/),
        ],
      },
    });
    // Nothing else: the objects Aviary wrote (DestinationRules, Services) raise no message of their own.
    expect(istioctl.filter((m) => !/(no-pods|wrong-host|no-gateway)$/.test(m.origin)).map(asLine)).toEqual(
      [],
    );
  });
});

describe('istio: the VirtualService as Flagger keeps it, on the real CRDs', () => {
  const cluster = testCluster();
  const admin = cluster.adminClients();
  const namespaces: string[] = [];
  afterAll(async () => {
    for (const ns of namespaces) await cluster.deleteNamespace(ns);
  });
  const vsApi = (namespace: string, name = 'podinfo') => ({
    group: ISTIO_GROUP,
    version: ISTIO_VERSION,
    plural: 'virtualservices',
    namespace,
    name,
  });
  async function setUp(prefix: string, service: Partial<Canary['spec']['service']>) {
    const ns = await cluster.newNamespace(prefix);
    namespaces.push(ns);
    const controller = makeClients(cluster.kubeConfig(await cluster.controllerKubeconfig()));
    await admin.apps.createNamespacedDeployment({ namespace: ns, body: deploymentFor(ns, 'podinfo', 1) });
    const base = canaryFor(ns);
    const canary = await storeCanary(admin, {
      ...base,
      spec: {
        ...base.spec,
        provider: 'istio',
        service: { port: 9898, ...service },
        analysis: { interval: '1m', threshold: 5, maxWeight: 50, stepWeight: 10 },
      },
    });
    return { ns, canary, controller, router: withServices(controller, istioRouter(controller)) };
  }

  it('carries service.apex labels and annotations and the Flux drift annotations; gives a taken-over VirtualService back', async () => {
    const { ns, canary, router } = await setUp('routers-istio-apex', {
      apex: { labels: { team: 'web' }, annotations: { 'example.com/owner': 'web-team' } },
    });
    // The user's own VirtualService of the same name, which Aviary takes over.
    const userSpec = { hosts: ['podinfo'], http: [{ route: [{ destination: { host: 'podinfo' } }] }] };
    await admin.custom.createNamespacedCustomObject({
      ...vsApi(ns),
      body: {
        apiVersion: `${ISTIO_GROUP}/${ISTIO_VERSION}`,
        kind: 'VirtualService',
        metadata: { name: 'podinfo', namespace: ns },
        spec: userSpec,
      },
    });
    await router.reconcile(canary);
    const taken = (await admin.custom.getNamespacedCustomObject(vsApi(ns))) as {
      metadata: { labels: Record<string, string>; annotations: Record<string, string> };
    };
    expect(taken.metadata.labels).toEqual({ team: 'web' });
    expect(taken.metadata.annotations).toMatchObject({
      'example.com/owner': 'web-team',
      'kustomize.toolkit.fluxcd.io/reconcile': 'disabled',
      'helm.toolkit.fluxcd.io/driftDetection': 'disabled',
      'aviary.dev/original-spec': JSON.stringify(userSpec),
    });
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
    await router.finalize(canary);
    const restored = (await admin.custom.getNamespacedCustomObject(vsApi(ns))) as {
      metadata: { annotations?: Record<string, string>; ownerReferences?: unknown[] };
      spec: unknown;
    };
    expect(restored.spec).toEqual(userSpec);
    expect(restored.metadata.annotations?.['aviary.dev/original-spec']).toBeUndefined();
    expect(restored.metadata.ownerReferences ?? []).toEqual([]);
  });

  it('after a session-affinity promotion, reconciles keep the rule that expires the canary cookie, as Flagger does', async () => {
    const { ns, canary: stored, router } = await setUp('routers-istio-expire', {});
    const cookie = 'flagger-cookie=c0ffee1234';
    const sessionAffinity = { cookieName: 'flagger-cookie', maxAge: 21600 };
    const analysis = { ...stored.spec.analysis, sessionAffinity };
    // The status as the engine holds it while the canary has traffic.
    const canary: Canary = {
      ...stored,
      spec: { ...stored.spec, analysis },
      status: { phase: 'Promoting', sessionAffinityCookie: cookie },
    };
    const spec = async () =>
      ((await admin.custom.getNamespacedCustomObject(vsApi(ns))) as { spec: unknown }).spec;
    await router.reconcile(canary);
    await router.setRoutes(
      canary,
      { primaryWeight: 90, canaryWeight: 10, mirrored: false },
      { canaryCookie: cookie },
    );
    // Promotion: all traffic to the primary, the canary cookie expired (engine/actions/routes.ts).
    await router.setRoutes(
      canary,
      { primaryWeight: 100, canaryWeight: 0, mirrored: false },
      { canaryCookie: cookie, previousCookie: cookie },
    );
    const expiring = await spec();
    expect(JSON.stringify(expiring)).toContain(`${cookie}; Max-Age=-1`);
    // The ticks that follow reconcile first, from the status: the engine retires the cookie in the tick
    // of the shift (engine/phases/promoting.ts), so Finalising and Succeeded keep the expiring rule.
    for (const phase of ['Finalising', 'Succeeded'] as const) {
      await router.reconcile({ ...canary, status: { phase, previousSessionAffinityCookie: cookie } });
      expect(await spec()).toEqual(expiring);
    }
  });

  it('routes an appProtocol TCP service with a tcp route the API server accepts, and shifts it', async () => {
    const { ns, canary, router } = await setUp('routers-istio-tcp', {
      appProtocol: 'TCP',
      match: [{ port: 9898 }],
    });
    await router.reconcile(canary);
    await router.setRoutes(canary, { primaryWeight: 80, canaryWeight: 20, mirrored: false });
    expect(await router.getRoutes(canary)).toEqual({ primaryWeight: 80, canaryWeight: 20, mirrored: false });
    const vs = (await admin.custom.getNamespacedCustomObject(vsApi(ns))) as { spec: Record<string, unknown> };
    expect(vs.spec.http).toBeUndefined();
    expect(vs.spec.tcp).toEqual([
      {
        match: [{ port: 9898 }],
        route: [
          { destination: { host: 'podinfo-primary', port: { number: 9898 } }, weight: 80 },
          { destination: { host: 'podinfo-canary', port: { number: 9898 } }, weight: 20 },
        ],
      },
    ]);
    // Istio's own analyzer finds nothing wrong with the tcp route (IST0102 is about the test namespace).
    expect((await istioctlAnalyze(cluster, ns)).filter((m) => m.code !== 'IST0102').map(asLine)).toEqual([]);
    const refused = await router
      .reconcile({ ...canary, spec: { ...canary.spec, analysis: { ...canary.spec.analysis, mirror: true } } })
      .then(
        () => undefined,
        (err: Error) => err.message,
      );
    expect(refused).toMatch(/appProtocol is tcp.*analysis\.mirror cannot apply/);
  });

  it('preflight: a DestinationRule tls mode against a STRICT PeerAuthentication, and sidecars older than istiod', async () => {
    const { ns, canary, router } = await setUp('routers-istio-mesh', {
      trafficPolicy: { tls: { mode: 'DISABLE' } },
    });
    await admin.custom.createNamespacedCustomObject({
      group: 'security.istio.io',
      version: 'v1',
      plural: 'peerauthentications',
      namespace: ns,
      body: {
        apiVersion: 'security.istio.io/v1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: ns },
        spec: { mtls: { mode: 'STRICT' } },
      },
    });
    // istiod at 1.23.2 (KWOK runs it); the target's pods carry istio-proxy 1.22.0 (deploymentFor).
    const istiodLabels = { app: 'istiod', 'aviary.dev/test': ns };
    await admin.apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'istiod', namespace: ns, labels: istiodLabels },
        spec: {
          replicas: 1,
          selector: { matchLabels: istiodLabels },
          template: {
            metadata: { labels: istiodLabels },
            spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.23.2' }] },
          },
        },
      },
    });
    try {
      await router.reconcile(canary);
      const deadline = Date.now() + 30_000;
      while (
        (await admin.core.listNamespacedPod({ namespace: ns, labelSelector: 'app=podinfo' })).items.length ===
        0
      ) {
        if (Date.now() > deadline) throw new Error('the target Deployment got no pod within 30 s');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const problems = await router.diagnose!(canary);
      expect(problems).toEqual([
        `spec.service.trafficPolicy.tls.mode: DISABLE sends plain text, but PeerAuthentication ${ns}/default requires mTLS (STRICT) on the workload — every request to the primary and canary will be refused; set tls.mode: ISTIO_MUTUAL or remove trafficPolicy.tls`,
        expect.stringMatching(
          /^spec\.targetRef: the sidecars of podinfo-\S+ run Istio 1\.22\.0 but istiod runs 1\.23\.2 — .*kubectl rollout restart/,
        ),
      ]);
    } finally {
      // Other tests read istiod's version cluster-wide: do not leave this one behind.
      await admin.apps.deleteNamespacedDeployment({ name: 'istiod', namespace: ns });
    }
  });
});
