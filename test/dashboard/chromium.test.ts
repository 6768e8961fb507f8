/**
 * The page as a person uses it, in headless Chromium: the list of hundreds of canaries filtered and
 * sorted, one canary's charts (uPlot, served by the dashboard) with thresholds and the primary, its
 * verdicts and its events as a timeline; no markup from canary fields runs; a failing source shows a
 * banner. Screenshots are kept in test-artifacts/.
 */
import type { Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type CanarySource, type Dashboard } from '../../src/dashboard/index.js';
import { launchChromium, openPage, screenshot, textOf } from './chromium.js';
import { fixedSource, fleet, progressingCanary, releasingSource } from './support.js';

describe('dashboard in headless Chromium', () => {
  let browser: Browser;
  const dashboards: Dashboard[] = [];
  const serve = async (source: CanarySource, recordEveryMs = 100) => {
    const dashboard = await startDashboard({ source, port: 0, recordEveryMs });
    dashboards.push(dashboard);
    return dashboard;
  };
  let releasing: Dashboard;

  beforeAll(async () => {
    browser = await launchChromium();
    releasing = await serve(releasingSource(fleet(300)));
    // Five steps of the release recorded before anyone looks.
    const deadline = Date.now() + 10_000;
    while ((releasing.history.get('test/podinfo')?.samples.length ?? 0) < 5 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await Promise.all(dashboards.map((d) => d.close()));
  });

  it('lists 301 canaries, filters them by namespace, phase and name, and sorts by any column', async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(releasing.url);
    await page.waitForFunction("document.querySelectorAll('#list tbody tr').length === 301");
    expect(await textOf(page, '#count')).toBe('301 of 301 canaries');
    await screenshot(page, 'dashboard-list');

    await page.select('#f-namespace', 'team-2');
    expect(await textOf(page, '#count')).toBe('60 of 301 canaries');
    await page.select('#f-phase', 'Failed');
    expect(await textOf(page, '#count')).toBe('12 of 301 canaries');
    const namespaces = await page.$$eval('#list tbody tr td:nth-child(2)', (tds) =>
      tds.map((td) => td.textContent),
    );
    expect(new Set(namespaces)).toEqual(new Set(['team-2']));
    const phases = await page.$$eval('#list tbody tr .phase', (els) => els.map((e) => e.textContent));
    expect(new Set(phases)).toEqual(new Set(['Failed']));

    await page.select('#f-namespace', '');
    await page.select('#f-phase', '');
    await page.type('#f-text', 'svc-29');
    expect(await textOf(page, '#count')).toBe('10 of 301 canaries'); // svc-290 .. svc-299
    await page.$eval('#f-text', (el) => ((el as unknown as { value: string }).value = ''));
    await page.type('#f-text', 'svc');

    await page.click('button[data-sort="weight"]');
    await page.click('button[data-sort="weight"]'); // second click: descending
    const weights = await page.$$eval('#list tbody tr .weight', (els) =>
      els.map((e) => Number(/canary (\d+)%/.exec(e.textContent ?? '')?.[1])),
    );
    expect(weights).toHaveLength(300);
    expect(weights).toEqual([...weights].sort((a, b) => b - a));
    expect(await textOf(page, 'button[data-sort="weight"]')).toBe('weight ▼');

    // The filters survive the polls that re-render the rows.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await textOf(page, '#count')).toBe('300 of 301 canaries');
    expect(problems).toEqual([]);
  }, 60_000);

  it("shows one canary's charts over time, its verdicts and its events as a timeline", async () => {
    const { page, problems } = await openPage(browser);
    await page.goto(releasing.url);
    await page.waitForSelector('a[href="#/canary/test/podinfo"]');
    await page.click('a[href="#/canary/test/podinfo"]');
    await page.waitForFunction("document.querySelectorAll('.chart canvas').length >= 3");

    const charts = await page.$$eval('.chart', (els) =>
      els.map((el) => ({
        id: el.getAttribute('data-chart'),
        title: el.querySelector('.u-title')?.textContent,
        series: [...el.querySelectorAll('.u-legend .u-series .u-label')].map((l) => l.textContent),
      })),
    );
    expect(charts).toEqual([
      {
        id: 'weight',
        title: 'canary weight (%)',
        series: ['Time', 'canary weight', 'max weight', 'observed share'],
      },
      {
        id: 'metric:request-duration',
        title: 'request-duration',
        series: ['Time', 'canary', 'primary', 'max 500'],
      },
      {
        id: 'metric:request-success-rate',
        title: 'request-success-rate',
        series: ['Time', 'canary', 'min 99'],
      },
    ]);
    expect(await textOf(page, '#summary')).toContain('Progressing');
    expect(await textOf(page, '#summary')).toContain('traffic consistent Split follows the weights');

    // Verdicts: the last analysis, and every recorded verdict of each check (the dip at step 3 is red).
    expect(await textOf(page, '#verdicts table')).toContain(
      'request-duration pass 130 85 n=600 / n=5400 <= 500',
    );
    const marks = await page.$$eval('#verdicts .strip', (strips) =>
      strips.map((s) => [...s.querySelectorAll('.mark')].map((m) => m.className.replace('mark ', ''))),
    );
    expect(marks[1]).toEqual(['ok', 'ok', 'bad', 'ok', 'ok']);

    // Events, newest first, with the Warning of step 3 among them.
    const events = await page.$$eval('#timeline li.event', (lis) =>
      lis.map((li) => li.textContent?.replace(/\s+/g, ' ')),
    );
    expect(events).toHaveLength(5);
    expect(events[0]).toContain('Advance podinfo.test canary weight 50');
    expect(events.some((e) => e?.includes('Warning Halt request-success-rate 97.5% < 99%'))).toBe(true);

    // Read-only: no buttons without --allow-actions.
    expect(await page.$('#actions button')).toBeNull();
    await screenshot(page, 'dashboard-detail');
    expect(problems).toEqual([]);
  }, 60_000);

  it('runs none of the markup in canary fields, in the list and in the detail', async () => {
    const dashboard = await serve(fixedSource([progressingCanary('podinfo')]));
    const { page } = await openPage(browser);
    let alerted = false;
    page.on('dialog', (d) => {
      alerted = true;
      void d.dismiss();
    });
    await page.goto(dashboard.url);
    await page.waitForSelector('#list tbody tr');
    await page.goto(`${dashboard.url}#/canary/test/podinfo`);
    await page.waitForSelector('#timeline li');
    expect(await page.title()).toBe('Aviary canaries'); // the injected scripts would set it to "pwned"
    expect(await page.$('img')).toBeNull();
    expect(alerted).toBe(false);
    expect(await textOf(page, '#summary')).toContain('reason <img src=x onerror="document.title=\'pwned\'">');
  }, 60_000);

  it('shows a banner with the reason when the canaries cannot be listed', async () => {
    const failing: CanarySource = {
      description: 'failing source',
      list: () =>
        Promise.reject(
          new Error('listing canaries.aviary.dev at https://10.0.0.1:6443: connect ECONNREFUSED'),
        ),
    };
    const dashboard = await serve(failing);
    const { page } = await openPage(browser);
    await page.goto(dashboard.url);
    await page.waitForSelector('.banner');
    expect(await textOf(page, '.banner')).toBe(
      'listing canaries.aviary.dev at https://10.0.0.1:6443: connect ECONNREFUSED',
    );
  }, 60_000);
});
