/**
 * The `--ci` view: plain lines, no colours or cursor movement, and a line only when something changed,
 * so a CI log reads as the release's story.
 */
import { checkLine, summaryLine } from './format.js';
import type { ProgressSnapshot, ProgressView } from './snapshot.js';

export function plainView(write: (text: string) => void = (t) => process.stdout.write(t)): ProgressView {
  let lastSummary = '';
  let lastChecks = '';
  return {
    update(snapshot: ProgressSnapshot) {
      const summary = `${snapshot.title}: ${snapshot.phase} weight=${snapshot.canaryWeight} failedChecks=${snapshot.failedChecks}`;
      if (summary !== lastSummary) {
        lastSummary = summary;
        write(`${summaryLine(snapshot, true)}\n`);
      }
      const checks = snapshot.checks.map(checkLine).join('\n');
      if (checks && checks !== lastChecks) {
        lastChecks = checks;
        write(`${checks.replace(/^/gm, '       ')}\n`);
      }
    },
    event(type, message) {
      write(`     ${type === 'Warning' ? '!' : '-'} ${message}\n`);
    },
    line(text) {
      write(`${text}\n`);
    },
    close() {},
  };
}
