import { afterEach, describe, expect, it } from 'vitest';
import type { Canary, CanaryWebhook } from '../api/types.js';
import { proxyFromEnv } from './env-proxy.js';
import { startProxy, startReceiver, type Receiver, type RecordingProxy } from './testing.js';
import { HttpWebhookCaller } from './webhook-caller.js';

describe('webhook proxy from the environment', () => {
  it('picks HTTP_PROXY or HTTPS_PROXY by scheme and honours NO_PROXY', () => {
    const env = {
      HTTP_PROXY: 'http://proxy:3128',
      https_proxy: 'http://secure:3128',
      NO_PROXY: '.svc,localhost',
    };
    expect(proxyFromEnv('http://loadtester.example.com/', env)).toBe('http://proxy:3128');
    expect(proxyFromEnv('https://hooks.example.com/x', env)).toBe('http://secure:3128');
    expect(proxyFromEnv('http://flagger-loadtester.test.svc/', env)).toBeUndefined();
    expect(proxyFromEnv('http://localhost:8080/', env)).toBeUndefined();
    expect(proxyFromEnv('http://a/', { HTTP_PROXY: 'http://p', NO_PROXY: '*' })).toBeUndefined();
    expect(proxyFromEnv('http://a/', {})).toBeUndefined();
    expect(proxyFromEnv('http://127.0.0.1:9090/', { HTTP_PROXY: 'http://p' })).toBeUndefined();
  });

  const open: (Receiver | RecordingProxy)[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((o) => o.close()));
  });

  it('sends a webhook through the proxy named by HTTP_PROXY', async () => {
    // Loopback is never proxied, so the hook names a host only the proxy would have to resolve; what
    // matters here is that the request went to the proxy, not whether the proxy could relay it.
    const receiver = await startReceiver({ status: 200 });
    const proxy = await startProxy();
    open.push(receiver, proxy);
    expect(receiver.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    const canary = {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace: 'test' },
      spec: { targetRef: { kind: 'Deployment', name: 'podinfo' }, service: { port: 9898 }, analysis: {} },
    } as Canary;
    const url = `${receiver.url.replace('127.0.0.1', 'loopback.localtest')}/hook`;
    const hook: CanaryWebhook = { name: 'load-test', url };
    const caller = new HttpWebhookCaller({ env: { HTTP_PROXY: proxy.url } });
    await caller.call(canary, hook, 'Progressing');
    expect(proxy.seen).toEqual([`POST ${url}`]);
    // and without HTTP_PROXY the same caller goes direct
    await new HttpWebhookCaller({ env: {} }).call(
      canary,
      { ...hook, url: `${receiver.url}/hook` },
      'Progressing',
    );
    expect(proxy.seen).toHaveLength(1);
    expect(receiver.requests).toHaveLength(1);
  });
});
