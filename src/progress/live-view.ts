/**
 * The interactive view: one block per canary — title, phase and weight bar, each check against its
 * threshold, then the latest events under it — redrawn in place with plain ANSI cursor moves, so the
 * screen shows the release as it is now rather than a scroll of every tick. Lines that must stay (a
 * heading, a result) are printed above the block. On close the block is left on screen, final.
 */
import { checkLine, summaryLine } from './format.js';
import type { ProgressSnapshot, ProgressView } from './snapshot.js';

const CLEAR_LINE = '\x1b[2K';
const up = (n: number) => (n > 0 ? `\x1b[${n}A` : '');
const color = (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m`;
/** Events kept under the block: the newest few, so the block fits a terminal. */
const EVENTS_SHOWN = 8;

interface ShownEvent {
  type: 'Normal' | 'Warning';
  message: string;
}

export function liveView(stream: NodeJS.WriteStream = process.stdout): ProgressView {
  let height = 0;
  let last: ProgressSnapshot | undefined;
  let events: ShownEvent[] = [];
  // A line wider than the terminal wraps onto two rows, and erasing `height` rows would then leave its
  // first half behind on every redraw: cut each line to the width.
  const fit = (text: string) => {
    const width = stream.columns;
    if (!width || text.length < width) return text;
    return `${text.slice(0, Math.max(1, width - 2))}…`;
  };

  const erase = () => {
    if (height === 0) return;
    stream.write(`${up(height)}\r`);
    for (let i = 0; i < height; i++) stream.write(`${CLEAR_LINE}\n`);
    stream.write(`${up(height)}\r`);
    height = 0;
  };

  const blockLines = (): string[] => {
    const lines: string[] = [];
    if (last) {
      lines.push(color(1, fit(last.title)), fit(summaryLine(last)));
      for (const c of last.checks) {
        const code = c.decision === 'fail' ? 31 : c.decision === 'pass' ? 32 : 33;
        lines.push(color(code, fit(`  ${checkLine(c)}`)));
      }
    }
    for (const e of events) {
      const text = fit(`  ${e.type === 'Warning' ? '!' : '·'} ${e.message}`);
      lines.push(e.type === 'Warning' ? color(33, text) : color(2, text));
    }
    return lines;
  };

  const draw = () => {
    const lines = blockLines();
    if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
    height = lines.length;
  };

  const redraw = () => {
    erase();
    draw();
  };

  return {
    update(snapshot) {
      last = snapshot;
      redraw();
    },
    event(type, message) {
      events = [...events, { type, message }].slice(-EVENTS_SHOWN);
      redraw();
    },
    line(text) {
      erase();
      stream.write(`${text}\n`);
      draw();
    },
    close() {
      // The final block stays; the next block (the demo's second release) starts below it.
      height = 0;
      last = undefined;
      events = [];
    },
  };
}
