/**
 * `aviary verify`: count which version answers (by sending requests, or from the router's or the mesh's
 * request metrics) and test the split against the configured weights. Exit 0 when it holds, 1 when it is
 * off or the counts cannot tell, 2 on a usage error.
 */
import type { Command } from 'commander';
import { parseDuration } from '../../api/duration.js';
import { AviaryError } from '../../errors.js';

interface VerifyFlags {
  weights: string;
  requests: string;
  host?: string;
  header?: string[];
  versionHeader?: string;
  jsonField?: string;
  regex?: string;
  confidence: string;
  concurrency: string;
  timeout: string;
  keepAlive?: boolean;
  allowUnclassified: string;
  metricsUrl?: string;
  metric: string;
  label: string;
  window: string;
  prometheus?: string;
  query?: string;
  json?: boolean;
}

const usage = (message: string) => new AviaryError('USAGE', message);

function integer(flag: string, text: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw usage(`${flag}: "${text}" is not a whole number from ${min} to ${max}`);
  return n;
}

function duration(flag: string, text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) throw usage(`${flag}: "${text}" is not a duration, e.g. 30s or 5m`);
  return ms;
}

export function register(program: Command): void {
  program
    .command('verify')
    .description(
      'check that traffic is split as the weights say: exact binomial/multinomial test of who answered',
    )
    .argument('[url]', 'send --requests GET requests here and count the versions that answer')
    .requiredOption('--weights <list>', 'configured percent per version, e.g. v1=90,v2=10')
    .option('--requests <n>', 'requests to send', '100')
    .option('--host <host>', 'Host header to send (a virtual host of an ingress or gateway)')
    .option('-H, --header <header...>', 'extra request header "Name: value"')
    .option('--version-header <name>', 'the response header naming the version, e.g. x-version')
    .option('--json-field <path>', 'the JSON body field naming the version, e.g. version or build.version')
    .option('--regex <pattern>', 'a regex over the body; its first group (or the match) names the version')
    .option('--confidence <p>', 'confidence of the expected ranges and the test (0.5-0.9999)', '0.95')
    .option('--concurrency <n>', 'requests in flight at once', '4')
    .option('--timeout <duration>', 'deadline of each request or metrics read', '5s')
    .option('--keep-alive', 'reuse connections (default: a new connection per request, as separate clients)')
    .option('--allow-unclassified <n>', 'requests that may fail or name no version', '0')
    .option(
      '--metrics-url <url>',
      "instead of requests: a metrics page (the local router's) read --window apart",
    )
    .option('--metric <name>', 'counter on --metrics-url', 'aviary_requests_total')
    .option('--label <name>', 'label naming the version (--metrics-url, --prometheus)', 'version')
    .option('--window <duration>', 'how long to count on --metrics-url', '30s')
    .option('--prometheus <url>', 'instead of requests: a Prometheus server, asked --query')
    .option(
      '--query <promql>',
      'one series per version, e.g. sum by (destination_workload) (increase(istio_requests_total{...}[5m]))',
    )
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nExample (the local demo at 90/10):\n  aviary verify http://127.0.0.1:8080/ --weights v1=90,v2=10 --json-field version\n',
    )
    .action(async (url: string | undefined, flags: VerifyFlags) => {
      const { verifySplit, parseWeights, formatReport } = await import('../../verify/index.js');
      let weights: Record<string, number>;
      try {
        weights = parseWeights(flags.weights);
      } catch (err) {
        throw usage((err as Error).message);
      }
      const confidence = Number(flags.confidence);
      if (!(confidence >= 0.5 && confidence <= 0.9999)) {
        throw usage(
          `--confidence: "${flags.confidence}" must be a probability from 0.5 to 0.9999, e.g. 0.95`,
        );
      }
      const timeoutMs = duration('--timeout', flags.timeout);
      const sources = [
        url ? 'a URL' : '',
        flags.metricsUrl ? '--metrics-url' : '',
        flags.prometheus ? '--prometheus' : '',
      ].filter(Boolean);
      if (sources.length !== 1) {
        throw usage(
          `give exactly one of a URL, --metrics-url or --prometheus (got ${sources.length === 0 ? 'none' : sources.join(' and ')})`,
        );
      }
      const source = flags.prometheus
        ? prometheusSource(flags, timeoutMs)
        : flags.metricsUrl
          ? ({
              kind: 'metrics-page',
              url: flags.metricsUrl,
              metric: flags.metric,
              label: flags.label,
              windowMs: duration('--window', flags.window),
              timeoutMs,
            } as const)
          : requestSource(url!, flags, timeoutMs);
      let result;
      try {
        result = await verifySplit({
          source,
          weights,
          confidence,
          allowUnclassified: integer('--allow-unclassified', flags.allowUnclassified, 0, 1_000_000),
        });
      } catch (err) {
        if (err instanceof AviaryError) throw err;
        // A RangeError is a test too large to run exactly (too many requests over 3+ versions): usage.
        const code = err instanceof RangeError ? 'USAGE' : 'UNAVAILABLE';
        throw new AviaryError(code, (err as Error).message, { cause: err });
      }
      process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatReport(result));
      process.exitCode = result.ok ? 0 : 1;
    });
}

function prometheusSource(flags: VerifyFlags, timeoutMs: number) {
  if (!flags.query)
    throw usage(
      "--prometheus needs --query, e.g. --query 'sum by (destination_workload) (increase(istio_requests_total[5m]))' --label destination_workload",
    );
  return {
    kind: 'prometheus',
    address: flags.prometheus!,
    query: flags.query,
    label: flags.label,
    timeoutMs,
  } as const;
}

function requestSource(url: string, flags: VerifyFlags, timeoutMs: number) {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usage(`url: "${url}" is not a URL, e.g. http://127.0.0.1:8080/`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw usage(`url: ${url} is not http(s)`);
  const rules = [
    flags.versionHeader ? ({ kind: 'header', name: flags.versionHeader } as const) : undefined,
    flags.jsonField ? ({ kind: 'json', path: flags.jsonField } as const) : undefined,
    flags.regex ? ({ kind: 'regex', pattern: regex(flags.regex) } as const) : undefined,
  ].filter((r) => r !== undefined);
  if (rules.length !== 1) {
    throw usage('tell versions apart with exactly one of --version-header, --json-field or --regex');
  }
  const headers: Record<string, string> = {};
  for (const header of flags.header ?? []) {
    const colon = header.indexOf(':');
    if (colon <= 0) throw usage(`--header: "${header}" is not "Name: value"`);
    headers[header.slice(0, colon).trim().toLowerCase()] = header.slice(colon + 1).trim();
  }
  return {
    kind: 'requests',
    url: parsed,
    count: integer('--requests', flags.requests, 1, 1_000_000),
    rule: rules[0]!,
    ...(flags.host ? { host: flags.host } : {}),
    headers,
    concurrency: integer('--concurrency', flags.concurrency, 1, 256),
    timeoutMs,
    keepAlive: flags.keepAlive === true,
  } as const;
}

function regex(text: string): RegExp {
  try {
    return new RegExp(text);
  } catch (err) {
    throw usage(`--regex: ${(err as Error).message}`);
  }
}
