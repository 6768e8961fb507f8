/**
 * Profiling harness: the router alone under `hey`, so a CPU profile of this process is the router's.
 *
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/router/profile.ts [--duration 8s]
 */
import { RequestMetrics } from '../../src/local/metrics/request-metrics.js';
import { WeightedProxy } from '../../src/local/router/proxy.js';
import { runHey } from './hey.js';
import { startUpstreams } from './upstreams.js';

const i = process.argv.indexOf('--duration');
const duration = i >= 0 ? (process.argv[i + 1] ?? '8s') : '8s';

const upstreams = await startUpstreams();
const router = new WeightedProxy({
  primary: { name: 'bench-primary', host: '127.0.0.1', port: upstreams.primary },
  canary: { name: 'bench-canary', host: '127.0.0.1', port: upstreams.canary },
  observer: new RequestMetrics(),
});
try {
  const port = await router.listen(0);
  router.setRoutes({ primaryWeight: 90, canaryWeight: 10, mirrored: false });
  const r = await runHey(`http://127.0.0.1:${port}/`, duration, 50);
  console.log(`${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`);
} finally {
  await router.close();
  upstreams.stop();
}
