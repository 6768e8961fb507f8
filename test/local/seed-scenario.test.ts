/**
 * Issue 4's seed scenario in the local runtime, end to end with real processes and real tools: a Canary
 * whose only traffic is `hey`, started by a `load-test` rollout webhook through Aviary's load tester; a
 * bash smoke test (curl) as pre-rollout; a confirm-promotion gate opened with a real `curl .../gate/open`;
 * Slack alerts to a local receiver. It must run to promotion.
 */
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Phase } from '../../src/api/types.js';
import { startLoadTester, type LoadTester } from '../../src/loadtester/index.js';
import { freePort } from '../../src/local/testing/free-port.js';
import { VERSION_SERVER } from '../../src/local/testing/version-script.js';
import { LocalRelease } from '../../src/local/run/local-release.js';
import { parseManifests } from '../../src/local/run/manifests.js';
import { stateDir } from './support.js';

const run = promisify(execFile);
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

interface SlackMessage {
  channel: string;
  username: string;
  attachments: {
    color: string;
    author_name: string;
    text: string;
    fields: { title: string; value: string }[];
  }[];
}

async function slackReceiver(): Promise<{ url: string; messages: SlackMessage[] }> {
  const messages: SlackMessage[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (c: string) => (body += c));
    req.on('end', () => {
      messages.push(JSON.parse(body) as SlackMessage);
      res.end('ok'); // what a Slack incoming webhook answers
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanup.push(() => new Promise((r) => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T0/B0/x`, messages };
}

/** The seed scenario as the file a user would write (see examples/local/seed-scenario.yaml). */
function scenario(p: {
  router: number;
  metrics: number;
  stable: number;
  canary: number;
  loadtester: string;
  slack: string;
}) {
  const command = JSON.stringify([process.execPath, '-e', VERSION_SERVER]);
  return `
apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: { name: myapp, namespace: test }
spec:
  provider: local
  targetRef: { kind: Deployment, name: myapp }
  service: { port: 80 }
  analysis:
    interval: 1s
    threshold: 2
    maxWeight: 30
    stepWeight: 10
    metrics:
      - name: request-success-rate
        interval: 4s
        thresholdRange: { min: 99 }
        minSamples: 5
    webhooks:
      - name: smoke-test
        type: pre-rollout
        url: ${p.loadtester}/
        timeout: 15s
        metadata:
          type: bash
          cmd: curl -sf http://127.0.0.1:${p.canary}/healthz
      - name: load-test
        type: rollout
        url: ${p.loadtester}/
        metadata:
          cmd: hey -z 1m -q 25 -c 2 http://127.0.0.1:${p.router}/
      - name: confirm-promotion
        type: confirm-promotion
        url: ${p.loadtester}/gate/check
    alerts:
      - name: team
        severity: info
        providerRef: { name: slack }
  local:
    listenPort: ${p.router}
    metricsPort: ${p.metrics}
    readinessPath: /healthz
    stable: { command: ${command}, port: ${p.stable}, env: { VERSION: v1 } }
    canary: { command: ${command}, port: ${p.canary}, env: { VERSION: v2 } }
---
apiVersion: aviary.dev/v1beta1
kind: AlertProvider
metadata: { name: slack, namespace: test }
spec:
  type: slack
  channel: releases
  username: aviary
  secretRef: { name: slack-url }
---
apiVersion: v1
kind: Secret
metadata: { name: slack-url, namespace: test }
stringData:
  address: ${p.slack}
`;
}

describe('seed scenario in the local runtime', () => {
  it('hey via the load tester, bash smoke test, manual promotion gate, Slack alerts: promoted', async () => {
    const logs: { msg: string; cmd?: string; line?: string; gate?: string }[] = [];
    const loadTester: LoadTester = await startLoadTester({
      port: 0,
      host: '127.0.0.1',
      workDir: join(await stateDir(), 'loadtester'),
      allowBash: true,
      logger: pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) }),
    });
    cleanup.push(() => loadTester.close());
    const slack = await slackReceiver();
    const ports = {
      router: await freePort(),
      metrics: await freePort(),
      stable: await freePort(),
      canary: await freePort(),
    };
    const manifests = parseManifests(scenario({ ...ports, loadtester: loadTester.url, slack: slack.url }));

    const phases: { phase: Phase; at: number }[] = [];
    let waitingSince: number | undefined;
    let gateOpenedAt: number | undefined;
    let canaryRequestsAtGate = 0;
    const release = new LocalRelease({
      manifests,
      stateDir: await stateDir(),
      onStatus: (s) => {
        if (s.phase && phases.at(-1)?.phase !== s.phase) phases.push({ phase: s.phase, at: Date.now() });
        if (s.phase === 'WaitingPromotion') waitingSince ??= Date.now();
      },
    });
    cleanup.push(() => release.close());

    // The operator approves once the canary has waited at the gate for a few ticks.
    const approve = (async () => {
      while (waitingSince === undefined || Date.now() - waitingSince < 3000) await sleep(100);
      const metrics = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
      canaryRequestsAtGate = Number(
        /aviary_requests_total\{version="canary",code_class="2xx"\} (\d+)/.exec(metrics)?.[1] ?? 0,
      );
      gateOpenedAt = Date.now();
      const { stdout } = await run('curl', [
        '-sS',
        '-d',
        '{"name":"myapp","namespace":"test"}',
        `${loadTester.url}/gate/open`,
      ]);
      expect(stdout).toMatch(/gate gate:test\/myapp opened|opened/);
    })();

    const outcome = await release.run();
    await approve;

    expect(outcome.phase).toBe('Succeeded');
    // hey was the canary's only client, so requests on the canary's side of the router are hey's.
    expect(canaryRequestsAtGate).toBeGreaterThan(20);
    expect(logs.some((l) => l.msg === 'command started' && l.cmd?.startsWith('hey -z 1m'))).toBe(true);
    expect(logs.filter((l) => l.msg === 'command started' && l.cmd?.startsWith('hey'))).toHaveLength(1);
    // The smoke test reached the canary (it answers its version on /healthz).
    const smoke = logs.filter((l) => l.cmd?.startsWith('curl -sf'));
    expect(smoke.some((l) => l.msg === 'command output' && l.line === 'v2')).toBe(true);
    expect(smoke.some((l) => l.msg.startsWith('blocking command finished'))).toBe(true);
    // Held at the gate until it was opened, and only then promoted.
    const promoting = phases.find((p) => p.phase === 'Promoting')!;
    expect(promoting.at).toBeGreaterThanOrEqual(gateOpenedAt!);
    expect(gateOpenedAt! - waitingSince!).toBeGreaterThanOrEqual(3000);
    expect(phases.map((p) => p.phase)).toEqual(
      expect.arrayContaining(['Progressing', 'WaitingPromotion', 'Promoting', 'Succeeded']),
    );

    // Slack: one legacy attachment per message, coloured, naming the canary and its weight.
    expect(slack.messages.length).toBeGreaterThanOrEqual(2);
    for (const message of slack.messages) {
      expect(message).toMatchObject({ channel: 'releases', username: 'aviary' });
      expect(message.attachments).toHaveLength(1);
      const [attachment] = message.attachments;
      expect(['good', 'warning', 'danger']).toContain(attachment!.color);
      expect(attachment!.author_name).toBe('myapp.test');
      expect(attachment!.text.length).toBeGreaterThan(0);
      expect(attachment!.fields).toEqual(
        expect.arrayContaining([expect.objectContaining({ title: 'Canary weight' })]),
      );
    }
    const texts = slack.messages.map((m) => m.attachments[0]!.text);
    expect(texts.some((t) => /promotion/i.test(t))).toBe(true);
    const waiting = slack.messages.find((m) => /waiting for approval/i.test(m.attachments[0]!.text));
    expect(waiting?.attachments[0]!.color).toBe('warning');
    expect(waiting?.attachments[0]!.fields).toEqual(
      expect.arrayContaining([{ title: 'Canary weight', value: '30%', short: true }]),
    );
  }, 60_000);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
