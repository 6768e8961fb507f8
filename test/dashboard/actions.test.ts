/**
 * POST /api/intent over HTTP, as another site or a script would try it: only the dashboard's own page
 * with the token gets an intent through; everything else is refused with the reason and leaves no intent
 * file. The intents go to a real local state directory (src/intents).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { localSource, startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { localIntents } from '../../src/intents/index.js';
import { FileStatusStore } from '../../src/local/run/state-file.js';

const TOKEN = 'a-long-enough-dashboard-token-0123';

describe('dashboard actions over HTTP', () => {
  let dir: string;
  let withActions: Dashboard;
  let readOnly: Dashboard;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aviary-dashboard-actions-'));
    await new FileStatusStore(join(dir, 'app.status.json')).write({} as Canary, {
      phase: 'Progressing',
      canaryWeight: 10,
    });
    withActions = await startDashboard({
      source: localSource(dir),
      port: 0,
      actions: { token: TOKEN, intents: localIntents(dir) },
    });
    readOnly = await startDashboard({ source: localSource(dir), port: 0 });
  });
  afterAll(async () => {
    await withActions.close();
    await readOnly.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (dashboard: Dashboard, headers: Record<string, string>, body: string) =>
    fetch(`${dashboard.url}api/intent`, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(10_000),
    });
  const origin = () => withActions.url.replace(/\/$/, '');
  const pending = () => readFile(join(dir, 'app.intent.json'), 'utf8').catch(() => undefined);
  const pause = JSON.stringify({ kind: 'pause', name: 'app', namespace: '' });

  it('refuses what is not the page with the token, saying why, and leaves no intent', async () => {
    const json = { 'content-type': 'application/json' };
    const cases: [Dashboard, Record<string, string>, string, number, string][] = [
      [readOnly, { ...json, origin: origin(), 'x-aviary-token': TOKEN }, pause, 403, 'actions are off'],
      [
        withActions,
        { ...json, origin: 'http://evil.example', 'x-aviary-token': TOKEN },
        pause,
        403,
        'is not this dashboard',
      ],
      [
        withActions,
        { ...json, 'sec-fetch-site': 'cross-site', 'x-aviary-token': TOKEN },
        pause,
        403,
        'another site',
      ],
      [withActions, { ...json, 'x-aviary-token': TOKEN }, pause, 403, 'no Origin header'],
      [withActions, { ...json, origin: origin() }, pause, 401, 'wrong or missing token'],
      [
        withActions,
        { ...json, origin: origin(), 'x-aviary-token': `${TOKEN}x` },
        pause,
        401,
        'wrong or missing token',
      ],
      [
        withActions,
        { 'content-type': 'text/plain', origin: origin(), 'x-aviary-token': TOKEN },
        pause,
        415,
        'application/json',
      ],
      [
        withActions,
        { ...json, origin: origin(), 'x-aviary-token': TOKEN },
        JSON.stringify({ kind: 'retry', name: 'app' }),
        400,
        'kind: "retry"',
      ],
      [
        withActions,
        { ...json, origin: origin(), 'x-aviary-token': TOKEN },
        'x'.repeat(5000),
        413,
        'at most 4096 bytes',
      ],
    ];
    for (const [dashboard, headers, body, status, reason] of cases) {
      const res = await post(dashboard, headers, body);
      expect({ status: res.status, error: ((await res.json()) as { error: string }).error }).toEqual({
        status,
        error: expect.stringContaining(reason) as string,
      });
    }
    expect(await pending()).toBeUndefined();
  });

  it("the page's request with the token leaves the intent for the engine", async () => {
    const res = await post(
      withActions,
      { 'content-type': 'application/json', origin: origin(), 'x-aviary-token': TOKEN },
      pause,
    );
    expect(res.status).toBe(202);
    const body = (await res.json()) as { intent: { id: string; kind: string }; message: string };
    expect(body.message).toMatch(/^pause requested by .+; the engine acts at its next tick$/);
    expect(JSON.parse((await pending())!)).toMatchObject({ id: body.intent.id, kind: 'pause' });
  });
});
