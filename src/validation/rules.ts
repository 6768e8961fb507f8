/**
 * Rules across fields that a JSON schema cannot say: the ones Flagger enforces (its CRD oneOf, its
 * admission-time checks) and the ones users trip on (a step larger than the maximum, a metric that can
 * never fail). Each rule reads a schema-valid spec and returns problems with a fix.
 */
import {
  analysisIntervalMs,
  defaultMetricsPort,
  KUBERNETES_BLUE_GREEN_ITERATIONS,
  maxWeight,
  TOTAL_WEIGHT,
} from '../api/defaults.js';
import { formatDuration, parseDuration } from '../api/duration.js';
import { hasMetricReader, METRIC_PROVIDERS, OTHER_READERS } from '../metrics/providers/index.js';
import { BUILTIN_METRICS, isBuiltinMetric } from '../api/builtin-metrics.js';
import { MAX_LABEL, nameProblem } from '../api/names.js';
import type { FieldProblem } from '../api/problems.js';
import { matchRules } from '../api/match-rules.js';
import { routingRules } from '../api/routing-rules.js';
import { workloadRules } from '../api/workload-rules.js';
import type {
  AlertProviderSpec,
  CanaryAnalysis,
  CanaryMetric,
  CanarySpec,
  MetricTemplateSpec,
  Provider,
} from '../api/types.js';

export const MIN_ANALYSIS_INTERVAL_MS = 10_000;
/** Flagger keeps progressDeadlineSeconds in an int32. */
export const MAX_PROGRESS_DEADLINE_SECONDS = 2 ** 31 - 1;
/** The suffixes Aviary (as Flagger) adds to the service name; Service names are DNS-1123 labels. */
const LONGEST_SERVICE_SUFFIX = '-primary';

const A = 'spec.analysis';

/** `meshProvider`: the controller's --mesh-provider, which routes a Canary without spec.provider. */
export function canaryRules(spec: CanarySpec, meshProvider?: Provider): FieldProblem[] {
  const analysis = spec.analysis;
  return [
    ...progressionRules(spec, analysis),
    ...weightRules(analysis),
    ...intervalRules(analysis, spec.provider === 'local'),
    ...sessionAffinityRules(analysis),
    ...metricRules(analysis),
    ...webhookRules(analysis),
    ...duplicateNames(analysis.alerts, `${A}.alerts`, 'alert'),
    ...alertRefRules(analysis),
    ...targetRules(spec),
    ...workloadRules(spec),
    ...localRuntimeRules(spec),
    ...routingRules(spec, meshProvider),
    ...matchRules(spec),
  ];
}

/**
 * Names Aviary derives objects from: the target (`<name>-primary` Deployment) and the service name
 * (`<name>-primary` and `<name>-canary` Services, local process and record names).
 */
function targetRules(spec: CanarySpec): FieldProblem[] {
  const out: FieldProblem[] = [
    ...nameProblem(spec.targetRef.name, 'spec.targetRef.name'),
    ...nameProblem(spec.autoscalerRef?.name, 'spec.autoscalerRef.name'),
  ];
  const apexMax = MAX_LABEL - LONGEST_SERVICE_SUFFIX.length;
  if (spec.service.name !== undefined) {
    out.push(...nameProblem(spec.service.name, 'spec.service.name', 'label', apexMax));
  } else if (!nameProblem(spec.targetRef.name, 'spec.targetRef.name').length) {
    const apex = nameProblem(spec.targetRef.name, 'spec.targetRef.name', 'label', apexMax);
    out.push(
      ...apex.map((p) => ({
        ...p,
        message: `${p.message}, and it names the Services (<name>${LONGEST_SERVICE_SUFFIX}) as service.name is not set`,
        fix: `${p.fix}, or set service.name to a name of at most ${apexMax} characters`,
      })),
    );
  }
  if (
    spec.progressDeadlineSeconds !== undefined &&
    spec.progressDeadlineSeconds > MAX_PROGRESS_DEADLINE_SECONDS
  ) {
    out.push({
      path: 'spec.progressDeadlineSeconds',
      message: `${spec.progressDeadlineSeconds} does not fit in an int32 (Flagger's type for it)`,
      fix: 'use a number of seconds such as 600',
    });
  }
  return out;
}

function alertRefRules(a: CanaryAnalysis): FieldProblem[] {
  return (a.alerts ?? []).flatMap((alert, i) => [
    ...nameProblem(alert.providerRef.name, `${A}.alerts[${i}].providerRef.name`),
    ...nameProblem(alert.providerRef.namespace, `${A}.alerts[${i}].providerRef.namespace`, 'label'),
  ]);
}

