/** `aviary get canaries`: kubectl's table layout (upper-case headers, columns padded by three spaces). */
import { failureThreshold } from '../../api/defaults.js';
import type { CanaryRecord } from './reader.js';

/** kubectl's short ages: 45s, 5m12s, 42m, 5h3m, 3d4h, 12d. */
export function age(sinceIso: string | undefined, now: number): string {
  const since = sinceIso ? Date.parse(sinceIso) : NaN;
  if (!Number.isFinite(since)) return '<none>';
  const s = Math.max(0, Math.floor((now - since) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return d < 8 ? `${d}d${h % 24 ? `${h % 24}h` : ''}` : `${d}d`;
}

export function canaryTable(records: readonly CanaryRecord[], withNamespace: boolean, now: number): string {
  const header = [
    ...(withNamespace ? ['NAMESPACE'] : []),
    'NAME',
    'PHASE',
    'WEIGHT',
    'FAILED CHECKS',
    'LAST TRANSITION',
  ];
  const rows = records.map((r) => {
    const limit = r.canary ? `/${failureThreshold(r.canary.spec.analysis)}` : '';
    return [
      ...(withNamespace ? [r.namespace ?? ''] : []),
      r.name,
      `${r.status.phase ?? 'Unknown'}${r.status.paused ? ' (paused)' : ''}`,
      `${r.status.canaryWeight ?? 0}`,
      `${r.status.failedChecks ?? 0}${limit}`,
      age(r.status.lastTransitionTime, now),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]! + 3))).join(''))
    .join('\n');
}
