/**
 * A real Traefik (built from the version pinned in scripts/components/traefik) reading the dev
 * cluster's API server as an out-of-cluster client, the way it runs beside a cluster: endpoint, bearer
 * token and CA file. It serves one HTTP entry point (`web`) and its API/ping on a second one; the API
 * says which weights the running configuration holds, so a test waits for a change to be applied
 * before it counts traffic.
 */
import type { TestCluster } from '../cluster/index.js';
import { componentBinary, type Component } from './component.js';
import { clusterAccess, freePort, startProxyProcess } from './process.js';
import type { RunningProxy } from './through-proxy.js';
import { weightsOf } from './weights.js';

export const TRAEFIK: Component = {
  name: 'traefik',
  module: 'github.com/traefik/traefik/v3',
  versionArgs: ['version'],
  versionLine: 'Version: %v',
  override: 'AVIARY_TRAEFIK',
};

/** One weighted service of the running configuration: child service name -> weight. */
export type WeightedServices = Map<string, Map<string, number>>;

export interface RunningTraefik extends RunningProxy {
  /** Every weighted (WRR) service Traefik is running, by its full name (`...@provider`). */
  weightedServices(): Promise<WeightedServices>;
}

export interface TraefikOptions {
  /** Provider flags without the connection ones, e.g. `{ kubernetesgateway: { labelSelector: 'x=y' } }`. */
  providers: Partial<Record<'kubernetesgateway' | 'kubernetescrd', Record<string, string>>>;
  /** The only namespace Traefik watches. */
  namespace: string;
}

export async function startTraefik(
  cluster: TestCluster,
  options: Partial<TraefikOptions> & Pick<TraefikOptions, 'namespace'>,
): Promise<RunningTraefik> {
  const access = clusterAccess(cluster, 'traefik');
  const [webPort, apiPort] = [await freePort(), await freePort()];
  const args = [
    '--log.level=INFO',
    `--entryPoints.web.address=127.0.0.1:${webPort}`,
    `--entryPoints.traefik.address=127.0.0.1:${apiPort}`,
    '--api.insecure=true',
    '--ping=true',
    // Apply each change at once: the tests wait on the API for it anyway.
    '--providers.providersThrottleDuration=0s',
  ];
  for (const [provider, flags] of Object.entries(options.providers ?? {})) {
    const all = {
      endpoint: access.server,
      token: access.tokenFile,
      certAuthFilePath: access.caFile,
      namespaces: options.namespace,
      ...flags,
    };
    args.push(
      `--providers.${provider}=true`,
      ...Object.entries(all).map(([k, v]) => `--providers.${provider}.${k}=${v}`),
    );
  }
  const api = `http://127.0.0.1:${apiPort}`;
  const { log, stop } = await startProxyProcess('traefik', componentBinary(TRAEFIK), args, {
    readyUrl: `${api}/ping`,
    dir: access.dir,
  });

  const traefik: RunningTraefik = {
    webPort,
    log,
    stop,
    weights: async (namespace, apex) => weightsOf(await traefik.weightedServices(), namespace, apex),
    async weightedServices() {
      const response = await fetch(`${api}/api/http/services?per_page=1000`, {
        signal: AbortSignal.timeout(5_000),
      });
      if (!response.ok) throw new Error(`traefik API /api/http/services answered ${response.status}`);
      const services = (await response.json()) as {
        name: string;
        weighted?: { services?: { name: string; weight?: number }[] };
      }[];
      return new Map(
        services
          .filter((s) => s.weighted)
          .map((s) => [s.name, new Map((s.weighted!.services ?? []).map((c) => [c.name, c.weight ?? 1]))]),
      );
    },
  };
  return traefik;
}
