/**
 * `aviary demo`: two releases of a sample service on this machine, no cluster. v1 -> v2 (healthy) is
 * promoted through 10..50%; then v2 -> v3 (5% errors, slow) is rolled back. Real processes, real HTTP
 * through Aviary's router, real analysis. Exit 0 only if v2 was promoted and v3 rolled back.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CanaryStatus } from '../api/types.js';
import { plainView } from '../progress/plain-view.js';
import { snapshotOf, type ProgressView } from '../progress/snapshot.js';
import { viewFor } from '../progress/view-for.js';
import { freePort } from '../local/free-port.js';
import { LocalRelease, type ReleaseOutcome } from '../local/run/local-release.js';
import { demoCanary, type DemoVersion } from './demo-canary.js';
import { builtinLoad, loadTesterLoad, routerRequests, type LoadSource } from './load-source.js';

export interface DemoOptions {
  /** Plain lines instead of the live display. */
  ci?: boolean;
  /** Requests per second sent through the router. Default 400. */
  requestsPerSecond?: number;
  /** Traffic from `hey`, run by an in-process load tester through a rollout webhook. */
  loadTester?: boolean;
  write?: (text: string) => void;
}

const V1: DemoVersion = { version: 'v1', errorRate: 0, latencyMs: 5 };
const V2: DemoVersion = { version: 'v2', errorRate: 0, latencyMs: 5 };
const V3: DemoVersion = { version: 'v3', errorRate: 0.05, latencyMs: 300 };

export async function runDemo(options: DemoOptions = {}): Promise<number> {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  const view: ProgressView = options.write ? plainView(write) : viewFor({ ci: Boolean(options.ci) });
  const stateDir = await mkdtemp(join(tmpdir(), 'aviary-demo-'));
  const rps = options.requestsPerSecond ?? 400;
  const ports = {
    stable: await freePort(),
    canary: await freePort(),
    // hey is given the router's address in the webhook, so it must be known before the router starts.
    router: options.loadTester ? await freePort() : 0,
  };
  const load: LoadSource = options.loadTester
    ? await loadTesterLoad(rps, ports.router, stateDir)
    : builtinLoad(rps);
  const started = Date.now();
  let title = 'demo v1 -> v2';
  let canary = demoCanary(ports, V1, V2, load.webhooks);
  let announced = false;
  let requests = 0;
  const weightsSeen: number[][] = [[], []];
  let releaseIndex = 0;

  const release = new LocalRelease({
    manifests: { canary, alertProviders: [], metricTemplates: [], secrets: new Map() },
    stateDir,
    onEvent: (type, message) => view.event(type, message),
    onStatus: (status: CanaryStatus) => {
      const seen = weightsSeen[releaseIndex]!;
      const weight = status.canaryWeight ?? 0;
      if (status.phase === 'Progressing' && weight > 0 && seen[seen.length - 1] !== weight) seen.push(weight);
      if (!announced && release.routerPort) {
        announced = true;
        load.routerListening(release.routerPort);
        view.line(
          `router on http://127.0.0.1:${release.routerPort}/ (metrics :${release.metricsPort}/metrics); traffic: ${load.description}`,
        );
      }
      void routerRequests(release.local.runtime.metrics).then((n) => (requests = n));
      view.update(snapshotOf(title, canary, status, started, requests));
    },
  });
  // Ctrl-C: traffic back to the stable version, every process stopped, nothing orphaned.
  const uninstall = release.local.installExitHandlers(() => void load.stop().then(() => release.close()));

  let first: ReleaseOutcome | undefined;
  let second: ReleaseOutcome | undefined;
  try {
    view.line(
      'Aviary demo: v1 -> v2 (healthy) should be promoted, then v2 -> v3 (5% errors, +300 ms) rolled back',
    );
    first = await release.run();
    view.line(
      `v2: ${first.phase === 'Succeeded' ? 'promoted' : `rolled back — ${first.status.failureReason ?? ''}`}`,
    );

    title = 'demo v2 -> v3';
    releaseIndex = 1;
    canary = demoCanary(ports, V1, V3, load.webhooks);
    release.updateCanary(canary);
    second = await release.run();
    view.line(
      `v3: ${second.phase === 'Failed' ? `rolled back — ${second.status.failureReason ?? ''}` : 'promoted'}`,
    );
    requests = await routerRequests(release.local.runtime.metrics);
  } finally {
    uninstall();
    await load.stop();
    await release.close();
    view.close();
    await rm(stateDir, { recursive: true, force: true });
  }

  const ok = first.phase === 'Succeeded' && second.phase === 'Failed';
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const failed = load.failed === undefined ? '' : `, failed at the client ${load.failed}`;
  write(
    [
      '',
      'Summary',
      `  v1 -> v2  ${first.phase === 'Succeeded' ? 'promoted' : 'NOT promoted'}  (canary weights ${describeWeights(weightsSeen[0]!)})`,
      `  v2 -> v3  ${second.phase === 'Failed' ? 'rolled back' : 'NOT rolled back'} at canary weight ${describeWeights(weightsSeen[1]!)}: ${second.status.failureReason ?? 'no failure recorded'}`,
      `  requests through the router ${requests}${failed}; took ${seconds}s`,
      ok
        ? 'demo passed: the good version shipped, the bad one never got past 10%.'
        : 'demo FAILED: see the events above.',
      '',
    ].join('\n'),
  );
  return ok ? 0 : 1;
}

function describeWeights(weights: number[]): string {
  return weights.length === 0 ? '0%' : weights.map((w) => `${w}%`).join(' -> ');
}
