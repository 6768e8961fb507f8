/** Number formatting shared by the verdict messages, so every message reads the same way. */

/** 0.051 -> "5.10%". */
export function percent(proportion: number, decimals = 2): string {
  return `${(proportion * 100).toFixed(decimals)}%`;
}

/** A difference of proportions: one decimal when >= 1pp, else two, so 0.04pp does not print as 0.0. */
export function percentShort(proportion: number): string {
  return percent(proportion, Math.abs(proportion) >= 0.01 ? 1 : 2);
}

/** 0.01 -> "1.0pp". */
export function percentagePoints(proportion: number): string {
  return `${(proportion * 100).toFixed(1)}pp`;
}

/** Milliseconds with precision that suits their size: 0.42 ms, 12.3 ms, 481 ms. */
export function millis(ms: number): string {
  if (!Number.isFinite(ms)) return ms > 0 ? '∞ ms' : '-∞ ms';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/** 0.99 -> "p99", 0.5 -> "p50", 0.999 -> "p99.9". */
export function quantileName(q: number): string {
  return `p${Number((q * 100).toPrecision(6))}`;
}

/** A ratio such as 1.0734 -> "1.07", infinity -> "∞". */
export function ratio(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '∞';
}

/** 60000 -> "1m", 90000 -> "1m30s", 4000 -> "4s". */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds % 60;
  if (minutes < 60) return rest === 0 ? `${minutes}m` : `${minutes}m${rest}s`;
  const hours = Math.floor(minutes / 60);
  const restMinutes = minutes % 60;
  return restMinutes === 0 ? `${hours}h` : `${hours}h${restMinutes}m`;
}

/** A plain metric value: up to 4 significant digits, no exponent for everyday sizes. */
export function plain(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
