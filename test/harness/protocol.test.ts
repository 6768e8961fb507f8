import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, widget, WIDGET_CRD } from './fixtures.js';
import { startFakeApiServer, type FakeApiServer } from './index.js';

/** Wire-level details that clients depend on, checked with plain HTTP. */
// Response bodies are read loosely: the assertions are the type checks here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Wire = any;

let server: FakeApiServer;

beforeAll(async () => {
  server = await startFakeApiServer({ bookmarkIntervalMs: 50, namespaces: ['wire'] });
  server.registerCrd(WIDGET_CRD);
});
afterAll(() => server.close());

const cmPath = '/api/v1/namespaces/wire/configmaps';

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(server.url + path, {
    method,
    headers: { 'Content-Type': contentType },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, Wire> };
}

/** Reads NDJSON watch events until `count` arrived or the stream ends. */
async function watchEvents(
  path: string,
  count: number,
  during?: () => Promise<void>,
): Promise<{ type: string; object: Wire }[]> {
  const controller = new AbortController();
  const res = await fetch(server.url + path, { signal: controller.signal });
  expect(res.status).toBe(200);
  const events: { type: string; object: Wire }[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const pending = during?.();
  while (events.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, newline)));
      buffer = buffer.slice(newline + 1);
    }
  }
  controller.abort();
  await pending;
  return events;
}

