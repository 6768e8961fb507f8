/** The A/A releases as a table: outcomes per policy, each not-promoted rate with its exact 95% interval. */
import type { AaRelease } from './aa.js';
import { clopperPearson } from './binomial.js';
import type { Policy } from './policies.js';

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function rate(k: number, n: number): string {
  if (n === 0) return 'n/a';
  const [lo, hi] = clopperPearson(k, n);
  return `${pct(k / n)} [${pct(lo)}, ${pct(hi)}]`;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function aaTable(results: AaRelease[], policies: Policy[]): string[] {
  return [
    '| policy | A/A releases | promoted | rolled back: failed checks | insufficient traffic | rolled back: other cause | did not finish | false rollbacks (95% CI) | not promoted (95% CI) | time to promotion: median (min-max) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...policies.map((p) => {
      const mine = results.filter((r) => r.policy === p.id);
      const count = (o: AaRelease['outcome']) => mine.filter((r) => r.outcome === o).length;
      // Rates over the releases that reached a verdict; one that did not finish says nothing about it.
      const decided = mine.length - count('did not finish');
      const promotions = mine.filter((r) => r.outcome === 'promoted').map((r) => r.seconds);
      const times =
        promotions.length === 0
          ? 'n/a'
          : `${median(promotions).toFixed(0)} s (${Math.min(...promotions).toFixed(0)}-${Math.max(...promotions).toFixed(0)})`;
      return `| ${p.name} | ${mine.length} | ${count('promoted')} | ${count('failed checks')} | ${count('insufficient traffic')} | ${count('other rollback')} | ${count('did not finish')} | ${rate(count('failed checks'), decided)} | ${rate(decided - count('promoted'), decided)} | ${times} |`;
    }),
  ];
}
