/**
 * A real Traefik (built from the version pinned in scripts/components/traefik) reading the dev
 * cluster's API server as an out-of-cluster client, the way it runs beside a cluster: endpoint, bearer
 * token and CA file. It serves one HTTP entry point (`web`) and its API/ping on a second one; the API
 * says which weights the running configuration holds, so a test waits for a change to be applied
 * before it counts traffic.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCluster } from '../cluster/index.js';

const REPO = join(import.meta.dirname, '..', '..');
const PINNED = /github\.com\/traefik\/traefik\/v3 (v\S+)/.exec(
  readFileSync(join(REPO, 'scripts/components/traefik/go.mod'), 'utf8'),
)?.[1];
const BUILD_HINT =
  'build it with `AVIARY_COMPONENTS=traefik bash scripts/build-components.sh` (minutes cold; ' +
  'scripts/test.sh builds it with the other components) or set AVIARY_TRAEFIK';

/** Traefik of the pinned version: $AVIARY_TRAEFIK or the component cache. */
function findTraefik(): string | undefined {
  const cache = join(
    process.env.AVIARY_CACHE ?? join(homedir(), '.cache', 'aviary'),
    'components',
    'by-component',
  );
  const built = existsSync(cache)
    ? readdirSync(cache)
        .filter((d) => d.startsWith('traefik-') && existsSync(join(cache, d, '.complete')))
        .map((d) => join(cache, d, 'bin', 'traefik'))
    : [];
  return [process.env.AVIARY_TRAEFIK, ...built]
    .filter((f): f is string => !!f)
    .find((file) => {
      if (!existsSync(file)) return false;
      const run = spawnSync(file, ['version'], { encoding: 'utf8', timeout: 10_000 });
      return run.status === 0 && new RegExp(`^Version:\\s+${PINNED}$`, 'm').test(run.stdout);
    });
}

/** The pinned Traefik, built now (as scripts/test.sh would) when this machine has none. Never skipped. */
export function traefikBinary(): string {
  const found = findTraefik();
  if (found) return found;
  const build = spawnSync('bash', ['scripts/build-components.sh'], {
    cwd: REPO,
    env: { ...process.env, AVIARY_COMPONENTS: 'traefik' },
    encoding: 'utf8',
    timeout: 30 * 60_000,
  });
  const built = findTraefik();
  if (!built)
    throw new Error(`Traefik ${PINNED} not found and its build failed (${BUILD_HINT}):\n${build.stderr}`);
  return built;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** One weighted service of the running configuration: child service name -> weight. */
export type WeightedServices = Map<string, Map<string, number>>;

export interface RunningTraefik {
  /** Port of the `web` entry point (a Gateway listener must use this port to bind to it). */
  webPort: number;
  /** Every weighted (WRR) service Traefik is running, by its full name (`...@provider`). */
  weightedServices(): Promise<WeightedServices>;
  /** Traefik's own log, for failure messages. */
  log(): string;
  stop(): Promise<void>;
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
  const binary = traefikBinary();
  const config = cluster.kubeConfig();
  const server = config.getCurrentCluster();
  const token = config.getCurrentUser()?.token;
  if (!server || !token)
    throw new Error(`${cluster.kubeconfig}: no current cluster or no bearer token for Traefik`);
  const dir = mkdtempSync(join(tmpdir(), 'aviary-traefik-'));
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, server.caData ? Buffer.from(server.caData, 'base64') : readFileSync(server.caFile!));
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });

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
      endpoint: server.server,
      token: tokenFile,
      certAuthFilePath: caFile,
      namespaces: options.namespace,
      ...flags,
    };
    args.push(
      `--providers.${provider}=true`,
      ...Object.entries(all).map(([k, v]) => `--providers.${provider}.${k}=${v}`),
    );
  }

  let output = '';
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const api = async (path: string): Promise<Response> =>
    fetch(`http://127.0.0.1:${apiPort}${path}`, { signal: AbortSignal.timeout(5_000) });

  // Up when /ping answers; bounded, and a Traefik that exits early fails with its own log.
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`traefik exited with ${child.exitCode} before answering /ping:\n${output}`);
    }
    const ok = await api('/ping').then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (attempt >= 300) {
      await stop();
      throw new Error(`traefik did not answer /ping on 127.0.0.1:${apiPort} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }

  return {
    webPort,
    log: () => output,
    stop,
    async weightedServices() {
      const response = await api('/api/http/services?per_page=1000');
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
}
