import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RequestMetrics } from '../metrics/request-metrics.js';
import { startTestUpstream, type TestUpstream } from '../testing/upstream-server.js';
import { WeightedProxy } from './proxy.js';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(
  port: number,
  path = '/',
  headers: http.OutgoingHttpHeaders = {},
  body?: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let primary: TestUpstream;
let canary: TestUpstream;
let proxy: WeightedProxy;
let port: number;
let metrics: RequestMetrics;

beforeAll(async () => {
  primary = await startTestUpstream('primary');
  canary = await startTestUpstream('canary');
});
afterAll(async () => {
  await primary.close();
  await canary.close();
});

async function startProxy(
  options: {
    upstreamTimeoutMs?: number;
    mirrorTimeoutMs?: number;
    canaryPort?: number;
    primaryPort?: number;
  } = {},
) {
  metrics = new RequestMetrics();
  proxy = new WeightedProxy({
    primary: { name: 'app-primary', host: '127.0.0.1', port: options.primaryPort ?? primary.port },
    canary: { name: 'app-canary', host: '127.0.0.1', port: options.canaryPort ?? canary.port },
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 5000,
    mirrorTimeoutMs: options.mirrorTimeoutMs ?? 300,
    observer: metrics,
  });
  port = await proxy.listen(0);
}
afterEach(async () => {
  await proxy.close();
  primary.received.length = 0;
  canary.received.length = 0;
});

async function servedBy(n: number, headers: http.OutgoingHttpHeaders = {}): Promise<string[]> {
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push((await request(port, '/', headers)).body);
  return names;
}

describe('weighted split', () => {
  it('sends all traffic to the primary at first', async () => {
    await startProxy();
    expect(await servedBy(20)).toEqual(Array(20).fill('primary'));
    expect(proxy.getRoutes()).toMatchObject({ primaryWeight: 100, canaryWeight: 0, mirrored: false });
  });

  it('routes exactly 10 of 100 consecutive requests to the canary at 10%', async () => {
    await startProxy();
    proxy.setRoutes({ primaryWeight: 90, canaryWeight: 10, mirrored: false });
    const names = await servedBy(100);
    expect(names.filter((n) => n === 'canary')).toHaveLength(10);
    // The split is spread out, not bunched: no two canary requests in a row.
    expect(names.join(',')).not.toContain('canary,canary');
  });

  it('applies a weight change at once and reads back what it routes by', async () => {
    await startProxy();
    proxy.setRoutes({ primaryWeight: 90, canaryWeight: 10, mirrored: false });
    await servedBy(7);
    proxy.setRoutes({ primaryWeight: 70, canaryWeight: 30, mirrored: false });
    expect(proxy.getRoutes()).toMatchObject({ primaryWeight: 70, canaryWeight: 30 });
    const names = await servedBy(100);
    expect(names.filter((n) => n === 'canary')).toHaveLength(30);
  });

  it('refuses weights that do not add up to 100 and keeps the routes it had', async () => {
    await startProxy();
    proxy.setRoutes({ primaryWeight: 80, canaryWeight: 20, mirrored: false });
    expect(() => proxy.setRoutes({ primaryWeight: 80, canaryWeight: 30, mirrored: false })).toThrow(
      /add up to 100/,
    );
    expect(proxy.getRoutes()).toMatchObject({ primaryWeight: 80, canaryWeight: 20 });
  });
});

describe('A/B matches', () => {
  /** Matching requests all to the canary, the rest to the primary (the A/B split). */
  const abRoutes = (match: NonNullable<Parameters<typeof proxy.setRoutes>[0]['match']>) =>
    proxy.setRoutes({ primaryWeight: 0, canaryWeight: 100, mirrored: false, match });

  it('sends requests matching a header or a cookie regex to the canary, all others to the primary', async () => {
    await startProxy();
    abRoutes([
      { headers: { 'x-canary': { exact: 'insider' } } },
      { headers: { cookie: { regex: '^(.*?;)?(canary=always)(;.*)?$' } } },
    ]);
    expect((await request(port, '/', { 'X-Canary': 'insider' })).body).toBe('canary');
    expect((await request(port, '/', { 'x-canary': 'insider-not' })).body).toBe('primary');
    expect((await request(port, '/', { cookie: 'a=1;canary=always;b=2' })).body).toBe('canary');
    expect((await request(port, '/', { cookie: 'canary=always' })).body).toBe('canary');
    expect((await request(port, '/', { cookie: 'canary=never' })).body).toBe('primary');
    expect((await request(port, '/')).body).toBe('primary');
  });

  it('matches header prefixes and ANDs the conditions of one match', async () => {
    await startProxy();
    abRoutes([{ headers: { 'user-agent': { prefix: 'Mozilla' } }, uri: { prefix: '/api' } }]);
    expect((await request(port, '/api/x', { 'user-agent': 'Mozilla/5.0' })).body).toBe('canary');
    expect((await request(port, '/other', { 'user-agent': 'Mozilla/5.0' })).body).toBe('primary');
    expect((await request(port, '/api/x', { 'user-agent': 'curl/8' })).body).toBe('primary');
  });

  it('matches a header suffix: a value ending with it goes to the canary, any other to the primary', async () => {
    await startProxy();
    abRoutes([{ headers: { 'x-user-email': { suffix: '@example.com' } } }]);
    expect((await request(port, '/', { 'x-user-email': 'ana@example.com' })).body).toBe('canary');
    expect((await request(port, '/', { 'x-user-email': 'ana@example.com.evil' })).body).toBe('primary');
    expect((await request(port, '/', { 'x-user-email': 'ana@example-com' })).body).toBe('primary');
    expect((await request(port, '/')).body).toBe('primary');
  });

  it('refuses an invalid regex, or two ways to compare, with the field that holds it', async () => {
    await startProxy();
    expect(() => abRoutes([{ headers: { x: { regex: '(' } } }])).toThrow(
      /analysis\.match\[0\]\.headers\.x: invalid regex/,
    );
    expect(() => abRoutes([{ headers: { x: { exact: 'a', suffix: 'a' } } }])).toThrow(
      /analysis\.match\[0\]\.headers\.x: set exactly one of exact, prefix, suffix, regex/,
    );
  });
});

describe('mirroring', () => {
  it('copies primary requests to the canary and answers from the primary', async () => {
    await startProxy();
    proxy.setRoutes({ primaryWeight: 100, canaryWeight: 0, mirrored: true });
    const reply = await request(port, '/echo?x=1', { 'content-type': 'text/plain' }, 'hello body');
    expect(JSON.parse(reply.body)).toMatchObject({ name: 'primary', body: 'hello body' });
    await until(() => canary.received.length === 1);
    expect(canary.received[0]).toMatchObject({ method: 'POST', url: '/echo?x=1' });
    expect(canary.received[0]!.headers['x-aviary-mirror']).toBe('true');
  });

  it('copies only the configured share', async () => {
    await startProxy();
    proxy.setRoutes({ primaryWeight: 100, canaryWeight: 0, mirrored: true, mirrorPercent: 25 });
    await servedBy(40);
    await until(() => canary.received.length === 10);
    await new Promise((r) => setTimeout(r, 50));
    expect(canary.received).toHaveLength(10);
  });

  it('never delays or fails the client when the mirror is slow or down', async () => {
    // A canary that accepts connections and never answers.
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    // The mirror would give up only after a minute: a client that waited for it would not be answered
    // before the test's own timeout.
    await startProxy({ canaryPort: (silent.address() as net.AddressInfo).port, mirrorTimeoutMs: 60_000 });
    proxy.setRoutes({ primaryWeight: 100, canaryWeight: 0, mirrored: true });
    const replies = await Promise.all(Array.from({ length: 20 }, () => request(port, '/')));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    // Answered while the copies were sent and are still unanswered.
    await until(() => sockets.length === 20);
    expect(sockets.every((s) => !s.destroyed)).toBe(true);
    sockets.forEach((s) => s.destroy());
    await new Promise<void>((r) => silent.close(() => r()));

    // And a canary that is not listening at all.
    await proxy.close();
    await startProxy({ canaryPort: 1 });
    proxy.setRoutes({ primaryWeight: 100, canaryWeight: 0, mirrored: true });
    expect((await servedBy(5)).every((n) => n === 'primary')).toBe(true);
    await until(async () => /aviary_mirror_requests_total\{result="error"\} 5/.test(await metrics.text()));
  });
});

describe('session affinity', () => {
  it('pins a client to the canary with a cookie and sends the previous cookie to the primary', async () => {
    await startProxy();
    proxy.setRoutes({
      primaryWeight: 50,
      canaryWeight: 50,
      mirrored: false,
      affinity: {
        cookieName: 'aviary-canary',
        canaryValue: 'r4nd0m',
        previousValue: 'old',
        attributes: { path: '/' },
      },
    });
    let cookie: string | undefined;
    for (let i = 0; i < 4 && !cookie; i++) {
      const reply = await request(port, '/');
      if (reply.body === 'canary') cookie = reply.headers['set-cookie']?.[0];
      else expect(reply.headers['set-cookie']).toBeUndefined();
    }
    expect(cookie).toBe('aviary-canary=r4nd0m; Max-Age=86400; Path=/');
    const sticky = await servedBy(10, { cookie: 'aviary-canary=r4nd0m' });
    expect(sticky).toEqual(Array(10).fill('canary'));
    const previous = await request(port, '/', { cookie: 'aviary-canary=old' });
    expect(previous.body).toBe('primary');
    expect(previous.headers['set-cookie']).toEqual(['aviary-canary=old; Max-Age=-1; Path=/']);
  });
});

describe('forwarding', () => {
  it('streams a chunked response as it is produced', async () => {
    await startProxy();
    const arrivals: number[] = [];
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/stream?chunks=3&gapMs=150' }, (res) => {
          res.on('data', () => arrivals.push(Date.now() - started));
          res.on('end', resolve);
        })
        .on('error', reject);
    });
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expect(arrivals[0]!).toBeLessThan(250);
    expect(arrivals[arrivals.length - 1]! - arrivals[0]!).toBeGreaterThanOrEqual(250);
  });

  it('streams a request body to the upstream and sets X-Forwarded headers, without hop-by-hop ones', async () => {
    await startProxy();
    const reply = await request(
      port,
      '/echo',
      { 'keep-alive': 'timeout=5', 'x-drop-me': '1', connection: 'x-drop-me', host: 'shop.example' },
      'payload',
    );
    const echoed = JSON.parse(reply.body) as { body: string; headers: Record<string, string> };
    expect(echoed.body).toBe('payload');
    expect(echoed.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(echoed.headers['x-forwarded-proto']).toBe('http');
    expect(echoed.headers['x-forwarded-host']).toBe('shop.example');
    expect(echoed.headers['x-drop-me']).toBeUndefined();
    expect(echoed.headers['keep-alive']).toBeUndefined();
  });

  it('answers 502 naming the upstream when both versions are down', async () => {
    await startProxy({ canaryPort: 1, primaryPort: 2 });
    proxy.setRoutes({ primaryWeight: 0, canaryWeight: 100, mirrored: false });
    const reply = await request(port, '/');
    expect(reply.status).toBe(502);
    expect(reply.body).toMatch(/upstream "app-primary" \(127\.0\.0\.1:2\) is unreachable.*ECONNREFUSED/);
    expect(reply.body).toMatch(
      /retried there after upstream "app-canary" \(127\.0\.0\.1:1\) failed with ECONNREFUSED/,
    );
  });

  it('answers 502 when the upstream resets the connection, and keeps serving', async () => {
    await startProxy();
    expect((await request(port, '/reset')).status).toBe(502);
    expect((await request(port, '/')).body).toBe('primary');
  });

  it('answers 504 when the upstream does not answer in time', async () => {
    await startProxy({ upstreamTimeoutMs: 200 });
    const reply = await request(port, '/slow?ms=2000');
    expect(reply.status).toBe(504);
    expect(reply.body).toMatch(/upstream "app-primary" .* did not answer within 200 ms/);
  });

  it('survives a malformed request', async () => {
    await startProxy();
    const answer = await new Promise<string>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect((await request(port, '/')).body).toBe('primary');
  });
});

