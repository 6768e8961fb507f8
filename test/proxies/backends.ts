/**
 * The primary and canary of a release as a proxy in front of Kubernetes sees them: Services whose
 * EndpointSlices point at sample apps (src/demo/sample-app.ts) running on this machine. The API server
 * refuses loopback endpoint addresses (127.0.0.0/8), so each backend gets an address of its own in
 * 10.254.0.0/16 added to the loopback interface (root and iproute2 needed; scripts/test.sh installs
 * iproute2 and CI runs as root). The Services have no selector, so the endpointslice controller leaves
 * our slices alone.
 */
import { execFile } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { startSampleApp } from '../../src/demo/sample-app.js';
import type { TestCluster } from '../cluster/index.js';

const run = promisify(execFile);

export interface Backend {
  service: string;
  version: string;
  address: string;
  port: number;
}

export interface Backends {
  backends: Backend[];
  close(): Promise<void>;
}

/**
 * Adds `address`/32 to `lo` (kept if it is there already) and returns how to remove it again.
 * Each test file uses its own addresses, so removing them cannot cut off another file's backends.
 */
async function addLoopbackAddress(address: string): Promise<() => Promise<void>> {
  const added = await run('ip', ['addr', 'add', `${address}/32`, 'dev', 'lo'], { timeout: 10_000 }).then(
    () => true,
    (err: { stderr?: string; message: string }) => {
      if (/File exists|already assigned/.test(err.stderr ?? '')) return false;
      throw new Error(
        `cannot add ${address} to the loopback interface (${err.stderr?.trim() || err.message}): ` +
          'the proxy tests need root and iproute2 (`apt-get install iproute2`; scripts/test.sh installs it)',
      );
    },
  );
  return async () => {
    if (added)
      await run('ip', ['addr', 'del', `${address}/32`, 'dev', 'lo'], { timeout: 10_000 }).catch(() => {});
  };
}

/**
 * Starts one sample app per entry, each on its own loopback address, and creates the selector-less
 * Service `<service>` (port `servicePort`) with an EndpointSlice pointing at it.
 */
export async function startBackends(
  cluster: TestCluster,
  namespace: string,
  servicePort: number,
  wanted: { service: string; version: string; address: string }[],
): Promise<Backends> {
  const servers: Server[] = [];
  const removers: (() => Promise<void>)[] = [];
  const close = async () => {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    await Promise.all(removers.map((remove) => remove()));
  };
  try {
    const backends: Backend[] = [];
    for (const { service, version, address } of wanted) {
      removers.push(await addLoopbackAddress(address));
      const server = await startSampleApp({ port: 0, host: address, version });
      servers.push(server);
      backends.push({ service, version, address, port: (server.address() as AddressInfo).port });
    }
    const objects = backends.flatMap((b) => [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: b.service, namespace },
        spec: { ports: [{ name: 'http', port: servicePort, targetPort: b.port, protocol: 'TCP' }] },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${b.service}-local`,
          namespace,
          labels: {
            'kubernetes.io/service-name': b.service,
            'endpointslice.kubernetes.io/managed-by': 'aviary-proxy-tests',
          },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: [b.address], conditions: { ready: true, serving: true } }],
        ports: [{ name: 'http', port: b.port, protocol: 'TCP' }],
      },
    ]);
    const applied = await cluster.kubectl(['apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
    });
    if (applied.code !== 0) throw new Error(`creating the backends' Services failed: ${applied.stderr}`);
    return { backends, close };
  } catch (err) {
    await close();
    throw err;
  }
}
