/**
 * A proxy process beside the dev cluster: the admin credentials it reads the API server with (bearer
 * token and CA file in a private directory), free local ports, its log, a bounded wait until it
 * answers, and a stop that also removes the directory.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestCluster } from '../cluster/index.js';
import { waitFor } from './wait.js';

export interface ClusterAccess {
  /** https://127.0.0.1:<port> of the kube-apiserver. */
  server: string;
  tokenFile: string;
  caFile: string;
  /** Private directory holding the two files; the process's stop removes it. */
  dir: string;
}

export function clusterAccess(cluster: TestCluster, name: string): ClusterAccess {
  const config = cluster.kubeConfig();
  const current = config.getCurrentCluster();
  const token = config.getCurrentUser()?.token;
  if (!current || !token)
    throw new Error(`${cluster.kubeconfig}: no current cluster or no bearer token for ${name}`);
  const dir = mkdtempSync(join(tmpdir(), `aviary-${name}-`));
  const caFile = join(dir, 'ca.crt');
  writeFileSync(
    caFile,
    current.caData ? Buffer.from(current.caData, 'base64') : readFileSync(current.caFile!),
  );
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  return { server: current.server, tokenFile, caFile, dir };
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

export interface ProxyProcess {
  /** The last 64 KiB of its stdout and stderr. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `binary` and waits (at most 60 s) until `readyUrl` answers 2xx; a process that exits first
 * fails with its own log.
 */
export async function startProxyProcess(
  name: string,
  binary: string,
  args: string[],
  options: { readyUrl: string; dir: string; env?: NodeJS.ProcessEnv },
): Promise<ProxyProcess> {
  let output = '';
  const child = spawn(binary, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-64 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killed = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    }
    rmSync(options.dir, { recursive: true, force: true });
  };
  const log = () => output;
  try {
    await waitFor(
      `${name} to answer ${options.readyUrl}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
        const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(5_000) });
        return response.ok ? true : undefined;
      },
      log,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return { log, stop };
}
