/**
 * The dev cluster's etcd, for what only the storage layer can do: compacting its history, so that a
 * watch resumed from an older resourceVersion is answered `410 Expired` by the real API server.
 * (Resources served from the API server's watch cache, e.g. ConfigMaps, keep their own window and
 * are not affected; core v1 Events have no watch cache, so their watches go to etcd.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** etcd's client URL, from `ports.env` beside the admin kubeconfig in the dev cluster's data dir. */
export function etcdEndpoint(kubeconfig: string): string {
  const ports = readFileSync(path.join(path.dirname(kubeconfig), 'ports.env'), 'utf8');
  const port = /^ETCD_PORT=(\d+)$/m.exec(ports)?.[1];
  if (!port) throw new Error(`no ETCD_PORT in ${path.dirname(kubeconfig)}/ports.env`);
  return `http://127.0.0.1:${port}`;
}

/** Compacts etcd up to its current revision (returned): every older revision is gone. */
export async function compactEtcd(kubeconfig: string, bin: string): Promise<number> {
  const etcdctl = path.join(bin, 'etcdctl');
  const endpoints = ['--endpoints', etcdEndpoint(kubeconfig)];
  const { stdout } = await run(etcdctl, [...endpoints, 'endpoint', 'status', '-w', 'json'], {
    timeout: 30_000,
  });
  const status = JSON.parse(stdout) as { Status: { header: { revision: number } } }[];
  const revision = status[0]?.Status.header.revision;
  if (!revision) throw new Error(`etcdctl endpoint status gave no revision: ${stdout}`);
  await run(etcdctl, [...endpoints, 'compact', String(revision)], { timeout: 30_000 }).catch(
    (err: { stderr?: string; message: string }) => {
      // Someone (the API server's own periodic compaction, another test) got there first: fine.
      if (!/required revision has been compacted/.test(err.stderr ?? err.message)) throw err;
    },
  );
  return revision;
}
