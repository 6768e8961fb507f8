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
    startFakeApiServer({ crdDirs: [AVIARY_CRDS, ISTIO_CRDS], namespaces, deploymentReadyDelayMs: 50 }),
    startExporter(),
    startReceiver(),
  ]);
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
