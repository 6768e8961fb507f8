/**
 * A real Skipper (built from the version pinned in scripts/components/skipper) reading Ingresses and
 * EndpointSlices of one namespace from the dev cluster as an out-of-cluster client: API URL and bearer
 * token file, the cluster's CA as the process's trusted roots (SSL_CERT_FILE; Skipper's out-of-cluster
 * client uses the system roots). Its support listener lists the routes it runs (`/routes`), from which
 * the test reads the split Skipper applies before it counts traffic.
 */
import type { TestCluster } from '../cluster/index.js';
import { componentBinary, type Component } from './component.js';
import { clusterAccess, freePort, startProxyProcess } from './process.js';
import type { RunningProxy } from './through-proxy.js';

export const SKIPPER: Component = {
  name: 'skipper',
  module: 'github.com/zalando/skipper',
  versionArgs: ['-version'],
  versionLine: 'Skipper version %v',
  override: 'AVIARY_SKIPPER',
};

/** A route as Skipper's /routes lists it (eskip JSON). */
interface SkipperRoute {
  id?: string;
  /** `network` to one `address`, or a load-balanced backend over `endpoints`. */
  backend?: { type?: string; address?: string; endpoints?: string[] };
  predicates?: { name: string; args?: unknown[] }[];
}

/**
 * The share of requests each backend address gets from Skipper's routes. Skipper tries the route with
 * the most predicates first: the canary Ingress's routes carry Weight(100) and so beat the user's
 * Ingress unless they are switched off with False(); among them, a Traffic(p) route takes p of what is
 * left and one without Traffic takes the rest.
 */
export function sharesOf(routes: SkipperRoute[], addresses: string[]): Map<string, number> {
  const addressOf = (r: SkipperRoute) =>
    addresses.find((a) =>
      [r.backend?.address, ...(r.backend?.endpoints ?? [])].some((url) => url && new URL(url).hostname === a),
    );
  const live = routes.filter((r) => addressOf(r) && !r.predicates?.some((p) => p.name === 'False'));
  const weighted = live.filter((r) => r.predicates?.some((p) => p.name === 'Weight'));
  const winning = (weighted.length ? weighted : live).sort(
    (a, b) => (b.predicates?.length ?? 0) - (a.predicates?.length ?? 0),
  );
  const shares = new Map<string, number>();
  let left = 1;
  for (const route of winning) {
    const traffic = route.predicates?.find((p) => p.name === 'Traffic')?.args?.[0];
    const share = left * (typeof traffic === 'number' ? traffic : 1);
    left -= share;
    const address = addressOf(route)!;
    shares.set(address, (shares.get(address) ?? 0) + share);
  }
  return shares;
}

export async function startSkipper(
  cluster: TestCluster,
  options: { namespace: string; primary: string; canary: string },
): Promise<RunningProxy> {
  const access = clusterAccess(cluster, 'skipper');
  const [webPort, supportPort] = [await freePort(), await freePort()];
  const args = [
    `-address=127.0.0.1:${webPort}`,
    `-support-listener=127.0.0.1:${supportPort}`,
    '-kubernetes',
    `-kubernetes-url=${access.server}`,
    `-kubernetes-token-file=${access.tokenFile}`,
    `-kubernetes-namespace=${options.namespace}`,
    '-kubernetes-ingress-class=skipper',
    // Our Services have no selector, hence no Endpoints objects: read the EndpointSlices.
    '-enable-kubernetes-endpointslices',
    // Poll the API server every 500 ms instead of 3 s.
    '-source-poll-timeout=500',
  ];
  const support = `http://127.0.0.1:${supportPort}`;
  const { log, stop } = await startProxyProcess('skipper', componentBinary(SKIPPER), args, {
    readyUrl: `${support}/metrics`,
    dir: access.dir,
    env: { SSL_CERT_FILE: access.caFile },
  });
  return {
    webPort,
    log,
    stop,
    async weights() {
      const response = await fetch(`${support}/routes?limit=10000`, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`skipper /routes answered ${response.status}`);
      const shares = sharesOf((await response.json()) as SkipperRoute[], [options.primary, options.canary]);
      if (!shares.size) return undefined;
      const percent = (address: string) => Math.round((shares.get(address) ?? 0) * 100);
      return { primary: percent(options.primary), canary: percent(options.canary) };
    },
  };
}
