/**
 * Values from Secrets never show: `aviary run` with an alert provider whose Secret holds an address
 * that is not a URL (the alert fails, and says so at warn level) and a webhook whose URL is also a
 * Secret's value (its failures end up in events, the status file and the final line). Neither value
 * may appear on stdout, stderr (JSON logs at info level) or in any file of the state dir.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { freePort } from '../../src/local/testing/free-port.js';
import { aviary, fastCanary, stateDir, type CliRun } from './support.js';

const running: CliRun[] = [];
afterEach(() => {
  for (const run of running.splice(0)) run.child.kill('SIGKILL');
});

describe('aviary run: secrets', () => {
  it('redacts Secret values from logs, progress, events, the status file and the final reason', async () => {
    const dir = await stateDir();
    const alertAddress = 'hooks.slack.com/services/T0/B0/aLeRt-s3cr3t (not a URL)';
    const hookUrl = `http://127.0.0.1:${await freePort()}/hooks/h00k-s3cr3t`;
    const canary = await fastCanary(
      { VERSION: 'v2' },
      { threshold: 1, maxWeight: 20, stepWeight: 10, metrics: [] },
    );
    canary.spec.analysis.alerts = [{ name: 'team', severity: 'info', providerRef: { name: 'slack' } }];
    canary.spec.analysis.webhooks = [{ name: 'smoke', type: 'pre-rollout', url: hookUrl, timeout: '1s' }];
    const docs = [
      canary,
      {
        apiVersion: 'aviary.dev/v1beta1',
        kind: 'AlertProvider',
        metadata: { name: 'slack', namespace: 'local' },
        spec: { type: 'slack', channel: 'releases', secretRef: { name: 'slack-url' } },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'slack-url' },
        stringData: { address: alertAddress },
      },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hook' }, stringData: { url: hookUrl } },
    ];
    const file = join(dir, 'canary.yaml');
    await writeFile(file, docs.map((d) => stringify(d)).join('---\n'));

    const r = aviary(['run', '--ci', '-f', file, '--state-dir', dir, '--log-level', 'info']);
    running.push(r);
    const exit = await r.exit;

    expect(exit.code, r.stderr()).toBe(1);
    // What happened is still said, with where the value came from.
    expect(r.stderr()).toMatch(
      /alert not sent: slack alert provider local\/slack: invalid URL \\"\[secret slack-url\/address\]\\"/,
    );
    expect(r.stdout()).toMatch(/webhook smoke \(pre-rollout\) \[secret hook\/url\]/);
    expect(r.stdout()).toMatch(/app rolled back: .*\[secret hook\/url\]/);
    const files = (await readdir(dir)).filter((f) => f !== 'canary.yaml');
    expect(files).toContain('app.status.json');
    const printed = [
      r.stdout(),
      r.stderr(),
      ...(await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8')))),
    ].join('\n');
    expect(printed).not.toMatch(/s3cr3t/);
  }, 60_000);
});
