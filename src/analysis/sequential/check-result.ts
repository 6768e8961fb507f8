/** A verdict as the Canary status stores it (status.lastChecks[]). */
import type { CheckResult } from '../../api/types.js';
import { percentagePoints, plain, quantileName } from './format.js';
import type { Verdict, VerdictThreshold } from './verdict.js';

export function describeThreshold(threshold: VerdictThreshold): string {
  switch (threshold.kind) {
    case 'margin':
      return `canary <= primary + ${percentagePoints(threshold.maxIncrease)}`;
    case 'relative': {
      const ms = threshold.maxIncreaseMs > 0 ? ` + ${plain(threshold.maxIncreaseMs)} ms` : '';
      return `${quantileName(threshold.quantile)} canary <= primary + ${plain(threshold.maxIncreasePercent)}%${ms}`;
    }
    case 'range': {
      const parts: string[] = [];
      if (threshold.min !== null) parts.push(`>= ${plain(threshold.min)}`);
      if (threshold.max !== null) parts.push(`<= ${plain(threshold.max)}`);
      return parts.join(' and ');
    }
  }
}

export function toCheckResult(verdict: Verdict): CheckResult {
  return {
    name: verdict.metric,
    decision: verdict.decision,
    ...(verdict.canaryValue === null ? {} : { value: verdict.canaryValue }),
    ...(verdict.primaryValue === null ? {} : { primaryValue: verdict.primaryValue }),
    samples: verdict.canarySamples,
    ...(verdict.primarySamples === null ? {} : { primarySamples: verdict.primarySamples }),
    threshold: describeThreshold(verdict.threshold),
    message: verdict.message,
  };
}
