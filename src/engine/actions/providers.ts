/**
 * Flagger's metric provider check: every metric's server is asked whether it answers, when a canary is
 * initialized (Flagger does it there and says so) and again before a new revision gets any traffic
 * (Aviary: a release whose metrics cannot be read is not started, rather than failed by its checks).
 */
import { resolveTemplate } from '../../analysis/checks.js';
import type { Tick } from '../tick.js';

/** One line per server that did not answer (`<server> is offline: <reason>`); empty when all did. */
export async function offlineProviders(tick: Tick): Promise<string[]> {
  const { metrics, templates } = tick.ports;
  // A source with no server behind it (the local router's own counters) has nothing to be offline.
  if (!metrics.online) return [];
  const context = { canary: tick.canary, ...(templates ? { templates } : {}) };
  const offline = new Map<string, string>();
  for (const metric of tick.analysis.metrics ?? []) {
    const resolved = await resolveTemplate(metric, context);
    // A missing template is not a server to ask: its check fails with what to fix (analysis, validate).
    if ('failure' in resolved) continue;
    const check = await metrics.online({ canary: tick.canary, metric, intervalMs: 0, ...resolved });
    if (check && !check.online && !offline.has(check.server)) {
      offline.set(check.server, `${check.server} is offline: ${check.reason}`);
    }
  }
  return [...offline.values()];
}
