/** Plain-text pieces of the progress display, shared by the live (TTY) and the plain (--ci) views. */
import type { CheckResult } from '../api/types.js';
import type { ProgressSnapshot } from './snapshot.js';

const BAR_WIDTH = 20;

/** `[████░░░░░░░░░░░░░░░░]  20%` — the canary's share of traffic. */
export function weightBar(weight: number, ascii = false): string {
  const filled = Math.round((Math.max(0, Math.min(100, weight)) / 100) * BAR_WIDTH);
  const [on, off] = ascii ? ['#', '.'] : ['█', '░'];
  return `[${on.repeat(filled)}${off.repeat(BAR_WIDTH - filled)}] ${String(weight).padStart(3)}%`;
}

const DECISION_MARK: Record<CheckResult['decision'], string> = {
  pass: 'ok  ',
  fail: 'FAIL',
  inconclusive: 'wait',
};

/** One check: `ok   request-success-rate  99.87 (n=412)  >= 99` plus the primary's value when compared. */
export function checkLine(check: CheckResult): string {
  const value = check.value === undefined ? '—' : formatNumber(check.value);
  const samples = check.samples === undefined ? '' : ` (n=${check.samples})`;
  const primary =
    check.primaryValue === undefined
      ? ''
      : `  primary ${formatNumber(check.primaryValue)}${check.primarySamples === undefined ? '' : ` (n=${check.primarySamples})`}`;
  const threshold = check.threshold ? `  want ${check.threshold}` : '';
  return `${DECISION_MARK[check.decision]} ${check.name.padEnd(22)} ${value}${samples}${primary}${threshold}`;
}

export function summaryLine(s: ProgressSnapshot, ascii = false): string {
  const seconds = (s.elapsedMs / 1000).toFixed(0).padStart(3);
  const failed = s.failedChecks > 0 ? `  failed checks ${s.failedChecks}/${s.threshold}` : '';
  const requests = s.requests === undefined ? '' : `  requests ${s.requests}`;
  return `${seconds}s  ${s.phase.padEnd(16)} canary ${weightBar(s.canaryWeight, ascii)}${failed}${requests}`;
}

function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(2);
}
