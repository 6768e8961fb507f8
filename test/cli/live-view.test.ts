/**
 * What the terminal views leave on screen, read back from a real terminal emulator (xterm.js headless):
 * one block per canary redrawn in place with its latest events under it, lines that must stay above it,
 * and plain lines without escape codes for --ci, a pipe, or NO_COLOR.
 */
import { Terminal } from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/api/types.js';
import type { ProgressSnapshot } from '../../src/progress/snapshot.js';
import { viewFor } from '../../src/progress/view-for.js';

function snapshot(canaryWeight: number, checks: CheckResult[] = []): ProgressSnapshot {
  return {
    title: 'podinfo (router :8080)',
    phase: 'Progressing',
    canaryWeight,
    maxWeight: 50,
    failedChecks: 0,
    threshold: 2,
    checks,
    elapsedMs: 3000,
  };
}

/** A stream that is a terminal of `columns` x 40, and what is on its screen. */
function terminal(columns = 100) {
  const term = new Terminal({ cols: columns, rows: 40, allowProposedApi: true });
  let written = '';
  const stream = {
    isTTY: true,
    columns,
    write(text: string) {
      written += text;
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  const screen = async (): Promise<string[]> => {
    await new Promise<void>((resolve) => term.write(written.replace(/\n/g, '\r\n'), resolve));
    written = '';
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  };
  return { stream, screen, raw: () => written };
}

const noColor = process.env.NO_COLOR;
afterEach(() => {
  if (noColor === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = noColor;
});

describe('terminal views', () => {
  it('redraws one block in place with the latest events under it', async () => {
    delete process.env.NO_COLOR;
    const { stream, screen } = terminal();
    const view = viewFor({ ci: false }, stream);
    view.line('Release 1 of 2: v1 -> v2');
    view.update(snapshot(0));
    view.event('Normal', 'New revision detected! Scaling up podinfo.test');
    view.event('Normal', 'Starting canary analysis for podinfo.test');
    for (let weight = 5; weight <= 30; weight += 5) {
      view.update(
        snapshot(weight, [
          { name: 'request-success-rate', decision: 'pass', value: 99.9, threshold: '>= 99', message: 'ok' },
        ]),
      );
      view.event('Normal', `Advance podinfo.test canary weight ${weight}`);
    }
    view.event('Warning', 'Halt advancement podinfo.test request-duration 612 > 500');

    const lines = await screen();
    expect(lines[0]).toBe('Release 1 of 2: v1 -> v2');
    // One block, not one per tick.
    expect(lines.filter((l) => l.startsWith('podinfo (router :8080)'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('Progressing'))).toHaveLength(1);
    expect(lines[1]).toBe('podinfo (router :8080)');
    expect(lines[2]).toMatch(/Progressing\s+canary \[█+░+\]\s+30%/);
    expect(lines[3]).toMatch(/ok\s+request-success-rate\s+99\.90\s+want >= 99/);
    // The events under the block, oldest first, the newest eight only.
    const events = lines.slice(4);
    expect(events).toHaveLength(8);
    expect(lines.join('\n')).not.toContain('New revision detected');
    expect(events[0]).toBe('  · Starting canary analysis for podinfo.test');
    expect(events[1]).toContain('canary weight 5');
    expect(events[6]).toContain('canary weight 30');
    expect(events[7]).toBe('  ! Halt advancement podinfo.test request-duration 612 > 500');

    // A second release's block starts under the first, which stays as it ended.
    view.close();
    view.line('Release 2 of 2: v2 -> v3');
    view.update(snapshot(5));
    const after = await screen();
    expect(after.slice(0, lines.length)).toEqual(lines);
    expect(after[lines.length]).toBe('Release 2 of 2: v2 -> v3');
    expect(after[lines.length + 2]).toMatch(/Progressing\s+canary \[.+\]\s+5%/);
  });

  it('plain lines without escape codes for --ci and with NO_COLOR', async () => {
    for (const [ci, env] of [
      [true, undefined],
      [false, '1'],
    ] as const) {
      if (env === undefined) delete process.env.NO_COLOR;
      else process.env.NO_COLOR = env;
      const { stream, raw } = terminal();
      const view = viewFor({ ci }, stream);
      view.update(snapshot(10));
      view.event('Normal', 'Advance podinfo.test canary weight 10');
      view.update(snapshot(10)); // nothing changed: no new line
      view.update(snapshot(15));
      const text = raw();
      expect(text).not.toContain('\x1b');
      expect(text.split('\n').filter((l) => /Progressing/.test(l))).toHaveLength(2);
      expect(text).toContain('- Advance podinfo.test canary weight 10');
    }
  });
});
