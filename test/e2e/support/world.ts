/**
 * What every e2e scenario runs against, started once per test file: the real control plane of
 * scripts/dev-cluster.sh (test/cluster: Aviary's CRDs, Istio's real CRDs, the controller's RBAC), an
 * Istio ingress of this file's own (the gateway Deployment and `public-gateway` in a namespace no other
 * test uses), a real Prometheus scraping an exporter every second, Istio-shaped traffic the scenarios
 * steer, and a local receiver for webhooks and Slack alerts. Each scenario gets its own fresh namespace
 * and its own controller process, which authenticates as the ServiceAccount aviary-system/aviary.
 */
import { testCluster, type TestCluster } from '../../cluster/index.js';
import type { KubeObject } from '../../cluster/objects.js';
import {
  startExporter,
  startPrometheus,
  type Exporter,
  type RunningPrometheus,
} from '../../prometheus/index.js';
import { startReceiver, type Receiver } from './receiver.js';
import { startTraffic, type TrafficGenerator } from './traffic.js';

export interface World {
  cluster: TestCluster;
  /** Kubeconfig of aviary-system/aviary: only deploy/rbac's grants. */
  controllerKubeconfig: string;
  /** The namespace holding this file's ingress gateway (a stand-in for istio-system). */
  istioNamespace: string;
  /** `public-gateway.<istioNamespace>.svc.cluster.local`, as the tutorial names it. */
  publicGateway: string;
  exporter: Exporter;
  prometheus: RunningPrometheus;
  traffic: TrafficGenerator;
  receiver: Receiver;
  /** A fresh namespace, deleted by close(). */
  newNamespace(prefix: string): Promise<string>;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const cluster = testCluster();
  const namespaces: string[] = [];
  const newNamespace = async (prefix: string) => {
    const ns = await cluster.newNamespace(prefix);
    namespaces.push(ns);
    return ns;
  };
  const [istioNamespace, controllerKubeconfig, exporter, receiver] = await Promise.all([
    newNamespace('istio-system'),
    cluster.controllerKubeconfig(),
    startExporter(),
    startReceiver(),
  ]);
  const traffic = startTraffic(exporter);
  const closeAll = async (prometheus?: RunningPrometheus) => {
    traffic.stop();
    await Promise.allSettled([
      prometheus?.stop(),
      exporter.close(),
      receiver.close(),
      ...namespaces.map((ns) => cluster.deleteNamespace(ns)),
    ]);
  };
  let prometheus: RunningPrometheus;
  try {
    const ingress = await cluster.kubectl(['apply', '-n', istioNamespace, '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: istioIngress(istioNamespace) }),
    });
    if (ingress.code !== 0) throw new Error(`creating the ingress gateway failed: ${ingress.stderr}`);
    prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 1 });
  } catch (err) {
    await closeAll();
    throw err;
  }
  return {
    cluster,
    controllerKubeconfig,
    istioNamespace,
    publicGateway: `public-gateway.${istioNamespace}.svc.cluster.local`,
    exporter,
    prometheus,
    traffic,
    receiver,
    newNamespace,
    close: () => closeAll(prometheus),
  };
}

/**
 * What an Istio install leaves in istio-system for the tutorial: the ingress gateway workload (its pods
 * run on KWOK's nodes) and the `public-gateway` the podinfo Canary names, so the routing preflight finds
 * nothing wrong with it. Created by the admin, not the controller.
 */
function istioIngress(namespace: string): KubeObject[] {
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' }] },
        },
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'public-gateway', namespace },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }],
      },
    },
  ];
}
