/** The text `aviary verify` prints: one row per version, then the verdict in one line. */
import type { VerifyResult } from './verify.js';

const pct = (part: number, total: number) => (total === 0 ? '–' : `${((100 * part) / total).toFixed(1)}%`);

export function formatPValue(p: number): string {
  return p >= 0.001 ? p.toFixed(3) : p.toExponential(1);
}

export function formatReport(result: VerifyResult): string {
  const { test } = result;
  const confidence = `${Math.round(test.confidence * 1000) / 10}%`;
  const rows = [
    ['version', 'requests', 'share', 'weight', `expected at ${confidence}`],
    ...test.versions.map((v) => [
      v.version,
      String(v.count),
      pct(v.count, test.total),
      `${v.weight}%`,
      `${v.expected[0]}-${v.expected[1]} (${pct(v.expected[0], test.total)}-${pct(v.expected[1], test.total)})`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  lines.push('');
  for (const [version, n] of Object.entries(result.unexpected)) {
    lines.push(`unexpected version ${version}: ${n} requests (not in --weights)`);
  }
  if (result.unclassified > 0) {
    lines.push(`${result.unclassified} requests named no version: ${result.reasons.join('; ')}`);
  }
  lines.push(`${test.method} test over ${test.total} requests: p = ${formatPValue(test.pValue)}`);
  lines.push(verdictLine(result));
  return `${lines.join('\n')}\n`;
}

function verdictLine(result: VerifyResult): string {
  const { test } = result;
  const alpha = formatPValue(1 - test.confidence);
  if (test.verdict === 'mismatch')
    return `SPLIT OFF: the shares differ from the weights beyond chance (p < ${alpha})`;
  if (test.verdict === 'too-few') {
    return `CANNOT TELL: ${test.total} requests are too few to detect a wrong split; send at least ${test.needed}`;
  }
  if (Object.keys(result.unexpected).length > 0) return 'SPLIT OFF: a version outside --weights answered';
  if (!result.ok) return 'CANNOT TELL: too many requests named no version (see above; --allow-unclassified)';
  return `OK: the split is consistent with the weights (p >= ${alpha})`;
}