function progressionRules(spec: CanarySpec, a: CanaryAnalysis): FieldProblem[] {
  const out: FieldProblem[] = [];
  const iterations = a.iterations ?? 0;
  const stepWeight = a.stepWeight ?? 0;
  const steps = a.stepWeights ?? [];
  if (iterations <= 0 && stepWeight <= 0 && steps.length === 0) {
    out.push({
      path: A,
      message:
        a.stepWeight !== undefined
          ? 'stepWeight must be > 0 when neither iterations nor stepWeights is set'
          : 'needs one of iterations, stepWeight or stepWeights, or the canary never progresses',
      fix: 'add stepWeight: 10 (canary), stepWeights: [5, 10, 50] (canary), or iterations: 10 (blue/green; A/B with match)',
    });
  }
  if (iterations > 0 && (stepWeight > 0 || steps.length > 0)) {
    out.push({
      path: stepWeight > 0 ? `${A}.stepWeight` : `${A}.stepWeights`,
      message: `is ignored: with iterations set the release runs as ${a.match?.length ? 'A/B testing' : 'blue/green'} (iterations with mirror needs no stepWeight either)`,
      fix: 'remove it, or remove iterations for a weighted canary',
      severity: 'warning',
    });
  } else if (stepWeight > 0 && steps.length > 0) {
    out.push({
      path: `${A}.stepWeights`,
      message: 'is ignored because stepWeight is set (stepWeight wins)',
      fix: 'keep only one of stepWeight and stepWeights',
      severity: 'warning',
    });
  }
  if (spec.provider === 'kubernetes' && iterations <= 0 && (stepWeight > 0 || steps.length > 0)) {
    out.push({
      path: 'spec.provider',
      message: `kubernetes cannot split traffic by weight; the release runs as blue/green with ${KUBERNETES_BLUE_GREEN_ITERATIONS} iterations`,
      fix: 'use iterations instead of stepWeight, or a mesh/ingress provider such as istio',
      severity: 'warning',
    });
  }
  if ((a.match?.length ?? 0) > 0 && iterations <= 0) {
    out.push({
      path: `${A}.match`,
      message:
        'A/B testing by match needs iterations; with weights the match conditions only narrow the canary route',
      fix: 'add iterations: 10 for A/B testing',
      severity: 'warning',
    });
  }
  if (a.mirrorWeight !== undefined && !a.mirror) {
    out.push({
      path: `${A}.mirrorWeight`,
      message: 'has no effect without mirror: true',
      fix: 'add mirror: true or remove mirrorWeight',
      severity: 'warning',
    });
  }
  if (a.threshold !== undefined && a.threshold <= 0) {
    out.push({
      path: `${A}.threshold`,
      message: `${a.threshold} is treated as 1: the first failed check rolls back`,
      fix: 'set threshold to 1 or more',
      severity: 'warning',
    });
  }
  return out;
}

function weightRules(a: CanaryAnalysis): FieldProblem[] {
  const out: FieldProblem[] = [];
  const steps = a.stepWeights ?? [];
  if (a.maxWeight !== undefined && (a.maxWeight < 1 || a.maxWeight > TOTAL_WEIGHT)) {
    out.push({
      path: `${A}.maxWeight`,
      message: `must be between 1 and 100, got ${a.maxWeight}`,
      fix: 'set maxWeight: 50 (or leave it out for 100)',
    });
  }
  const max = maxWeight(a);
  if (a.stepWeight !== undefined && (a.iterations ?? 0) <= 0 && steps.length === 0) {
    if (a.stepWeight > 0 && a.stepWeight > max) {
      out.push({
        path: `${A}.stepWeight`,
        message: `must be > 0 and <= maxWeight (${max}), got ${a.stepWeight}`,
        fix: `lower stepWeight to at most ${max}, or raise maxWeight`,
      });
    }
  }
  steps.forEach((w, i) => {
    if (w < 1 || w > TOTAL_WEIGHT)
      out.push({
        path: `${A}.stepWeights[${i}]`,
        message: `must be between 1 and 100, got ${w}`,
        fix: 'use weights such as [1, 5, 10, 50]',
      });
    const previous = steps[i - 1];
    if (previous !== undefined && w <= previous)
      out.push({
        path: `${A}.stepWeights[${i}]`,
        message: `must be greater than the step before (${previous}): steps are ascending absolute weights`,
        fix: `sort the steps: [${[...new Set(steps)].sort((x, y) => x - y).join(', ')}]`,
      });
  });
  if (steps.length > 0 && a.maxWeight !== undefined && !(a.stepWeight && a.stepWeight > 0)) {
    out.push({
      path: `${A}.maxWeight`,
      message: `is ignored with stepWeights: the last step (${Math.min(TOTAL_WEIGHT, steps[steps.length - 1] ?? TOTAL_WEIGHT)}) is the maximum`,
      fix: 'remove maxWeight',
      severity: 'warning',
    });
  }
  return out;
}

