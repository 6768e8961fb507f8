/**
 * What the real Flagger (v1.36.1) does with a core Service as the target on this control plane, the fact
 * docs/flagger-differences.md ("Service targets") states: it copies the target with its
 * `spec.clusterIPs` and clears only `spec.clusterIP`, the API server refuses the copy, and the Canary
 * never leaves Initializing. Aviary runs the same Canary (test/targets/service-target-release.test.ts).
 * When a Flagger upgrade makes this test fail, the section of the document is to be rewritten.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testCluster } from '../cluster/index.js';
import { serviceTargetObjects } from '../targets/service-target-objects.js';
import { startFlagger, type FlaggerProcess } from './flagger-process.js';

vi.setConfig({ testTimeout: 120_000 });

const cluster = testCluster();
const REFUSED =
  /Service "web-canary" is invalid: spec\.clusterIPs: .*must be empty when `clusterIP` is not specified/;
let namespace = '';
let flagger: FlaggerProcess | undefined;

beforeAll(async () => {
  namespace = await cluster.newNamespace('flagger-svc');
  const objects = serviceTargetObjects({
    namespace,
    name: 'web',
    group: 'flagger.app',
    provider: 'istio',
    analysis: { interval: '10s', threshold: 2, maxWeight: 40, stepWeight: 20 },
  });
  const applied = await cluster.kubectl(['apply', '-n', namespace, '-f', '-'], {
    stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  if (applied.code !== 0) throw new Error(`applying the Canary failed: ${applied.stderr}`);
  // No metric is analysed: Flagger only logs that this address does not answer.
  flagger = await startFlagger({
    kubeconfig: cluster.kubeconfig,
    namespace,
    metricsServer: 'http://127.0.0.1:9',
  });
}, 20 * 60_000);

afterAll(async () => {
  await flagger?.stop();
  if (namespace) await cluster.deleteNamespace(namespace);
});

describe('Flagger v1.36.1 with targetRef.kind: Service', () => {
  it('cannot create the canary copy: the API server refuses the copied clusterIPs, and the Canary stays Initializing', async () => {
    const deadline = Date.now() + 90_000;
    const refused = () => flagger!.lines.find((l) => REFUSED.test(String(l.msg)));
    while (!refused() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(refused(), flagger!.tail()).toBeDefined();

    const services = await cluster.kubectl(['get', 'services', '-n', namespace, '-o', 'name']);
    expect(services.stdout.trim().split('\n').sort()).toEqual(['service/web']);
    const phase = await cluster.kubectl([
      'get',
      'canaries.flagger.app',
      'web',
      '-n',
      namespace,
      '-o',
      'jsonpath={.status.phase}',
    ]);
    expect(phase.stdout).toBe('Initializing');
  });
});
