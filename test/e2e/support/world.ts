/**
 * What every e2e scenario runs against, started once per test file: the in-memory API server with
 * Aviary's CRDs (deploy/crds) and Istio's real CRDs, a real Prometheus scraping an exporter every
 * second, Istio-shaped traffic the scenarios steer, and a local receiver for webhooks and Slack alerts.
 * Each scenario gets its own namespace and its own controller process (scoped to that namespace).
 */
import { fileURLToPath } from 'node:url';
import { startFakeApiServer, type FakeApiServer } from '../../harness/index.js';
import {
  startExporter,
  startPrometheus,
  type Exporter,
  type RunningPrometheus,
} from '../../prometheus/index.js';
import { startReceiver, type Receiver } from './receiver.js';
import { startTraffic, type TrafficGenerator } from './traffic.js';

export const AVIARY_CRDS = fileURLToPath(new URL('../../../deploy/crds', import.meta.url));
export const ISTIO_CRDS = '/work/shared/crds/istio';

export interface World {
  api: FakeApiServer;
  exporter: Exporter;
  prometheus: RunningPrometheus;
  traffic: TrafficGenerator;
  receiver: Receiver;
  close(): Promise<void>;
}

export async function startWorld(namespaces: string[]): Promise<World> {
  const [api, exporter, receiver] = await Promise.all([
    startFakeApiServer({
      crdDirs: [AVIARY_CRDS, ISTIO_CRDS],
      namespaces: [...new Set([...namespaces, 'istio-system'])],
      deploymentReadyDelayMs: 50,
    }),
    startExporter(),
    startReceiver(),
  ]);
  for (const object of istioIngress()) api.create(object);
  const traffic = startTraffic(exporter);
  let prometheus: RunningPrometheus;
  try {
    prometheus = await startPrometheus({ targets: [exporter.target], scrapeIntervalSeconds: 1 });
  } catch (err) {
    traffic.stop();
    await Promise.all([api.close(), exporter.close(), receiver.close()]);
    throw err;
  }
  return {
    api,
    exporter,
    prometheus,
    traffic,
    receiver,
    async close() {
      traffic.stop();
      await Promise.allSettled([prometheus.stop(), api.close(), exporter.close(), receiver.close()]);
    },
  };
}

/**
 * What an Istio install leaves in istio-system for the tutorial: the ingress gateway workload and the
 * `public-gateway` the podinfo Canary names (so the routing preflight finds nothing wrong with it).
 * Created straight in storage: not API calls, so they stay out of the RBAC test's request log.
 */
function istioIngress() {
  const labels = { app: 'istio-ingressgateway', istio: 'ingressgateway' };
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels },
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
      metadata: { name: 'public-gateway', namespace: 'istio-system' },
      spec: {
        selector: { istio: 'ingressgateway' },
        servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }],
      },
    },
  ];
}
