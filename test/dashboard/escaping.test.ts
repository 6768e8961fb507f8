/**
 * No canary field reaches the page as markup: the page's render functions (the same script the browser
 * runs) are evaluated in node:vm over a canary whose every text field carries HTML.
 */
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { CLIENT_SCRIPT } from '../../src/dashboard/client-script.js';
import { startDashboard, type CanaryView } from '../../src/dashboard/index.js';
import { fixedSource, INJECTION, progressingCanary } from './support.js';

interface Render {
  renderCanaries(snapshot: { source: string; canaries: CanaryView[]; error?: string }, now: number): string;
  renderBanner(error: string | undefined): string;
}
const render = runInNewContext(`${CLIENT_SCRIPT}; ({ renderCanaries, renderBanner })`, {}) as Render;

describe('dashboard: escaping', () => {
  it('renders every text field as text', () => {
    const hostile: CanaryView = {
      ...progressingCanary(INJECTION),
      namespace: INJECTION,
      phase: `Progressing" onmouseover="alert(1)`,
      canaryWeight: '30%"><script>x</script>' as unknown as number,
      eventsError: INJECTION,
    };
    const html = render.renderCanaries({ source: INJECTION, canaries: [hostile] }, Date.now());
    expect(html).not.toMatch(/<img|<script|\son\w+="/);
    expect(html).toContain('&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;');
    // Class names come from fixed tables, and a weight that is not a number is no width at all.
    expect(html).toContain('<span class="phase idle">Progressing&quot; onmouseover=&quot;alert(1)</span>');
    expect(html).toContain('style="width:0%"');
  });

  it('renders the banner and the empty list as text', () => {
    expect(render.renderBanner(`API down ${INJECTION}`)).not.toMatch(/<img|<script/);
    expect(render.renderCanaries({ source: INJECTION, canaries: [] }, 0)).not.toMatch(/<img|<script/);
  });

  it('the page forbids any script but its own', async () => {
    const dashboard = await startDashboard({ source: fixedSource([]), port: 0 });
    try {
      const res = await fetch(dashboard.url);
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'sha256-[A-Za-z0-9+/]+=*'/);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain(CLIENT_SCRIPT);
      expect((await fetch(dashboard.url, { method: 'POST' })).status).toBe(405);
      expect((await fetch(`${dashboard.url}nothing`)).status).toBe(404);
    } finally {
      await dashboard.close();
    }
  });
});
