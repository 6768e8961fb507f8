/**
 * The typed clients keep their connection to the real API server open between requests. A TCP relay in
 * front of kube-apiserver (TLS passes through it untouched, still verified against the cluster's CA)
 * counts the connections: twenty calls in a row arrive over one or two (undici's pool opens a second
 * one as the first call finishes, then reuses them), where each call used to open its own TCP+TLS
 * connection (client-node builds a new connection pool per request unless kube/connection-reuse keeps
 * one).
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeClients } from '../../src/kube/client.js';
import { testCluster } from '../cluster/index.js';

const cluster = testCluster();
let relay: net.Server;
let connections = 0;
let relayUrl: string;
let serverUrl: URL;

beforeAll(async () => {
  serverUrl = new URL(cluster.kubeConfig().getCurrentCluster()?.server ?? '');
  relay = net.createServer((client) => {
    connections++;
    const upstream = net.connect(Number(serverUrl.port), serverUrl.hostname);
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const { port } = relay.address() as net.AddressInfo;
  relayUrl = `https://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise((resolve) => relay?.close(resolve));
});

describe('Kubernetes client connections', () => {
  it('sends twenty requests over the connections it keeps open, not twenty connections', async () => {
    const config = cluster.kubeConfig();
    const current = config.getCurrentCluster();
    if (!current) throw new Error('the test kubeconfig names no cluster');
    // The same cluster through the relay; its certificate names the server's host, which SNI keeps.
    config.clusters = config.clusters.map((c) =>
      c.name === current.name ? { ...c, server: relayUrl, tlsServerName: serverUrl.hostname } : c,
    );
    const clients = makeClients(config);
    const names: (string | undefined)[] = [];
    for (let i = 0; i < 20; i++)
      names.push((await clients.core.readNamespace({ name: 'default' })).metadata?.name);
    expect(names).toEqual(Array(20).fill('default'));
    expect(connections).toBeLessThanOrEqual(2);
  });
});