/** The 10 s floor is the operator's (Flagger's); the local runtime runs intervals down to 1 s. */
function intervalRules(a: CanaryAnalysis, local: boolean): FieldProblem[] {
  if (a.interval === undefined) return [];
  const ms = parseDuration(a.interval);
  if (ms === undefined)
    return [
      {
        path: `${A}.interval`,
        message: `"${a.interval}" is not a duration`,
        fix: 'write a duration such as 30s or 1m',
      },
    ];
  if (ms >= MIN_ANALYSIS_INTERVAL_MS || (local && ms >= 1000)) return [];
  return [
    {
      path: `${A}.interval`,
      message: `${a.interval} is below the 10s minimum and is clamped to ${formatDuration(analysisIntervalMs(a))}`,
      fix: 'set interval: 10s or more',
      severity: 'warning',
    },
  ];
}

function sessionAffinityRules(a: CanaryAnalysis): FieldProblem[] {
  const affinity = a.sessionAffinity;
  if (!affinity) return [];
  const out: FieldProblem[] = [];
  if (affinity.primaryCookieName !== undefined && affinity.primaryCookieName === affinity.cookieName) {
    out.push({
      path: `${A}.sessionAffinity.primaryCookieName`,
      message: `must differ from cookieName ("${affinity.cookieName}"): one cookie cannot pin users to both versions`,
      fix: `rename it, e.g. primaryCookieName: ${affinity.cookieName}-primary`,
    });
  }
  if ((a.iterations ?? 0) > 0) {
    out.push({
      path: `${A}.sessionAffinity`,
      message: 'applies to weighted canaries only and is ignored with iterations',
      fix: 'remove sessionAffinity or use stepWeight',
      severity: 'warning',
    });
  }
  return out;
}

function metricRules(a: CanaryAnalysis): FieldProblem[] {
  const metrics = a.metrics ?? [];
  const out: FieldProblem[] = [...duplicateNames(metrics, `${A}.metrics`, 'metric')];
  metrics.forEach((m, i) => {
    const at = `${A}.metrics[${i}]`;
    const builtin = isBuiltinMetric(m.name);
    if (!builtin && !m.templateRef && !m.query) {
      out.push({
        path: at,
        message: `metric "${m.name}" is not a builtin (${BUILTIN_METRICS.join(', ')}) and has no templateRef or query`,
        fix: 'add templateRef: {name: <MetricTemplate>} or rename it to a builtin metric',
      });
    }
    if (m.templateRef && m.query) {
      out.push({
        path: `${at}.query`,
        message: 'is ignored because templateRef is set',
        fix: 'remove query or templateRef',
        severity: 'warning',
      });
    }
    const range = m.thresholdRange;
    if (range?.min !== undefined && range.max !== undefined && range.min > range.max) {
      out.push({
        path: `${at}.thresholdRange`,
        message: `min (${range.min}) is greater than max (${range.max}), so every check fails`,
        fix: 'swap min and max',
      });
    }
    if (!range && m.threshold === undefined && !m.compareWithPrimary) {
      out.push({
        path: at,
        message: `metric "${m.name}" has no thresholdRange, threshold or compareWithPrimary, so it can never fail`,
        fix:
          builtin && m.name === 'request-duration'
            ? 'add thresholdRange: {max: 500} (milliseconds)'
            : 'add thresholdRange: {min: 99} or {max: ...}',
        severity: 'warning',
      });
    }
    if (m.threshold !== undefined && range) {
      out.push({
        path: `${at}.threshold`,
        message: 'is deprecated and ignored next to thresholdRange',
        fix: 'remove threshold',
        severity: 'warning',
      });
    }
    if (m.interval !== undefined && parseDuration(m.interval) === undefined) {
      out.push({
        path: `${at}.interval`,
        message: `"${m.interval}" is not a duration`,
        fix: 'write a duration such as 1m',
      });
    } else if (m.interval !== undefined && parseDuration(m.interval) === 0) {
      out.push({
        path: `${at}.interval`,
        message: `${m.interval} is an empty window: the query would measure nothing`,
        fix: 'use a window of at least one scrape interval, such as 1m (or leave interval out for 1m)',
      });
    }
    if (m.templateRef) {
      out.push(...nameProblem(m.templateRef.name, `${at}.templateRef.name`));
      out.push(...nameProblem(m.templateRef.namespace, `${at}.templateRef.namespace`, 'label'));
    }
    if (builtin && !m.templateRef && !m.query) out.push(...builtinRangeRules(m, at));
  });
  return out;
}

