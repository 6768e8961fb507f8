/**
 * The action round trip, with real processes: `aviary run` releases a local canary (its router and
 * both versions as processes) into a state directory; the dashboard shows it with --allow-actions; in
 * headless Chromium a person types the token and presses Pause, the intent lands in the state directory
 * (src/intents), the run's engine applies it at its next tick, and the page shows the release paused;
 * Resume lets it go on. A wrong token is refused on the page.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { CanaryStatus } from '../../src/api/types.js';
import { localSource, startDashboard, type Dashboard } from '../../src/dashboard/index.js';
import { localIntents } from '../../src/intents/index.js';
import { FileStatusStore } from '../../src/local/run/state-file.js';
import { aviary, fastCanary, stateDir, until, type CliRun } from '../local/support.js';
import { launchChromium, openPage, screenshot, textOf } from './chromium.js';

const TOKEN = 'a-long-enough-dashboard-token-0123';

describe('dashboard actions in Chromium against a running release', () => {
  let browser: Browser;
  let run: CliRun;
  let dashboard: Dashboard;
  let dir: string;
  const status = async (): Promise<CanaryStatus> =>
    (await new FileStatusStore(join(dir, 'app.status.json')).read()) ?? {};

  beforeAll(async () => {
    dir = await stateDir();
    // No metrics: a step every 2 s from 5% to 50%, time enough to press the buttons.
    const canary = await fastCanary(
      { VERSION: 'v2' },
      { interval: '2s', stepWeight: 5, maxWeight: 50, metrics: [] },
    );
    const file = join(dir, 'canary.yaml');
    await writeFile(file, stringify(canary));
    run = aviary(['run', '--ci', '-f', file, '--state-dir', dir]);
    await until('the release to progress', async () => (await status()).phase === 'Progressing', 30_000);
    dashboard = await startDashboard({
      source: localSource(dir),
      port: 0,
      recordEveryMs: 500,
      actions: { token: TOKEN, intents: localIntents(dir) },
    });
    browser = await launchChromium();
  }, 90_000);

  afterAll(async () => {
    run?.child.kill('SIGINT');
    await run?.exit;
    await browser?.close();
    await dashboard?.close();
  });

  const press = async (page: Page, action: string, token: string) => {
    await page.waitForSelector(`button[data-action="${action}"]`);
    await page.$eval('#token', (el) => ((el as unknown as { value: string }).value = ''));
    await page.type('#token', token);
    await page.click(`button[data-action="${action}"]`);
  };

  it('a wrong token is refused on the page and leaves no intent', async () => {
    const { page } = await openPage(browser);
    await page.goto(`${dashboard.url}#/canary/-/app`);
    await press(page, 'pause', 'not-the-token');
    await page.waitForFunction(
      "document.getElementById('action-result').textContent.includes('wrong or missing token')",
    );
    expect((await status()).paused).toBeUndefined();
  }, 60_000);

  it('Pause holds the release at its weight, Resume lets it go on', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(`${dashboard.url}#/canary/-/app`);
    await press(page, 'pause', TOKEN);
    await page.waitForFunction(
      "document.getElementById('action-result').textContent.includes('pause requested by')",
    );

    // The run's engine applies the intent at its next tick; the page shows it at its next poll.
    await page.waitForFunction("document.querySelector('#summary').innerText.includes('paused')", {
      timeout: 20_000,
    });
    const paused = await status();
    expect(paused.paused).toBeDefined();
    expect(paused.lastIntent).toMatchObject({ kind: 'pause', outcome: 'applied' });
    expect(await textOf(page, '#timeline')).toContain('pause requested by');
    await screenshot(page, 'dashboard-actions-paused');

    // Held: two more intervals pass at the same weight.
    await new Promise((r) => setTimeout(r, 4500));
    expect((await status()).canaryWeight).toBe(paused.canaryWeight);

    await press(page, 'resume', TOKEN);
    await until(
      'the release to go on',
      async () => ((await status()).canaryWeight ?? 0) > (paused.canaryWeight ?? 0),
      20_000,
    );
    expect((await status()).paused).toBeUndefined();
    await page.waitForSelector('button[data-action="pause"]', { timeout: 10_000 });
    expect(problems).toEqual([]);
  }, 90_000);
});
