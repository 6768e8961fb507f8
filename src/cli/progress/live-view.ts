/**
 * The interactive view: a status block redrawn in place (phase, weight bar, each check against its
 * threshold) under a scrolling log of events. Falls back to nothing fancy: plain ANSI cursor moves.
 */
import { checkLine, summaryLine } from './format.js';
import type { ProgressSnapshot, ProgressView } from './snapshot.js';

const CLEAR_LINE = '\x1b[2K';
const up = (n: number) => (n > 0 ? `\x1b[${n}A` : '');
const color = (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m`;

export function liveView(stream: NodeJS.WriteStream = process.stdout): ProgressView {
  let blockHeight = 0;
  // A block line wider than the terminal wraps onto two rows, and erasing `blockHeight` rows would then
  // leave its first half behind on every redraw: cut each block line to the width (events may wrap, they
  // are never erased).
  const fit = (text: string) => {
    const width = stream.columns;
    if (!width || text.length < width) return text;
    return `${text.slice(0, Math.max(1, width - 2))}…`;
  };
  let last: ProgressSnapshot | undefined;

  const erase = () => {
    if (blockHeight === 0) return;
    stream.write(`${up(blockHeight)}\r`);
    for (let i = 0; i < blockHeight; i++) stream.write(`${CLEAR_LINE}\n`);
    stream.write(`${up(blockHeight)}\r`);
    blockHeight = 0;
  };

  const draw = () => {
    if (!last) return;
    const lines = [
      color(1, fit(last.title)),
      fit(summaryLine(last)),
      ...last.checks.map((c) => {
        const text = fit(`  ${checkLine(c)}`);
        return c.decision === 'fail'
          ? color(31, text)
          : c.decision === 'pass'
            ? color(32, text)
            : color(33, text);
      }),
    ];
    stream.write(`${lines.join('\n')}\n`);
    blockHeight = lines.length;
  };

  return {
    update(snapshot) {
      last = snapshot;
      erase();
      draw();
    },
    event(type, message) {
      erase();
      stream.write(`${type === 'Warning' ? color(33, '!') : color(2, '·')} ${message}\n`);
      draw();
    },
    line(text) {
      erase();
      stream.write(`${text}\n`);
      draw();
    },
    close() {
      erase();
      if (last) stream.write(`${summaryLine(last)}\n`);
      last = undefined;
    },
  };
}
