/**
 * No canary field reaches the page as markup: the page's render functions (the same script the browser
 * runs) are evaluated in node:vm over a canary whose every text field carries HTML.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCRIPT } from '../../src/dashboard/client-script.js';
import { startDashboard, type CanaryView } from '../../src/dashboard/index.js';
import { fixedSource, INJECTION, progressingCanary } from './support.js';

interface Detail {
  generatedAt: string;
  canary: CanaryView;
  samples: { t: number; checks: Record<string, { d: string; v?: number }> }[];
  events: CanaryView['events'];
  actions: string[];
}
interface Render {
  renderListRows(canaries: CanaryView[], now: number): string;
  renderEmpty(snapshot: { source: string }): string;
  renderBanner(error: string | undefined): string;
  renderSummary(detail: Detail, now: number): string;
  renderVerdicts(detail: Detail): string;
  renderTimeline(detail: Detail, now: number): string;
  renderActions(detail: Detail): string;
}
const render = runInNewContext(
  `${CLIENT_SCRIPT}; ({ renderListRows, renderEmpty, renderBanner, renderSummary, renderVerdicts, renderTimeline, renderActions })`,
  {},
) as Render;

const MARKUP = /<img|<script|\son\w+="/;

describe('dashboard: escaping', () => {
  const hostile: CanaryView = {
    ...progressingCanary(INJECTION),
    namespace: INJECTION,
    phase: `Progressing" onmouseover="alert(1)`,
    canaryWeight: '30%"><script>x</script>' as unknown as number,
    eventsError: INJECTION,
  };

  it('renders every text field of the list as text', () => {
    const html = render.renderListRows([hostile], Date.now());
    expect(html).not.toMatch(MARKUP);
    expect(html).toContain('&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;');
    // Class names come from fixed tables, and a weight that is not a number is no width at all.
    expect(html).toContain('<span class="phase idle">Progressing&quot; onmouseover=&quot;alert(1)</span>');
    expect(html).toContain('style="width:0%"');
  });

  it('renders every text field of one canary as text', () => {
    const detail: Detail = {
      generatedAt: new Date().toISOString(),
      canary: hostile,
      samples: [{ t: Date.now(), checks: { [INJECTION]: { d: INJECTION, v: 1 } } }],
      events: [{ type: INJECTION, reason: INJECTION, message: INJECTION, time: INJECTION }],
      actions: ['promote', INJECTION],
    };
    for (const html of [
      render.renderSummary(detail, Date.now()),
      render.renderVerdicts(detail),
      render.renderTimeline(detail, Date.now()),
      render.renderActions(detail),
    ]) {
      expect(html).not.toMatch(MARKUP);
    }
  });

  it('renders the banner and the empty list as text', () => {
    expect(render.renderBanner(`API down ${INJECTION}`)).not.toMatch(MARKUP);
    expect(render.renderEmpty({ source: INJECTION })).not.toMatch(MARKUP);
  });

  it('the page forbids any script but its own and the chart library it serves', async () => {
    const dashboard = await startDashboard({ source: fixedSource([]), port: 0 });
    try {
      const res = await fetch(dashboard.url);
      expect(res.headers.get('content-security-policy')).toMatch(
        /script-src 'self' 'sha256-[A-Za-z0-9+/]+=*'/,
      );
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain(CLIENT_SCRIPT);
      const uplot = await fetch(`${dashboard.url}assets/uplot.js`);
      expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await uplot.text()).toMatch(/uPlot/);
      expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${dashboard.url}nothing`)).status).toBe(404);
    } finally {
      await dashboard.close();
    }
  });
});