/**
 * The builtins' units: request-success-rate is a percentage (0..100), request-duration milliseconds
 * (>= 0). A bound outside them can never be met, or can never fail.
 */
function builtinRangeRules(m: CanaryMetric, at: string): FieldProblem[] {
  const percent = m.name === 'request-success-rate';
  const bounds: [string, number | undefined][] = [
    [`${at}.thresholdRange.min`, m.thresholdRange?.min],
    [`${at}.thresholdRange.max`, m.thresholdRange?.max],
    [`${at}.threshold`, m.threshold],
  ];
  const out: FieldProblem[] = [];
  for (const [path, value] of bounds) {
    if (value === undefined) continue;
    if (percent && (value < 0 || value > 100))
      out.push({
        path,
        message: `${value} is outside 0..100: request-success-rate is the percentage of non-5xx responses`,
        fix: 'use a percentage, e.g. thresholdRange: {min: 99}',
      });
    else if (!percent && value < 0)
      out.push({
        path,
        message: `${value} is negative: request-duration is a latency in milliseconds`,
        fix: 'use milliseconds >= 0, e.g. thresholdRange: {max: 500}',
      });
  }
  return out;
}

function webhookRules(a: CanaryAnalysis): FieldProblem[] {
  const hooks = a.webhooks ?? [];
  const out: FieldProblem[] = [...duplicateNames(hooks, `${A}.webhooks`, 'webhook')];
  hooks.forEach((hook, i) => {
    if (!isHttpUrl(hook.url)) {
      out.push({
        path: `${A}.webhooks[${i}].url`,
        message: `"${hook.url}" is not an http(s) URL`,
        fix: 'write a full URL such as http://flagger-loadtester.test/',
      });
    }
    if (hook.timeout !== undefined && parseDuration(hook.timeout) === 0) {
      out.push({
        path: `${A}.webhooks[${i}].timeout`,
        message: `${hook.timeout} leaves no time for the call: every attempt would time out at once`,
        fix: 'use a timeout such as 10s (or leave timeout out for 10s)',
      });
    }
  });
  return out;
}

function localRuntimeRules(spec: CanarySpec): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (spec.provider === 'local' && !spec.local) {
    out.push({
      path: 'spec.local',
      message: 'is required with provider: local',
      fix: 'add spec.local with listenPort, stable and canary commands',
    });
  }
  if (!spec.local) return out;
  if (spec.provider === undefined) {
    out.push({
      path: 'spec.provider',
      message: 'is unset; spec.local makes this a local-runtime canary',
      fix: 'write provider: local to say so',
      severity: 'warning',
    });
  } else if (spec.provider !== 'local') {
    out.push({
      path: 'spec.local',
      message: `is ignored with provider: ${spec.provider}`,
      fix: 'remove spec.local or set provider: local',
      severity: 'warning',
    });
  }
  const { stable, canary, listenPort } = spec.local;
  if (stable.port === canary.port) {
    out.push({
      path: 'spec.local.canary.port',
      message: `is the same as stable's port (${stable.port})`,
      fix: 'give the canary its own port',
    });
  }
  if (listenPort !== 0 && (listenPort === stable.port || listenPort === canary.port)) {
    out.push({
      path: 'spec.local.listenPort',
      message: `${listenPort} is also a version's port`,
      fix: 'give the router its own port',
    });
  }
  out.push(...metricsPortRules(spec.local), ...readinessRules(spec.local));
  return out;
}

/** The router's metrics port (explicit, or the default listenPort + 1) must be a port of its own. */
function metricsPortRules(local: NonNullable<CanarySpec['local']>): FieldProblem[] {
  const { stable, canary, listenPort } = local;
  const port = local.metricsPort ?? defaultMetricsPort(listenPort);
  const taken: [number, string][] = [
    [listenPort, 'listenPort'],
    [stable.port, "stable's port"],
    [canary.port, "canary's port"],
  ];
  const clash = port === 0 ? undefined : taken.find(([p]) => p === port)?.[1];
  if (port <= 65535 && !clash) return [];
  const how = local.metricsPort === undefined ? `defaults to listenPort + 1 = ${port}, which` : `${port}`;
  const free = Math.max(...taken.map(([p]) => p)) + 1;
  const example = free <= 65535 ? `, e.g. ${free}` : '';
  return [
    {
      path: 'spec.local.metricsPort',
      message: port > 65535 ? `${how} is not a port` : `${how} is also ${clash}`,
      fix:
        local.metricsPort === undefined
          ? `set metricsPort to a free port${example}`
          : `give the metrics their own port${example}`,
    },
  ];
}

