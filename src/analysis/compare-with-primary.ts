/**
 * The `compareWithPrimary` check: reads request outcomes of canary and primary since the analysis began
 * and asks the sequential judge (./sequential) whether the canary is worse than the primary by more
 * than the margin. Cumulative counts since the analysis started are what keep the judge's false-alarm
 * bound valid however often it looks; the engine resets that start on every new revision.
 */
import type { CheckResult } from '../api/types.js';
import type { CheckRunner } from './checks.js';
import {
  compareErrorRates,
  compareLatency,
  errorRateOptionsFromSpec,
  latencyOptionsFromSpec,
  toCheckResult,
} from './sequential/index.js';

const JUDGES: Record<string, 'error-rate' | 'latency'> = {
  'request-success-rate': 'error-rate',
  'request-duration': 'latency',
};

export const compareWithPrimaryRunner: CheckRunner = {
  async run(metric, context): Promise<CheckResult> {
    const spec = metric.compareWithPrimary ?? {};
    const judge = JUDGES[metric.name];
    const fail = (message: string): CheckResult => ({ name: metric.name, decision: 'fail', message });
    if (!judge) {
      return fail(
        `${metric.name}: compareWithPrimary works with the builtin request-success-rate and request-duration metrics — use thresholdRange for custom queries`,
      );
    }
    if (!context.metrics.outcomes) {
      return fail(
        `${metric.name}: this metric source cannot split requests by version, so it cannot compare with the primary`,
      );
    }
    const reading = await context.metrics.outcomes(context.canary, metric, context.analysisStartedAtMs);
    if (reading.kind === 'error') return fail(`${metric.name}: ${reading.reason}`);
    const elapsedMs = Math.max(0, context.now - context.analysisStartedAtMs);
    if (reading.kind === 'no-data') {
      // No requests at all is starvation, not evidence against the canary: hold the step.
      const verdict = compareErrorRates(
        { canary: { requests: 0, errors: 0 }, primary: { requests: 0, errors: 0 }, elapsedMs },
        errorRateOptionsFromSpec(metric.name, spec),
      );
      return { ...asErrorPercent(toCheckResult(verdict)), message: `${verdict.message} (${reading.reason})` };
    }
    const { canary, primary } = reading;
    const verdict =
      judge === 'error-rate'
        ? compareErrorRates(
            {
              canary: { requests: canary.requests, errors: canary.errors },
              primary: { requests: primary.requests, errors: primary.errors },
              elapsedMs,
            },
            errorRateOptionsFromSpec(metric.name, spec),
          )
        : compareLatency(
            { canary: canary.latenciesMs ?? [], primary: primary.latenciesMs ?? [], elapsedMs },
            latencyOptionsFromSpec(metric.name, spec),
          );
    // A fail backed by evidence is final (rolls back at once). Counts the judge cannot use are a broken
    // metric source, not too little traffic: an ordinary failed check, so inconclusive always means traffic.
    const result = judge === 'error-rate' ? asErrorPercent(toCheckResult(verdict)) : toCheckResult(verdict);
    if (verdict.reason === 'invalid-input') return { ...result, decision: 'fail' };
    return verdict.decision === 'fail' && verdict.reason === 'evidence' ? { ...result, final: true } : result;
  },
};

/** The judge works in proportions; the status shows error rates in percent, like the success-rate check. */
function asErrorPercent(result: CheckResult): CheckResult {
  return {
    ...result,
    ...(result.value === undefined ? {} : { value: result.value * 100 }),
    ...(result.primaryValue === undefined ? {} : { primaryValue: result.primaryValue * 100 }),
    ...(result.threshold ? { threshold: `error rate ${result.threshold}` } : {}),
  };
}
