/**
 * What stops a comparison before it starts, in the order it is judged: no traffic on either version,
 * too little on the canary, none on the primary. Each says what to check.
 */
import type { VerdictReason } from './verdict.js';

export interface ShortfallWords {
  /** "neither canary nor primary received requests" */
  none: string;
  /** "the primary received no requests" */
  primaryNone: string;
}

export function sampleShortfall(
  metric: string,
  samples: { canary: number; primary: number; min: number },
  during: string,
  words: ShortfallWords,
): { reason: VerdictReason; message: string } | undefined {
  const { canary, primary, min } = samples;
  if (canary === 0 && primary === 0) {
    return {
      reason: 'no-data',
      message: `${metric}: no data: ${words.none}${during} — check that traffic reaches the service and that its metrics are scraped`,
    };
  }
  if (canary < Math.max(min, 1)) {
    return {
      reason: 'not-enough-samples',
      message: `not enough traffic: ${canary} requests${during}, need ${min} — add a load-test webhook or lower minSamples`,
    };
  }
  if (primary === 0) {
    return {
      reason: 'no-data',
      message: `${metric}: ${words.primaryNone}${during}, nothing to compare the canary with — check the primary's routing weight and metrics`,
    };
  }
  return undefined;
}