function readinessRules(local: NonNullable<CanarySpec['local']>): FieldProblem[] {
  const out: FieldProblem[] = [];
  const path = local.readinessPath;
  // probed on the version's own 127.0.0.1 port: a URL or `//host` would send the probe elsewhere
  const blank = (c: string) => c <= ' ' || c === '\u007f';
  if (path !== undefined && (!path.startsWith('/') || path.startsWith('//') || [...path].some(blank))) {
    out.push({
      path: 'spec.local.readinessPath',
      message: `${JSON.stringify(path)} is not a path: the probe goes to each version's own port on 127.0.0.1`,
      fix: 'write a path starting with a single /, such as /healthz',
    });
  }
  if (local.readinessTimeout !== undefined && parseDuration(local.readinessTimeout) === 0) {
    out.push({
      path: 'spec.local.readinessTimeout',
      message: `${local.readinessTimeout} gives a version no time to start: it would never be ready`,
      fix: 'use a duration such as 30s (or leave readinessTimeout out for 30s)',
    });
  }
  return out;
}

function duplicateNames(
  items: readonly { name: string }[] | undefined,
  path: string,
  what: string,
): FieldProblem[] {
  const seen = new Map<string, number>();
  const out: FieldProblem[] = [];
  (items ?? []).forEach((item, i) => {
    const first = seen.get(item.name);
    if (first !== undefined)
      out.push({
        path: `${path}[${i}].name`,
        message: `duplicate ${what} name "${item.name}" (also ${path}[${first}])`,
        fix: `give each ${what} a unique name`,
      });
    else seen.set(item.name, i);
  });
  return out;
}

export function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

const ADDRESS_REQUIRED = new Set(['prometheus', 'influxdb', 'graphite', 'dynatrace', 'splunk']);

export function metricTemplateRules(spec: MetricTemplateSpec): FieldProblem[] {
  const out: FieldProblem[] = [];
  const { type, address } = spec.provider;
  if (!hasMetricReader(type)) {
    out.push({
      path: 'spec.provider.type',
      message: `"${type}" has no metric reader in this Aviary version`,
      fix: `use one of ${[...OTHER_READERS, ...Object.keys(METRIC_PROVIDERS)].join(', ')}`,
    });
  }
  if (ADDRESS_REQUIRED.has(type) && !address) {
    out.push({
      path: 'spec.provider.address',
      message: `is required for ${type}`,
      fix: type === 'prometheus' ? 'add address: http://prometheus.istio-system:9090' : 'add the server URL',
    });
  }
  if (address && !isHttpUrl(address)) {
    out.push({
      path: 'spec.provider.address',
      message: `"${address}" is not an http(s) URL`,
      fix: 'write a full URL such as http://prometheus:9090',
    });
  }
  out.push(...nameProblem(spec.provider.secretRef?.name, 'spec.provider.secretRef.name'));
  if (type === 'cloudwatch' && !spec.provider.region) {
    out.push({
      path: 'spec.provider.region',
      message: 'is required for cloudwatch',
      fix: 'add region: us-east-1 (your AWS region)',
    });
  }
  return out;
}

export function alertProviderRules(spec: AlertProviderSpec): FieldProblem[] {
  const out: FieldProblem[] = [];
  if (!spec.address && !spec.secretRef) {
    out.push({
      path: 'spec',
      message: 'needs a webhook address',
      fix: 'add address, or secretRef to a Secret whose key "address" holds it',
    });
  }
  if (spec.address && !isHttpUrl(spec.address)) {
    out.push({
      path: 'spec.address',
      message: `"${spec.address}" is not an http(s) URL`,
      fix: 'write the full webhook URL',
    });
  }
  out.push(...nameProblem(spec.secretRef?.name, 'spec.secretRef.name'));
  if (spec.proxy && !isHttpUrl(spec.proxy)) {
    out.push({
      path: 'spec.proxy',
      message: `"${spec.proxy}" is not an http(s) URL`,
      fix: 'write the proxy as http://host:port',
    });
  }
  return out;
}
