/**
 * Count templates: a MetricTemplate whose query uses `{{ outcome }}` counts requests (`outcome` =
 * `requests`) or failed requests (`errors`) instead of returning a ratio. From the two counts Aviary
 * derives the success rate in percent, the sample size behind it (so minSamples works), and, rendered
 * once for the canary and once for the primary (`{{ target }}` = `<target>-primary`), the outcomes the
 * compareWithPrimary judge needs. Any provider whose query language can count works.
 */
import type { Canary, CanaryMetric, MetricTemplate } from '../../api/types.js';
import type { MetricReading, VersionSample } from '../../engine/ports.js';
import { renderQuery, templateModel } from '../template.js';
import type { MetricReader } from './types.js';

const OUTCOME = /\{\{-?[^}]*\boutcome\b[^}]*-?\}\}/;

export function isCountTemplate(template: MetricTemplate): boolean {
  return OUTCOME.test(template.spec.query);
}

export type Version = 'canary' | 'primary';

/** Renders the template for one version and outcome. */
export function renderCount(
  template: MetricTemplate,
  canary: Canary,
  metric: CanaryMetric,
  interval: string,
  version: Version,
  outcome: 'requests' | 'errors',
): string {
  const model = templateModel(canary, { ...metric, interval });
  if (version === 'primary') model.target = `${model.target}-primary`;
  return renderQuery(template.spec.query, { ...model, outcome });
}

/** Requests and errors of one version, or the reading that explains why there are none. */
export async function countVersion(
  reader: MetricReader,
  render: (outcome: 'requests' | 'errors') => string,
  version: Version,
  intervalMs: number,
): Promise<VersionSample | NoCount> {
  const window = { intervalMs, mode: 'count' } as const;
  const [requests, errors] = await Promise.all([
    reader.read(render('requests'), window),
    reader.read(render('errors'), window),
  ]);
  if (requests.kind !== 'value') return { ...requests, reason: `${version} requests: ${requests.reason}` };
  // Error series often do not exist until the first error: no data there is zero errors, not a hole.
  if (errors.kind === 'error') return { ...errors, reason: `${version} errors: ${errors.reason}` };
  const errorCount = errors.kind === 'value' ? errors.value : 0;
  if (requests.value < 0 || errorCount < 0 || errorCount > requests.value) {
    return {
      kind: 'error',
      reason: `${version}: the count template gave ${errorCount} errors out of ${requests.value} requests; the counts must satisfy 0 <= errors <= requests`,
    };
  }
  return { requests: Math.round(requests.value), errors: Math.round(errorCount) };
}

/** Why a version has no counts. */
export type NoCount = Exclude<MetricReading, { kind: 'value' }>;

export function isSample(value: VersionSample | NoCount): value is VersionSample {
  return 'requests' in value;
}

/** The success rate in percent with its sample size; no requests at all is no data. */
export function successRate(sample: VersionSample): MetricReading {
  if (sample.requests === 0)
    return { kind: 'no-data', reason: 'the count template counted no requests in the window' };
  return {
    kind: 'value',
    value: (100 * (sample.requests - sample.errors)) / sample.requests,
    samples: sample.requests,
  };
}
