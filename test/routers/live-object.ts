/**
 * Another writer of the routing objects, outside Aviary: raw REST reads and replaces against the test
 * API server (a GitOps tool reverting the weights), and an admission-webhook stand-in that keeps an
 * object's spec and annotations as they are whatever a client writes.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { FakeApiServer, KubeObject } from '../harness/index.js';

/** User agent of the test's own calls, so the RBAC check sees only the router's. */
export const TEST_AGENT = 'aviary-router-contract';

export interface RoutingRef {
  /** Qualified plural as the harness names it: `httproutes.gateway.networking.k8s.io`, `services`. */
  resource: string;
  name: string;
}

/** REST path of the object in its storage version. */
export function restPath(server: FakeApiServer, namespace: string, ref: RoutingRef): string {
  const obj = server.get(ref.resource, namespace, ref.name);
  if (!obj) throw new Error(`${ref.resource} ${namespace}/${ref.name} does not exist`);
  const plural = ref.resource.split('.')[0] ?? ref.resource;
  const apiVersion = obj.apiVersion ?? 'v1';
  const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return `${prefix}/namespaces/${namespace}/${plural}/${ref.name}`;
}

async function call(url: string, method: string, body?: unknown): Promise<KubeObject> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', accept: 'application/json', 'user-agent': TEST_AGENT },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await res.json()) as KubeObject;
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

export const readRaw = (server: FakeApiServer, namespace: string, ref: RoutingRef) =>
  call(`${server.url}${restPath(server, namespace, ref)}`, 'GET');

/** Puts `snapshot`'s spec and annotations back on the live object, as a GitOps tool reverting drift would. */
export async function revertTo(
  server: FakeApiServer,
  namespace: string,
  ref: RoutingRef,
  snapshot: KubeObject,
) {
  const url = `${server.url}${restPath(server, namespace, ref)}`;
  const live = await call(url, 'GET');
  const annotations = snapshot.metadata.annotations;
  return call(url, 'PUT', {
    ...live,
    metadata: { ...live.metadata, ...(annotations ? { annotations } : { annotations: {} }) },
    spec: (snapshot as { spec?: unknown }).spec,
  });
}

export interface FreezingProxy {
  kubeConfig: KubeConfig;
  close(): Promise<void>;
}

/**
 * A proxy in front of the API server that turns every replace (PUT) of `ref` into a no-op for spec and
 * annotations — the stored object stays as it was, as with a mutating webhook that enforces a policy.
 */
export async function freezingProxy(
  server: FakeApiServer,
  namespace: string,
  ref: RoutingRef,
): Promise<FreezingProxy> {
  const plural = ref.resource.split('.')[0] ?? ref.resource;
  const target = new RegExp(`/namespaces/${namespace}/${plural}/${ref.name}$`);
  const proxy: Server = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const path = req.url ?? '/';
      let body = chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined;
      if (req.method === 'PUT' && body && target.test(path.split('?')[0] ?? '')) {
        const live = await call(`${server.url}${path}`, 'GET');
        const asked = JSON.parse(body) as KubeObject;
        body = JSON.stringify({
          ...asked,
          metadata: { ...asked.metadata, annotations: live.metadata.annotations ?? {} },
          spec: (live as { spec?: unknown }).spec,
        });
      }
      const upstream = await fetch(`${server.url}${path}`, {
        method: req.method ?? 'GET',
        headers: {
          'content-type': req.headers['content-type'] ?? 'application/json',
          accept: 'application/json',
        },
        ...(body === undefined ? {} : { body }),
      });
      res.writeHead(upstream.status, {
        'content-type': upstream.headers.get('content-type') ?? 'application/json',
      });
      res.end(Buffer.from(await upstream.arrayBuffer()));
    })().catch((err: unknown) => {
      res.writeHead(502);
      res.end(String(err));
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'proxy', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'proxy', token: 'harness-token' }],
    contexts: [{ name: 'proxy', cluster: 'proxy', user: 'proxy', namespace: 'default' }],
    currentContext: 'proxy',
  });
  return {
    kubeConfig,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}
