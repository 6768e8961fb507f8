/**
 * `aviary verify` as a function: count requests by version (by sending them, or from metrics), test the
 * counts against the configured weights, and say whether the split holds.
 */
import { testSplit, type SplitTest } from '../analysis/split-test.js';
import { countFromMetricsPage, countFromPrometheus, type MetricsPageOptions } from './read-counters.js';
import { sendRequests, type SendOptions } from './send-requests.js';
import { AviaryError } from '../errors.js';

export type CountSource =
  | ({ kind: 'requests' } & SendOptions)
  | ({ kind: 'metrics-page' } & MetricsPageOptions)
  | { kind: 'prometheus'; address: string; query: string; label: string; timeoutMs: number };

export interface VerifyOptions {
  source: CountSource;
  /** Percent by version; adds up to 100. */
  weights: Record<string, number>;
  /** e.g. 0.95 */
  confidence: number;
  /** Requests that may fail or name no version before the run counts as failed. */
  allowUnclassified?: number;
}

export interface VerifyResult {
  test: SplitTest;
  /** Versions that answered but have no weight (an old revision still serving, a wrong --weights). */
  unexpected: Record<string, number>;
  unclassified: number;
  reasons: string[];
  /** Whether the split holds: consistent, nothing unexpected, unclassified within the allowance. */
  ok: boolean;
}

export async function verifySplit(options: VerifyOptions): Promise<VerifyResult> {
  const { source } = options;
  let counts: Record<string, number>;
  let unclassified = 0;
  let reasons: string[] = [];
  if (source.kind === 'requests') {
    ({ counts, unclassified, reasons } = await sendRequests(source));
  } else if (source.kind === 'metrics-page') {
    counts = await countFromMetricsPage(source);
  } else {
    counts = await countFromPrometheus(source);
  }
  const unexpected = Object.fromEntries(
    Object.entries(counts).filter(([version, n]) => !(version in options.weights) && n > 0),
  );
  const test = testSplit(counts, options.weights, options.confidence);
  const ok =
    test.verdict === 'consistent' &&
    Object.keys(unexpected).length === 0 &&
    unclassified <= (options.allowUnclassified ?? 0);
  return { test, unexpected, unclassified, reasons, ok };
}

/** `v1=90,v2=10` -> { v1: 90, v2: 10 }; throws naming the flag and the fix. */
export function parseWeights(text: string): Record<string, number> {
  const weights: Record<string, number> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)=(\d+(?:\.\d+)?)%?$/.exec(part);
    if (!match)
      throw new AviaryError(
        'USAGE',
        `--weights: "${part}" is not version=percent, e.g. --weights v1=90,v2=10`,
      );
    const [, version, percent] = match as unknown as [string, string, string];
    if (version in weights) throw new AviaryError('USAGE', `--weights: ${version} is given twice`);
    weights[version] = Number(percent);
  }
  const names = Object.keys(weights);
  if (names.length < 2)
    throw new AviaryError('USAGE', '--weights: name at least two versions, e.g. --weights v1=90,v2=10');
  const sum = Object.values(weights).reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 100) > 1e-9) {
    throw new AviaryError('USAGE', `--weights: the weights add up to ${sum}, not 100 (${text})`);
  }
  return weights;
}
