/**
 * The load tester's timeouts (`--timeout`, a webhook's `metadata.timeout`): Go durations as everywhere in
 * Aviary (src/api/duration.ts), and also a bare number of seconds, as `timeout 30` users write it.
 */
import { parseDuration } from '../api/duration.js';

export function parseTimeout(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const ms = parseDuration(trimmed);
  return ms === undefined ? undefined : Math.round(ms);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  return `${+(ms / 3_600_000).toFixed(2)}h`;
}
