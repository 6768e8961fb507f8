/**
 * Where the demo's traffic comes from: the built-in load generator, started as soon as the router
 * listens; or, with `--load-tester`, Aviary's load tester in-process and a `rollout` webhook that has it
 * run `hey` against the router — the way a release on Kubernetes gets its traffic. The load tester runs
 * one `hey` per canary and command, so the webhook called on every tick starts it once.
 */
import { join } from 'node:path';
import { pino } from 'pino';
import type { CanaryWebhook } from '../api/types.js';
import { startLoadTester } from '../loadtester/index.js';
import { METRIC_NAMES, type RequestMetrics } from '../local/metrics/request-metrics.js';
import { startLoad, type LoadGenerator } from './load-generator.js';

export interface LoadSource {
  /** One line for the terminal: what sends the traffic. */
  readonly description: string;
  /** Rollout webhooks the demo canary carries (none for the built-in generator). */
  readonly webhooks: CanaryWebhook[];
  /** Called on every status: starts what needs the router to be listening. */
  routerListening(routerPort: number): void;
  /** Requests that failed at the client, when the source knows (hey reports only at its end). */
  readonly failed: number | undefined;
  stop(): Promise<void>;
}

export function builtinLoad(requestsPerSecond: number): LoadSource {
  let load: LoadGenerator | undefined;
  return {
    description: `built-in load generator, ${requestsPerSecond} req/s`,
    webhooks: [],
    routerListening(port) {
      load ??= startLoad(`http://127.0.0.1:${port}/`, requestsPerSecond);
    },
    get failed() {
      return load?.failed ?? 0;
    },
    stop: async () => load?.stop(),
  };
}

/** hey's -q is a rate per worker: `concurrency` workers at rate/concurrency make the asked total. */
export async function loadTesterLoad(
  requestsPerSecond: number,
  routerPort: number,
  workDir: string,
): Promise<LoadSource> {
  const concurrency = Math.max(1, Math.min(8, Math.round(requestsPerSecond / 50)));
  const perWorker = Math.max(1, Math.round(requestsPerSecond / concurrency));
  const tester = await startLoadTester({
    port: 0,
    host: '127.0.0.1',
    workDir: join(workDir, 'loadtester'),
    logger: pino({ level: 'silent' }),
  });
  const cmd = `hey -z 2m -q ${perWorker} -c ${concurrency} http://127.0.0.1:${routerPort}/`;
  return {
    description: `load tester ${tester.url} running "${cmd}" (rollout webhook load-test)`,
    webhooks: [
      { name: 'load-test', type: 'rollout', url: `${tester.url}/`, timeout: '5s', metadata: { cmd } },
    ],
    routerListening() {},
    failed: undefined,
    stop: () => tester.close(),
  };
}

/** Responses the router has served, from its own request counter. */
export async function routerRequests(metrics: RequestMetrics): Promise<number> {
  const counter = metrics.registry.getSingleMetric(METRIC_NAMES.requests);
  const values = counter ? (await counter.get()).values : [];
  return values.reduce((sum, v) => sum + v.value, 0);
}
