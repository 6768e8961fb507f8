import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHASES } from '../../api/schema/status.js';
import type { Phase } from '../../api/types.js';
import { FAILING_METRICS, createWorld, podinfoCanary, type World } from '../testing/index.js';
import { Tick } from '../tick.js';
import { PHASE_HANDLERS } from './index.js';
import { ENDED_PHASES, IDLE_PHASES, MANAGED_PHASES, PHASE_TABLE, mayGo } from './table.js';

const engineDir = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'testing' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every phase change the world's status store saw, as `from -> to`. */
function transitions(world: World): string[] {
  const seen: string[] = [];
  let from: Phase = 'Initializing';
  for (const status of world.store.history) {
    const to = status.phase ?? 'Initializing';
    if (to !== from) seen.push(`${from} -> ${to}`);
    from = to;
  }
  return seen;
}

describe('the phase table', () => {
  it('refuses a goto it does not declare, before anything is written', () => {
    const world = createWorld();
    const tick = new Tick({ ...world.canary, status: { phase: 'Finalising' } }, world.ports);
    expect(() => tick.goto('Waiting')).toThrow(
      expect.objectContaining({
        code: 'INTERNAL',
        message: 'podinfo.test: Finalising -> Waiting is not in the phase table',
      }),
    );
    expect(tick.goto('Succeeded').phase).toBe('Succeeded');
    expect(world.store.history).toHaveLength(0);
  });

  it('declares a handler for every phase, and every goto in the engine targets a phase some phase may go to', () => {
    expect(Object.keys(PHASE_HANDLERS).sort()).toEqual([...PHASES].sort());
    const reachable = new Set(PHASES.flatMap((p) => [...PHASE_TABLE[p].next]));
    reachable.add('Terminating');
    const targets = new Set<string>();
    for (const file of sources(engineDir)) {
      for (const match of readFileSync(file, 'utf8').matchAll(/\.goto\('(\w+)'/g)) targets.add(match[1]!);
    }
    expect(targets.size).toBeGreaterThan(8);
    for (const target of targets) expect(reachable, `goto('${target}')`).toContain(target);
  });

  it('holds every transition of a release that succeeds, one that fails, a skipped analysis and a deletion', async () => {
    const seen = new Set<string>();
    const worlds = [
      createWorld(),
      createWorld({ metrics: FAILING_METRICS }),
      createWorld({ canary: podinfoCanary({}, { skipAnalysis: true }) }),
      createWorld({ canary: podinfoCanary({}, { revertOnDeletion: true }) }),
    ];
    for (const world of worlds) {
      await world.initializeThenDeploy();
      await world.runUntil((w) => ENDED_PHASES.has(w.phase ?? 'Initializing'), 30);
    }
    const deleted = worlds[3]!;
    deleted.canary.metadata.deletionTimestamp = '2025-01-01T01:00:00Z';
    await deleted.runUntil('Terminated', 3);
    for (const world of worlds) for (const t of transitions(world)) seen.add(t);
    for (const t of seen) {
      const [from, to] = t.split(' -> ') as [Phase, Phase];
      expect(mayGo(from, to), t).toBe(true);
    }
    expect([...seen].sort()).toEqual([
      'Finalising -> Succeeded',
      'Initialized -> Progressing',
      'Initializing -> Initialized',
      'Progressing -> Failed',
      'Progressing -> Promoting',
      'Progressing -> Succeeded',
      'Promoting -> Finalising',
      'Succeeded -> Terminating',
      'Terminating -> Terminated',
    ]);
  });

  it('gives the controller, the engine and the local runner the phase sets they used to spell out', () => {
    // Every phase but the three where the primary or the routing may not exist (yet, or any more).
    const unmanaged = ['Initializing', 'Terminating', 'Terminated'];
    expect([...MANAGED_PHASES]).toEqual(PHASES.filter((p) => !unmanaged.includes(p)));
    expect([...IDLE_PHASES]).toEqual(['Initialized', 'Waiting', 'Succeeded', 'Failed']);
    expect([...ENDED_PHASES]).toEqual(['Succeeded', 'Failed']);
    expect(PHASE_TABLE.Terminated.next).toEqual([]);
    expect(mayGo('Terminated', 'Terminating')).toBe(false);
  });
});
