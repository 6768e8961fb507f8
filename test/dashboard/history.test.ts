/** The charts' history: one sample per change, every bound held, vanished canaries forgotten. */
import { describe, expect, it } from 'vitest';
import { HistoryStore, type CanaryView } from '../../src/dashboard/index.js';

const view = (name: string, weight: number, events: CanaryView['events'] = []): CanaryView => ({
  name,
  namespace: 'test',
  phase: 'Progressing',
  canaryWeight: weight,
  lastChecks: [{ name: 'request-success-rate', decision: 'pass', value: 99.5, message: 'ok' }],
  events,
});
const snapshot = (at: number, canaries: CanaryView[]) => ({
  source: 'test',
  generatedAt: new Date(at).toISOString(),
  canaries,
});

describe('dashboard history', () => {
  it('keeps a sample only when something shown changed, and at most the limit per canary', () => {
    const history = new HistoryStore({ samples: 3 });
    history.record(snapshot(1000, [view('a', 10)]));
    history.record(snapshot(2000, [view('a', 10)]));
    expect(history.get('test/a')?.samples.map((s) => s.t)).toEqual([1000]);
    for (const [t, w] of [
      [3000, 20],
      [4000, 30],
      [5000, 40],
    ])
      history.record(snapshot(t!, [view('a', w!)]));
    expect(history.get('test/a')?.samples.map((s) => [s.t, s.weight])).toEqual([
      [3000, 20],
      [4000, 30],
      [5000, 40],
    ]);
    expect(history.get('test/a')?.samples[0]?.checks).toEqual({
      'request-success-rate': { d: 'pass', v: 99.5 },
    });
  });

  it('keeps the newest events once each, and at most the limit', () => {
    const history = new HistoryStore({ events: 2 });
    const event = (n: number) => ({
      type: 'Normal',
      reason: 'Synced',
      message: `step ${n}`,
      time: new Date(n * 1000).toISOString(),
    });
    history.record(snapshot(1000, [view('a', 10, [event(1)])]));
    history.record(snapshot(2000, [view('a', 10, [event(2), event(1)])]));
    history.record(snapshot(3000, [view('a', 10, [event(3), event(2)])]));
    expect(history.get('test/a')?.events.map((e) => e.message)).toEqual(['step 2', 'step 3']);
  });

  it('forgets canaries no longer listed, holds the canary limit, and ignores a failed snapshot', () => {
    const history = new HistoryStore({ canaries: 2 });
    history.record(snapshot(1000, [view('a', 10), view('b', 10), view('c', 10)]));
    expect(history.size).toBe(2);
    expect(history.get('test/a')).toBeUndefined(); // the least recently seen goes first
    history.record({ ...snapshot(2000, []), error: 'API down' });
    expect(history.size).toBe(2);
    history.record(snapshot(3000, [view('c', 20)]));
    expect(history.size).toBe(1);
    expect(history.get('test/c')?.samples.map((s) => s.weight)).toEqual([10, 20]);
  });
});
