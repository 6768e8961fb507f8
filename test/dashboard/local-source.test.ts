/** GET /api/canaries over a local state directory, as `aviary run` / `aviary demo` leave it. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { localSource, startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { FileStatusStore } from '../../src/local/run/state-file.js';
import type { Canary, CanaryStatus } from '../../src/api/types.js';
import { getJson } from './support.js';

describe('dashboard: local source', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0)) await step();
  });
  const serve = async (dir: string): Promise<Dashboard> => {
    const dashboard = await startDashboard({ source: localSource(dir), port: 0 });
    cleanup.push(() => dashboard.close());
    return dashboard;
  };
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aviary-dashboard-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };

  it('shows each <name>.status.json written by the run, and what its status holds', async () => {
    const dir = await tempDir();
    const status: CanaryStatus = {
      phase: 'Failed',
      canaryWeight: 0,
      failedChecks: 2,
      iterations: 1,
      lastTransitionTime: '2024-05-01T10:00:00Z',
      failureReason: 'request-duration 250 ms > 100 ms',
      lastChecks: [
        {
          name: 'request-duration',
          decision: 'fail',
          value: 250,
          samples: 120,
          threshold: '<= 100',
          message: '250 > 100',
        },
      ],
    };
    // Written the way aviary run writes it.
    await new FileStatusStore(join(dir, 'sample.status.json')).write({} as Canary, status);
    await new FileStatusStore(join(dir, 'api.status.json')).write({} as Canary, {
      phase: 'Progressing',
      canaryWeight: 10,
    });
    // Not statuses: the run's process record and a temp file of an atomic write in progress.
    await writeFile(join(dir, 'sample.processes.json'), '{}');
    await writeFile(join(dir, 'sample.status.json.123.tmp'), '{"phase":');

    const { status: code, body } = await getJson(`${(await serve(dir)).url}api/canaries`);
    expect(code).toBe(200);
    expect(body.source).toContain(dir);
    expect(body.canaries).toEqual([
      { name: 'api', phase: 'Progressing', canaryWeight: 10, lastChecks: [], events: [] },
      { name: 'sample', ...status, events: [] },
    ]);
  });

  it('an unreadable status file shows as that canary with the reason, the others still show', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.status.json'), '{"phase": "Progr');
    await new FileStatusStore(join(dir, 'ok.status.json')).write({} as Canary, { phase: 'Succeeded' });
    const { body } = await getJson(`${(await serve(dir)).url}api/canaries`);
    expect(body.canaries.map((c) => [c.name, c.phase])).toEqual([
      ['broken', 'Unknown'],
      ['ok', 'Succeeded'],
    ]);
    expect(body.canaries[0]?.failureReason).toContain('delete it to start over');
  });

  it('a state directory that does not exist yet is an empty list, not an error', async () => {
    const dir = await tempDir();
    const { status, body } = await getJson(`${(await serve(join(dir, 'not-yet'))).url}api/canaries`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ canaries: [] });
    expect(body.error).toBeUndefined();
  });

  it('a state path that is a file is an error with the reason', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), '');
    const { status, body } = await getJson(`${(await serve(join(dir, 'file'))).url}api/canaries`);
    expect(status).toBe(503);
    expect(body.error).toContain('ENOTDIR');
  });
});