describe('watch protocol', () => {
  it('replays from a resourceVersion, then streams live events', async () => {
    const a = await call('POST', cmPath, { metadata: { name: 'a' } });
    await call('PATCH', `${cmPath}/a`, { data: { x: '1' } }, 'application/merge-patch+json');
    const events = await watchEvents(
      `${cmPath}?watch=true&resourceVersion=${a.body.metadata.resourceVersion}`,
      2,
      async () => {
        await call('DELETE', `${cmPath}/a`);
      },
    );
    expect(events.map((e) => e.type)).toEqual(['MODIFIED', 'DELETED']);
    expect(events[0]?.object).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1', data: { x: '1' } });
    expect(Number(events[1]?.object.metadata.resourceVersion)).toBeGreaterThan(
      Number(events[0]?.object.metadata.resourceVersion),
    );
  });

  it('sends the current state as ADDED for resourceVersion 0, and bookmarks', async () => {
    await call('POST', cmPath, { metadata: { name: 'b' } });
    const events = await watchEvents(`${cmPath}?watch=true&resourceVersion=0&allowWatchBookmarks=true`, 2);
    expect(events[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(events[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', metadata: { resourceVersion: server.currentResourceVersion } },
    });
  });

  it('answers a too-old resourceVersion with an ERROR 410 event and closes', async () => {
    const rv = server.currentResourceVersion;
    await call('POST', cmPath, { metadata: { name: 'c' } });
    server.compactHistory();
    const events = await watchEvents(`${cmPath}?watch=true&resourceVersion=${rv}`, 5);
    expect(events).toEqual([
      { type: 'ERROR', object: expect.objectContaining({ kind: 'Status', code: 410, reason: 'Expired' }) },
    ]);
  });

  it('turns label changes into ADDED/DELETED for a selector-filtered watch', async () => {
    const rv = server.currentResourceVersion;
    const events = await watchEvents(
      `/api/v1/watch/namespaces/wire/configmaps?labelSelector=tier%3Dweb&resourceVersion=${rv}`,
      2,
      async () => {
        await call(
          'PATCH',
          `${cmPath}/b`,
          { metadata: { labels: { tier: 'web' } } },
          'application/merge-patch+json',
        );
        await call(
          'PATCH',
          `${cmPath}/b`,
          { metadata: { labels: { tier: 'db' } } },
          'application/merge-patch+json',
        );
      },
    );
    expect(events.map((e) => e.type)).toEqual(['ADDED', 'DELETED']);
  });

  it('ends the stream after timeoutSeconds', async () => {
    const started = Date.now();
    const events = await watchEvents(
      `${cmPath}?watch=1&resourceVersion=${server.currentResourceVersion}&timeoutSeconds=1`,
      1,
    );
    expect(events).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });
});

describe('REST details', () => {
  it('serves discovery with subresources', async () => {
    const apps = await call('GET', '/apis/apps/v1');
    const names = (apps.body.resources as { name: string }[]).map((r) => r.name);
    expect(names).toEqual(expect.arrayContaining(['deployments', 'deployments/status', 'deployments/scale']));
    const groups = await call('GET', '/apis');
    expect((groups.body.groups as { name: string }[]).map((g) => g.name)).toContain('test.aviary.dev');
  });

  it('pages lists with limit and continue', async () => {
    for (const name of ['p1', 'p2', 'p3'])
      await call('POST', '/api/v1/namespaces/wire/secrets', { metadata: { name }, stringData: { k: 'v' } });
    const first = await call('GET', '/api/v1/namespaces/wire/secrets?limit=2');
    expect(first.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual([
      'p1',
      'p2',
    ]);
    expect(first.body.items[0].data).toEqual({ k: 'dg==' });
    const rest = await call(
      'GET',
      `/api/v1/namespaces/wire/secrets?limit=2&continue=${first.body.metadata.continue}`,
    );
    expect(rest.body.items.map((i: { metadata: { name: string } }) => i.metadata.name)).toEqual(['p3']);
    expect(rest.body.metadata.continue).toBeUndefined();
  });

  it('creates or merges with server-side apply and requires a fieldManager', async () => {
    const path = '/apis/test.aviary.dev/v1/namespaces/wire/widgets/applied';
    const yaml =
      'apiVersion: test.aviary.dev/v1\nkind: Widget\nmetadata:\n  name: applied\nspec:\n  image: a\n';
    expect((await call('PATCH', path, yaml, 'application/apply-patch+yaml')).status).toBe(400);
    expect(
      (await call('PATCH', `${path}?fieldManager=aviary`, yaml, 'application/apply-patch+yaml')).status,
    ).toBe(201);
    const updated = await call(
      'PATCH',
      `${path}?fieldManager=aviary&force=true`,
      yaml.replace('image: a', 'image: b\n  replicas: 2'),
      'application/apply-patch+yaml',
    );
    expect(updated.body.spec).toEqual({ image: 'b', replicas: 2 });
  });

  it('applies JSON patch with test operations and reports unknown fields', async () => {
    await call(
      'POST',
      '/apis/test.aviary.dev/v1/namespaces/wire/widgets',
      widget('jp', { image: 'a', bogus: true }, 'wire'),
    );
    const path = '/apis/test.aviary.dev/v1/namespaces/wire/widgets/jp';
    const failed = await call(
      'PATCH',
      path,
      [
        { op: 'test', path: '/spec/image', value: 'zzz' },
        { op: 'replace', path: '/spec/image', value: 'b' },
      ],
      'application/json-patch+json',
    );
    expect(failed.status).toBe(422);
    const ok = await call(
      'PATCH',
      path,
      [
        { op: 'test', path: '/spec/image', value: 'a' },
        { op: 'replace', path: '/spec/image', value: 'b' },
      ],
      'application/json-patch+json',
    );
    expect(ok.body.spec.image).toBe('b');
    const warned = await call(
      'POST',
      '/apis/test.aviary.dev/v1/namespaces/wire/widgets',
      widget('warned', { image: 'a', bogus: true }, 'wire'),
    );
    expect(warned.headers.get('warning')).toContain('unknown field \\"spec.bogus\\"');
    const strict = await call(
      'POST',
      '/apis/test.aviary.dev/v1/namespaces/wire/widgets?fieldValidation=Strict',
      widget('strict', { image: 'a', bogus: true }, 'wire'),
    );
    expect(strict.status).toBe(400);
  });

  it('injects faults for the next matching requests', async () => {
    server.injectFault({ verb: 'get', resource: 'configmaps', code: 500, times: 1 });
    expect((await call('GET', `${cmPath}/b`)).status).toBe(500);
    expect((await call('GET', `${cmPath}/b`)).status).toBe(200);
  });

  it('deletes a namespace with its content, refusing new content meanwhile', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call('POST', '/apis/apps/v1/namespaces/doomed/deployments', deployment('d', 'doomed'));
    await call('POST', '/api/v1/namespaces/doomed/configmaps', {
      metadata: { name: 'held', finalizers: ['x/y'] },
    });
    const deleting = await call('DELETE', '/api/v1/namespaces/doomed');
    expect(deleting.body.status.phase).toBe('Terminating');
    expect(
      (await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'late' } })).status,
    ).toBe(403);
    await server.waitFor('deployments.apps', 'doomed', 'd', (d) => d === undefined);
    expect(server.get('namespaces', undefined, 'doomed')).toBeDefined();
    await call(
      'PATCH',
      '/api/v1/namespaces/doomed/configmaps/held',
      { metadata: { finalizers: null } },
      'application/merge-patch+json',
    );
    await server.waitFor('namespaces', undefined, 'doomed', (ns) => ns === undefined);
  });
});
