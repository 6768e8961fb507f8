/**
 * The verbs against a local release (`aviary run --state-dir`): pause holds the weight over two
 * intervals, resume continues, abort rolls back (run and watch exit 1), retry makes the next run analyse
 * the Failed revision again (watch --next exits 0), and each request is in the release's event log
 * with the local user.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CanaryStatus } from '../../src/api/types.js';
import { localUser } from '../../src/intents/local.js';
import { fastCanary, stateDir } from '../local/support.js';
import { runCli, startCli, waitFor, type RunningCli } from './run-cli.js';

const running: RunningCli[] = [];
afterEach(async () => {
  for (const cli of running.splice(0)) {
    cli.kill();
    await cli.done;
  }
});

function start(args: string[]): RunningCli {
  const cli = startCli(args, { timeoutMs: 120_000 });
  running.push(cli);
  return cli;
}

describe('aviary verbs on a local release', () => {
  it('pause holds, resume continues, abort rolls back a paused release, retry analyses the revision again', async () => {
    const dir = await stateDir();
    // A gate nobody opens: the release waits at 50% until a verb ends it, however slow the machine.
    const canary = await fastCanary(
      { VERSION: 'v2' },
      {
        maxWeight: 50,
        stepWeight: 5,
        metrics: [],
        webhooks: [
          { name: 'hold', type: 'confirm-promotion', url: 'http://127.0.0.1:9/hold', timeout: '1s' },
        ],
      },
    );
    const file = join(dir, 'canary.yaml');
    await writeFile(file, stringify(canary));
    const status = async () =>
      JSON.parse(await readFile(join(dir, 'app.status.json'), 'utf8')) as CanaryStatus;
    const local = (args: string[]) => runCli([...args, '--state-dir', dir]);
    const request = async (kind: string) => {
      const result = await local([kind, 'app']);
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const id = /intent ([0-9a-f-]{36})/.exec(result.stdout)?.[1];
      const acknowledged = await waitFor(
        `${kind} acknowledged`,
        status,
        (s) => s.lastIntent?.id === id,
        20_000,
      );
      expect(acknowledged.lastIntent?.outcome).toBe('applied');
      return acknowledged;
    };

    const run = start(['run', '--ci', '-f', file, '--state-dir', dir]);
    await waitFor(
      'progressing',
      async () => status().catch(() => ({}) as CanaryStatus),
      (s) => (s.canaryWeight ?? 0) >= 5,
      60_000,
    );

    const paused = await request('pause');
    expect(paused.lastIntent).toMatchObject({ kind: 'pause', user: localUser(), outcome: 'applied' });
    const held = paused.canaryWeight ?? -1;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await status()).canaryWeight).toBe(held);

    const table = await local(['get', 'canaries']);
    expect(table.stdout).toMatch(new RegExp(`\\napp\\s+Progressing \\(paused\\)\\s+${held}\\s+0/2\\s`));
    const shown = await local(['status', 'app']);
    expect(shown.stdout).toMatch(new RegExp(`Steps:\\s+${held / 5} of 10 weight steps done`));
    expect(shown.stdout).toContain(`pause requested by ${localUser()}`);

    await request('resume');
    await waitFor('weight grows again', status, (s) => (s.canaryWeight ?? 0) > held);
    // Held again, so the release cannot end on its own while the watch starts up.
    await request('pause');

    const watch = start(['watch', 'app', '--state-dir', dir, '--interval', '300ms', '--timeout', '60s']);
    const aborted = await request('abort');
    expect(aborted.phase).toBe('Failed');
    expect(aborted.failureReason).toBe(`aborted by ${localUser()}`);
    expect((await run.done).code).toBe(1);
    const watched = await watch.done;
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(`app Failed: aborted by ${localUser()}`);

    // Nothing runs the release now: the intent waits in the state dir for the next run.
    const retry = await local(['retry', 'app']);
    expect(retry.code).toBe(0);
    const next = start([
      'watch',
      'app',
      '--next',
      '--state-dir',
      dir,
      '--interval',
      '300ms',
      '--timeout',
      '90s',
    ]);
    const rerun = start(['run', '--ci', '-f', file, '--state-dir', dir]);
    const retried = await waitFor(
      'retry acknowledged',
      status,
      (s) => s.lastIntent?.kind === 'retry',
      60_000,
    );
    expect(retried.lastIntent?.outcome).toBe('applied');
    await waitFor('the revision progressing again', status, (s) => (s.canaryWeight ?? 0) >= 5, 30_000);
    await request('promote'); // past the gate nobody opens
    expect((await rerun.done).code).toBe(0);
    expect((await status()).phase).toBe('Succeeded');
    expect((await next.done).code).toBe(0);
  }, 180_000);
});
