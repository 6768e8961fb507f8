import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadTester, type LoadTester } from '../../src/loadtester/index.js';
import { hostileCommands } from './hostile-commands.js';

/**
 * The loadtester with its default flags (no --allow-bash, only hey and curl) against real curl and hey:
 * every hostile command is refused before anything starts, the process keeps serving, nothing appears
 * in the work dir or outside it, and the target sees no request carrying a local file.
 */
describe('loadtester against hostile commands', () => {
  let workDir: string;
  let outside: string;
  let lt: LoadTester;
  let target: Server;
  let url: string;
  const received: string[] = [];

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'aviary-lt-work-'));
    outside = mkdtempSync(path.join(os.tmpdir(), 'aviary-lt-outside-'));
    lt = await startLoadTester({ port: 0, host: '127.0.0.1', workDir, logger: pino({ level: 'silent' }) });
    target = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(`${req.method} ${req.url} ${JSON.stringify(req.headers)} ${body}`);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await lt?.close();
    await new Promise((resolve) => target?.close(resolve));
    rmSync(workDir, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  const post = async (metadata: Record<string, string>) => {
    const res = await fetch(lt.url, {
      method: 'POST',
      body: JSON.stringify({ name: 'podinfo', namespace: 'test', metadata }),
    });
    return { status: res.status, text: await res.text() };
  };

  it('refuses more than 100 hostile commands with a 4xx that names the problem', async () => {
    const corpus = hostileCommands(outside, url);
    expect(corpus.length).toBeGreaterThanOrEqual(100);
    const accepted: string[] = [];
    for (const { metadata } of corpus) {
      const answer = await post(metadata);
      if (answer.status < 400 || answer.status >= 500) accepted.push(`${answer.status} ${metadata.cmd}`);
      else expect(answer.text.length).toBeGreaterThan(10);
    }
    expect(accepted).toEqual([]);

    const tasks = (await (await fetch(`${lt.url}/tasks`)).json()) as { running: unknown[] };
    expect(tasks.running).toEqual([]);
    expect(readdirSync(workDir)).toEqual([]);
    expect(readdirSync(outside)).toEqual([]);
    expect(received.filter((r) => r.includes('root:'))).toEqual([]);
    expect((await fetch(`${lt.url}/healthz`)).status).toBe(200);
  });

  it('names the refused flag and lists the allowed ones', async () => {
    const answer = await post({ cmd: `curl --engine ./evil.so ${url}` });
    expect(answer.status).toBe(403);
    expect(answer.text).toContain('curl flag "--engine" is not allowed');
    expect(answer.text).toContain('--max-time');
    const data = await post({ cmd: `curl -d @/etc/passwd ${url}` });
    expect(data.text).toContain('curl -d: the data (write it inline) may not start with "@"');
    const hey = await post({ cmd: `hey -D /etc/passwd ${url}` });
    expect(hey.text).toContain('hey flag "-D" is not allowed');
  });

  it('still runs the flags a smoke test or load test uses, for real', async () => {
    received.length = 0;
    const smoke = await post({
      type: 'cmd',
      cmd: `curl -sS -f --max-time 5 -X POST -H 'X-Canary: insider' -d '{"a":1}' -b canary=always -o /dev/null -w '%{http_code}' ${url}token`,
    });
    expect(smoke.status).toBe(202);
    const load = await post({ cmd: `hey -n 5 -c 1 -m GET -H 'X-Load: 1' -t 5 ${url}load` });
    expect(load.status).toBe(202);
    const deadline = Date.now() + 15_000;
    while (received.length < 6 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const posts = received.filter((r) => r.startsWith('POST /token'));
    expect(posts).toHaveLength(1);
    expect(posts[0]).toContain('"x-canary":"insider"');
    expect(posts[0]).toContain('"cookie":"canary=always"');
    expect(posts[0]).toContain('{"a":1}');
    expect(received.filter((r) => r.startsWith('GET /load') && r.includes('"x-load":"1"'))).toHaveLength(5);
    expect(existsSync(path.join(workDir, 'token'))).toBe(false);
  });

  it('keeps serving after arguments spawn would throw on, answering 400 before starting anything', async () => {
    const nul = await post({ cmd: `curl ${url} a\u0000b` });
    expect(nul.status).toBe(400);
    expect(nul.text).toContain('NUL byte');
    const huge = await post({ cmd: `curl ${url}${'x'.repeat(200_000)}` });
    expect(huge.status).toBe(400);
    expect(huge.text).toContain('metadata.cmd');
    expect((await fetch(`${lt.url}/healthz`)).status).toBe(200);
  });
});
