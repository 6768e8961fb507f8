/**
 * Router benchmark: the same load generator (`hey`, keep-alive, 50 workers) against
 *   (a) an upstream directly, (b) Aviary's router at 90/10, (c) HAProxy at 90/10,
 * in one run, on loopback. Prints throughput, p50/p99 latency and the ratios router/direct and
 * router/haproxy. HAProxy runs one thread, as the router is one Node event loop.
 *
 * Rounds are interleaved (direct, router, haproxy, direct, ...) and the median is shown, so that load
 * from other programs on the machine hits every target alike.
 *
 *   npx tsx bench/router/run.ts [--duration 4s] [--rounds 3] [--concurrency 50]
 */
import net from 'node:net';
import { RequestMetrics } from '../../src/local/metrics/request-metrics.js';
import { WeightedProxy } from '../../src/local/router/proxy.js';
import { startHaproxy } from './haproxy.js';
import { runHey, type LoadResult } from './hey.js';
import { startUpstreams } from './upstreams.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const duration = arg('duration', '4s');
const rounds = Number(arg('rounds', '3'));
const concurrency = Number(arg('concurrency', '50'));
const warmup = '1s';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median of each figure over the rounds (the machine is shared: interleaving spreads its noise evenly). */
function combine(results: LoadResult[]): LoadResult {
  const statuses: Record<string, number> = {};
  for (const r of results)
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    statuses,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}

async function main(): Promise<void> {
  const upstreams = await startUpstreams();
  const metrics = new RequestMetrics();
  const router = new WeightedProxy({
    primary: { name: 'bench-primary', host: '127.0.0.1', port: upstreams.primary },
    canary: { name: 'bench-canary', host: '127.0.0.1', port: upstreams.canary },
    observer: metrics,
  });
  let stopHaproxy = () => {};
  try {
    const routerPort = await router.listen(0);
    router.setRoutes({ primaryWeight: 90, canaryWeight: 10, mirrored: false });
    const haproxyPort = await freePort();
    stopHaproxy = await startHaproxy(haproxyPort, upstreams.primary, upstreams.canary, 1);
    const targets = {
      direct: `http://127.0.0.1:${upstreams.primary}/`,
      aviary: `http://127.0.0.1:${routerPort}/`,
      haproxy: `http://127.0.0.1:${haproxyPort}/`,
    };
    for (const url of Object.values(targets)) await runHey(url, warmup, concurrency);
    const results: Record<keyof typeof targets, LoadResult[]> = { direct: [], aviary: [], haproxy: [] };
    const counted = { aviary: { p: 0, c: 0 }, haproxy: { p: 0, c: 0 } };
    for (let round = 1; round <= rounds; round++) {
      for (const name of Object.keys(targets) as (keyof typeof targets)[]) {
        process.stderr.write(`round ${round}/${rounds}: ${name} ...\n`);
        const before = { p: await upstreams.count('primary'), c: await upstreams.count('canary') };
        results[name].push(await runHey(targets[name], duration, concurrency));
        if (name !== 'direct') {
          counted[name].p += (await upstreams.count('primary')) - before.p;
          counted[name].c += (await upstreams.count('canary')) - before.c;
        }
      }
    }
    const direct = combine(results.direct);
    const aviary = combine(results.aviary);
    const haproxy = combine(results.haproxy);

    const share = ({ p, c }: { p: number; c: number }) => `${((c / (p + c)) * 100).toFixed(2)}% canary`;
    const rows: [string, LoadResult, string][] = [
      ['direct (upstream)', direct, '-'],
      ['aviary router 90/10', aviary, share(counted.aviary)],
      ['haproxy 90/10 (1 thread)', haproxy, share(counted.haproxy)],
    ];
    const fmt = (n: number, digits = 2) => n.toFixed(digits);
    console.log(
      `\nmeasured by: hey -z ${duration} -c ${concurrency} (keep-alive), ${rounds} interleaved rounds per target, ` +
        `median shown, after a ${warmup} warm-up each`,
    );
    console.log(
      `machine: ${(await import('node:os')).cpus().length} CPUs, Node ${process.version}, loopback\n`,
    );
    console.log('| target | req/s | p50 ms | p99 ms | non-2xx/errors | split seen by upstreams |');
    console.log('|---|---:|---:|---:|---:|---|');
    for (const [name, r, split] of rows) {
      const bad =
        Object.entries(r.statuses)
          .filter(([code]) => code !== '200')
          .reduce((s, [, n]) => s + n, 0) + r.errors;
      console.log(
        `| ${name} | ${fmt(r.requestsPerSecond, 0)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${bad} | ${split} |`,
      );
    }
    console.log('\n| ratio | throughput | p50 | p99 |');
    console.log('|---|---:|---:|---:|');
    const ratio = (name: string, a: LoadResult, b: LoadResult) =>
      console.log(
        `| ${name} | ${fmt(a.requestsPerSecond / b.requestsPerSecond)} | ${fmt(a.p50Ms / b.p50Ms)} | ${fmt(a.p99Ms / b.p99Ms)} |`,
      );
    ratio('router / direct', aviary, direct);
    ratio('router / haproxy', aviary, haproxy);
    const text = await metrics.text();
    const canary = /aviary_requests_total\{version="canary",code_class="2xx"\} (\d+)/.exec(text)?.[1];
    const primary = /aviary_requests_total\{version="primary",code_class="2xx"\} (\d+)/.exec(text)?.[1];
    console.log(`\nrouter's own counters (incl. warm-up): primary ${primary}, canary ${canary}`);
  } finally {
    stopHaproxy();
    await router.close();
    upstreams.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