describe('a version that refuses connections', () => {
  /** Counts per version and status from the router's own metrics. */
  async function counted(version: string, code: string): Promise<number> {
    const text = await metrics.text();
    const line = new RegExp(`aviary_requests_total\\{version="${version}",code_class="${code}"\\} (\\d+)`);
    return Number(line.exec(text)?.[1] ?? 0);
  }

  it('is marked down at the first refusal; that request and the ones after it are served by the other version', async () => {
    await startProxy({ canaryPort: 1 });
    proxy.setRoutes({ primaryWeight: 50, canaryWeight: 50, mirrored: false });
    const replies = await Promise.all(Array.from({ length: 40 }, () => request(port, '/')));
    expect(replies.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(new Set(replies.map((r) => r.body))).toEqual(new Set(['primary']));
    expect(proxy.upstreamHealth('canary')).toMatchObject({
      down: true,
      reason: 'ECONNREFUSED',
      downCount: 1,
    });
    // The analysis still sees the canary's failed attempts (only those made before it was marked down).
    const failedAttempts = await counted('canary', '5xx');
    expect(failedAttempts).toBeGreaterThanOrEqual(1);
    expect(failedAttempts).toBeLessThan(20);
    expect(await counted('primary', '2xx')).toBe(40);
  });

  it('retries a POST on the other version with its body when the connection was refused', async () => {
    await startProxy({ canaryPort: 1 });
    proxy.setRoutes({ primaryWeight: 0, canaryWeight: 100, mirrored: false });
    const reply = await request(port, '/echo', { 'content-type': 'text/plain' }, 'order #1');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toMatchObject({ name: 'primary', method: 'POST', body: 'order #1' });
  });

  it('is probed and gets its share back once it listens again', async () => {
    const reserved = await startTestUpstream('canary-again');
    const canaryPort = reserved.port;
    await reserved.close();
    await startProxy({ canaryPort });
    proxy.setRoutes({ primaryWeight: 50, canaryWeight: 50, mirrored: false });
    expect(new Set(await servedBy(10))).toEqual(new Set(['primary']));
    expect(proxy.upstreamHealth('canary').down).toBe(true);

    const back = http.createServer((_q, s) => s.end('canary-back'));
    await new Promise<void>((r) => back.listen(canaryPort, '127.0.0.1', r));
    try {
      await until(() => !proxy.upstreamHealth('canary').down, 5000);
      expect((await servedBy(10)).filter((n) => n === 'canary-back')).toHaveLength(5);
    } finally {
      back.closeAllConnections();
      await new Promise<void>((r) => back.close(() => r()));
    }
  });

  it('a broken connection is retried for a GET but not for a POST, which the upstream may have acted on', async () => {
    // Accepts, reads the request, and drops the connection without answering.
    const dropper = net.createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((r) => dropper.listen(0, '127.0.0.1', r));
    try {
      await startProxy({ canaryPort: (dropper.address() as net.AddressInfo).port });
      proxy.setRoutes({ primaryWeight: 0, canaryWeight: 100, mirrored: false });
      const get = await request(port, '/');
      expect(get).toMatchObject({ status: 200, body: 'primary' });
      const post = await request(port, '/echo', {}, 'pay once');
      expect(post.status).toBe(502);
      expect(post.body).toMatch(/upstream "app-canary"/);
      expect(primary.received.filter((r) => r.method === 'POST')).toHaveLength(0);
      // It accepted connections: not marked down.
      expect(proxy.upstreamHealth('canary').down).toBe(false);
    } finally {
      await new Promise<void>((r) => dropper.close(() => r()));
    }
  });

  it('the canary takes no primary requests while it has no share', async () => {
    await startProxy({ primaryPort: 2 });
    const reply = await request(port, '/');
    expect(reply.status).toBe(502);
    expect(canary.received).toHaveLength(0);
  });
});
