/** The page as a browser renders it: headless Chromium loads the dashboard and dumps the DOM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type CanarySource, type Dashboard } from '../../src/dashboard/index.js';
import { chromiumAvailable, dumpDom, MISSING } from './chromium.js';
import { fixedSource, progressingCanary } from './support.js';

/** scripts/test.sh installs Chromium; without it this test fails with the fix rather than skipping. */
function requireChromium(): void {
  if (!chromiumAvailable()) throw new Error(MISSING);
}

/** The text of the DOM with tags removed and whitespace collapsed, as a person reads it. */
const textOf = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>|<script>[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(
      /&(lt|gt|quot|#39|amp);/g,
      (_, e: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[e] ?? '',
    )
    .replace(/\s+/g, ' ');

describe('dashboard in headless Chromium', () => {
  const dashboards: Dashboard[] = [];
  const serve = async (source: CanarySource) => {
    const dashboard = await startDashboard({ source, port: 0 });
    dashboards.push(dashboard);
    return dashboard;
  };
  let calls = 0;
  let polling: Dashboard;

  beforeAll(async () => {
    // First answer: Initializing at 0%; every later one: Progressing at 30%, so the DOM shows a re-render.
    polling = await serve({
      description: 'polling source',
      list: () =>
        Promise.resolve(
          calls++ === 0
            ? [{ ...progressingCanary('podinfo'), phase: 'Initializing', canaryWeight: 0 }]
            : [progressingCanary('podinfo')],
        ),
    });
  });
  afterAll(async () => {
    await Promise.all(dashboards.map((d) => d.close()));
  });

  it("shows the canary's name, phase, weight and checks, re-rendered by polling", async () => {
    requireChromium();
    const dom = await dumpDom(polling.url);
    expect(calls).toBeGreaterThanOrEqual(2);
    const text = textOf(dom);
    expect(dom).toMatch(/<section class="canary" data-canary="test\/podinfo">/);
    expect(dom).toContain('<span class="phase busy">Progressing</span>');
    expect(dom).toContain('style="width:30%"');
    expect(text).toContain('canary 30% of 50%');
    expect(text).toContain('failed checks 1 / 5');
    expect(text).toContain('request-success-rate pass 99.5 n=802 >= 99 success rate 99.5% >= 99%');
    expect(text).toContain('inconclusive 12.5 11 n=12 / n=300');
  });

  it('runs none of the markup in canary fields', async () => {
    requireChromium();
    const dom = await dumpDom((await serve(fixedSource([progressingCanary('podinfo')]))).url);
    expect(dom).toContain('<title>Aviary canaries</title>'); // the injected scripts would set it to "pwned"
    expect(dom).not.toMatch(/<img/);
    expect(dom).toContain('reason &lt;img src=x onerror="document.title=\'pwned\'"&gt;&lt;script&gt;');
  });

  it('shows a banner with the reason when the canaries cannot be listed', async () => {
    requireChromium();
    const failing: CanarySource = {
      description: 'failing source',
      list: () =>
        Promise.reject(
          new Error('listing canaries.aviary.dev at https://10.0.0.1:6443: connect ECONNREFUSED'),
        ),
    };
    const dom = await dumpDom((await serve(failing)).url);
    expect(dom).toContain(
      '<div id="banner"><div class="banner">listing canaries.aviary.dev at https://10.0.0.1:6443: connect ECONNREFUSED</div></div>',
    );
  });
});
