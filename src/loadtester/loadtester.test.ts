import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLoadTester, type LoadTester } from './index.js';

const silent = pino({ level: 'silent' });

interface Answer {
  status: number;
  text: string;
  headers: Headers;
}

async function post(lt: LoadTester, route: string, body: unknown, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(lt.url + route, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

async function runningTasks(lt: LoadTester): Promise<{ canary: string; cmd: string; pid: number }[]> {
  const res = await fetch(`${lt.url}/tasks`);
  return ((await res.json()) as { running: { canary: string; cmd: string; pid: number }[] }).running;
}

async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  timeoutMs = 8000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A zombie (exited, not yet reaped by init) counts as dead. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const hook = (metadata: Record<string, string>, name = 'podinfo', namespace = 'test') => ({
  name,
  namespace,
  phase: 'Progressing',
  checksum: 'abc',
  metadata,
});

describe('loadtester', () => {
  let workDir: string;
  let lt: LoadTester;
  let noBash: LoadTester;
  let target: Server;
  let targetUrl: string;
  let hits = 0;

  beforeAll(async () => {
    workDir = mkdtempSync(path.join(os.tmpdir(), 'aviary-lt-'));
    lt = await startLoadTester({
      port: 0,
      host: '127.0.0.1',
      workDir,
      allowBash: true,
      allowedCommands: ['sleep'],
      logger: silent,
    });
    noBash = await startLoadTester({ port: 0, host: '127.0.0.1', workDir, logger: silent });
    target = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await Promise.all([lt?.close(), noBash?.close()]);
    await new Promise((resolve) => target?.close(resolve));
    rmSync(workDir, { recursive: true, force: true });
  });

  describe('type cmd (background)', () => {
    it('runs real hey against a service and every request arrives', async () => {
      hits = 0;
      const answer = await post(lt, '/', hook({ type: 'cmd', cmd: `hey -n 30 -c 3 ${targetUrl}` }));
      expect(answer.status).toBe(202);
      expect(answer.text).toContain('started');
      await waitFor('hey to send 30 requests', () => hits === 30);
      await waitFor('hey to exit', async () => (await runningTasks(lt)).length === 0);
      expect(hits).toBe(30);
    });

    it('treats a missing type as cmd, like Flagger', async () => {
      hits = 0;
      const answer = await post(lt, '/', hook({ cmd: `curl -s ${targetUrl}` }));
      expect(answer.status).toBe(202);
      await waitFor('curl to hit the service', () => hits === 1);
    });

    it('never starts the same command twice for a canary while it runs', async () => {
      const cmd = 'sleep 1';
      const answers = await Promise.all(Array.from({ length: 5 }, () => post(lt, '/', hook({ cmd }))));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 202]);
      expect(answers.filter((a) => a.status === 200).every((a) => a.text.includes('already running'))).toBe(
        true,
      );
      expect((await runningTasks(lt)).filter((t) => t.cmd === cmd)).toHaveLength(1);

      // Another canary gets its own instance.
      expect((await post(lt, '/', hook({ cmd }, 'other'))).status).toBe(202);
      expect((await runningTasks(lt)).filter((t) => t.cmd === cmd)).toHaveLength(2);

      // Once it has ended, the next webhook starts it again.
      await waitFor('sleep to end', async () => (await runningTasks(lt)).length === 0, 5000);
      expect((await post(lt, '/', hook({ cmd }))).status).toBe(202);
    });

    it('kills a background command at its timeout', async () => {
      const answer = await post(lt, '/', hook({ cmd: 'sleep 30', timeout: '300ms' }, 'timeout-bg'));
      expect(answer.status).toBe(202);
      const [task] = (await runningTasks(lt)).filter((t) => t.canary === 'timeout-bg.test');
      expect(task).toBeDefined();
      await waitFor(
        'the timed-out command to be gone',
        async () => (await runningTasks(lt)).length === 0,
        4000,
      );
      expect(isAlive(task!.pid)).toBe(false);
    });

    it('refuses a program that is not on the allowlist with 403 naming it and the flag', async () => {
      const answer = await post(lt, '/', hook({ cmd: 'python3 -c "print(1)"' }));
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('"python3" is not allowed');
      expect(answer.text).toContain('--allow-command python3');
    });

    it('refuses an allowed name reached through another path', async () => {
      const answer = await post(lt, '/', hook({ cmd: `${workDir}/hey -n 1 ${targetUrl}` }));
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('without a path');
    });

    it('applies the allowlist to kubectl and helm task types', async () => {
      const answer = await post(lt, '/', hook({ type: 'helm', cmd: 'upgrade -i app ./chart' }));
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('--allow-command helm');
    });

    it('refuses shell syntax without a shell and says how to get one', async () => {
      const answer = await post(lt, '/', hook({ cmd: `curl -s ${targetUrl} | grep ok` }));
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('needs a shell');
      expect(answer.text).toContain('bash');
    });
  });

  describe('type bash (blocking)', () => {
    it('is refused with 403 pointing to --allow-bash when bash is not enabled', async () => {
      const answer = await post(noBash, '/', hook({ type: 'bash', cmd: 'echo hi' }));
      expect(answer.status).toBe(403);
      expect(answer.text).toContain('--allow-bash');
    });

    it('returns 200 with the output when the command succeeds', async () => {
      const answer = await post(lt, '/', hook({ type: 'bash', cmd: 'echo hello from bash' }));
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-aviary-exit-code')).toBe('0');
      expect(answer.text).toContain('exited with code 0');
      expect(answer.text).toContain('hello from bash');
    });

    it('returns only the output with returnCmdOutput, like Flagger', async () => {
      const answer = await post(
        lt,
        '/',
        hook({ type: 'bash', cmd: 'echo token-123', returnCmdOutput: 'true' }),
      );
      expect(answer.status).toBe(200);
      expect(answer.text).toBe('token-123\n');
    });

    it('returns 500 with the exit code and the first output lines when the command fails', async () => {
      const answer = await post(lt, '/', hook({ type: 'bash', cmd: 'echo "not ok 1 - smoke test"; exit 3' }));
      expect(answer.status).toBe(500);
      expect(answer.headers.get('x-aviary-exit-code')).toBe('3');
      expect(answer.text).toContain('exited with code 3');
      expect(answer.text).toContain('not ok 1 - smoke test');
    });

    it('runs in the work dir with a sanitized environment', async () => {
      process.env.AVIARY_LT_TEST_SECRET = 's3cret';
      try {
        const answer = await post(
          lt,
          '/',
          hook({
            type: 'bash',
            cmd: 'pwd; echo "$HOME|$TMPDIR|${AVIARY_LT_TEST_SECRET:-unset}"',
            returnCmdOutput: 'true',
          }),
        );
        expect(answer.status).toBe(200);
        const real = realpathSync(workDir);
        expect(answer.text.trim().split('\n')).toEqual([real, `${real}|${real}|unset`]);
      } finally {
        delete process.env.AVIARY_LT_TEST_SECRET;
      }
    });

    it('kills the command and everything it started at the timeout', async () => {
      const started = Date.now();
      const answer = await post(
        lt,
        '/',
        hook({ type: 'bash', cmd: 'sleep 30 & echo $! > child.pid; sleep 30', timeout: '500ms' }),
      );
      expect(answer.status).toBe(500);
      expect(answer.text).toContain('timed out');
      expect(Date.now() - started).toBeLessThan(5000);
      const child = Number(readFileSync(path.join(workDir, 'child.pid'), 'utf8'));
      await waitFor('the background child to die with its group', () => !isAlive(child), 3000);
    });

    it('kills the command when the caller goes away', async () => {
      const pidFile = path.join(workDir, 'blocking.pid');
      const abort = new AbortController();
      const request = post(lt, '/', hook({ type: 'bash', cmd: 'echo $$ > blocking.pid; sleep 30' }), {
        signal: abort.signal,
      }).catch(() => undefined);
      await waitFor(
        'the command to start',
        () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '',
      );
      const pid = Number(readFileSync(pidFile, 'utf8'));
      abort.abort();
      await request;
      await waitFor('the abandoned command to die', () => !isAlive(pid), 3000);
    });
  });

  describe('gates', () => {
    const canary = { name: 'gated', namespace: 'test' };

    it('keeps the promotion gate closed until opened, per canary', async () => {
      expect(await post(lt, '/gate/check', canary)).toMatchObject({ status: 403, text: 'Forbidden' });
      expect((await post(lt, '/gate/open', canary)).status).toBe(202);
      expect(await post(lt, '/gate/check', canary)).toMatchObject({ status: 200, text: 'Approved' });
      expect((await post(lt, '/gate/check', { ...canary, namespace: 'other' })).status).toBe(403);
      expect((await post(lt, '/gate/close', canary)).status).toBe(202);
      expect((await post(lt, '/gate/check', canary)).status).toBe(403);
    });

    it('answers approve with 200 and halt with 403, whatever the body', async () => {
      expect(await post(lt, '/gate/approve', canary)).toMatchObject({ status: 200, text: 'OK' });
      expect(await post(lt, '/gate/approve', '')).toMatchObject({ status: 200 });
      expect(await post(lt, '/gate/halt', canary)).toMatchObject({ status: 403, text: 'Forbidden' });
    });

    it('keeps the rollback gate separate from the promotion gate (200 means roll back)', async () => {
      expect((await post(lt, '/rollback/check', canary)).status).toBe(403);
      expect((await post(lt, '/gate/open', canary)).status).toBe(202);
      expect((await post(lt, '/rollback/check', canary)).status).toBe(403);
      expect((await post(lt, '/rollback/open', canary)).status).toBe(202);
      expect(await post(lt, '/rollback/check', canary)).toMatchObject({ status: 200, text: 'Approved' });
      expect((await post(lt, '/rollback/close', canary)).status).toBe(202);
      expect((await post(lt, '/rollback/check', canary)).status).toBe(403);
      expect((await post(lt, '/gate/check', canary)).status).toBe(200);
    });

    it("never lets one canary open another canary's gate through a dotted name", async () => {
      const victim = { name: 'victim', namespace: 'prod' };
      const attacker = { name: 'rollback.victim', namespace: 'prod' };
      expect((await post(lt, '/gate/open', attacker)).status).toBe(202);
      expect((await post(lt, '/rollback/check', victim)).status).toBe(403);
      expect((await post(lt, '/gate/open', { name: 'victim.prod', namespace: 'x' })).status).toBe(202);
      expect((await post(lt, '/gate/check', { name: 'victim', namespace: 'prod.x' })).status).toBe(403);
    });
  });

  describe('limits', () => {
    it('answers 429 naming --max-background once that many commands run', async () => {
      const small = await startLoadTester({
        port: 0,
        host: '127.0.0.1',
        workDir,
        allowedCommands: ['sleep'],
        maxBackground: 2,
        logger: silent,
      });
      try {
        expect((await post(small, '/', hook({ cmd: 'sleep 5' }, 'a'))).status).toBe(202);
        expect((await post(small, '/', hook({ cmd: 'sleep 5' }, 'b'))).status).toBe(202);
        const third = await post(small, '/', hook({ cmd: 'sleep 5' }, 'c'));
        expect(third.status).toBe(429);
        expect(third.text).toContain('--max-background');
        expect(await runningTasks(small)).toHaveLength(2);
      } finally {
        await small.close();
      }
    });

    it('restricts an --allow-command program to the flags its entry lists', async () => {
      const scoped = await startLoadTester({
        port: 0,
        host: '127.0.0.1',
        workDir,
        allowedCommands: ['echo:-n,--name='],
        logger: silent,
      });
      try {
        const ok = await post(scoped, '/', hook({ type: 'kubectl', cmd: 'x' }));
        expect(ok.status).toBe(403);
        const listed = await post(scoped, '/', hook({ cmd: 'echo -n --name=x hello' }));
        expect(listed.status).toBe(202);
        const other = await post(scoped, '/', hook({ cmd: 'echo -e hello' }, 'other'));
        expect(other.status).toBe(403);
        expect(other.text).toContain('echo flag "-e" is not allowed');
      } finally {
        await scoped.close();
      }
    });
  });

  describe('bad input', () => {
    it.each([
      ['/', '{not json', 400, 'not valid JSON'],
      ['/', '', 400, 'empty'],
      ['/', '[1,2]', 400, 'JSON object'],
      ['/', { namespace: 'test', metadata: { cmd: 'hey' } }, 400, 'field "name" is required'],
      ['/', { name: 'podinfo', metadata: { cmd: 'hey' } }, 400, 'field "namespace" is required'],
      ['/', { name: 7, namespace: 'test' }, 400, 'field "name" must be a string'],
      ['/', { name: 'podinfo', namespace: 'test' }, 400, 'metadata not found in payload'],
      ['/', { name: 'podinfo', namespace: 'test', metadata: 'hey' }, 400, 'field "metadata"'],
      ['/', hook({ cmd: 'hey', extra: { a: 1 } as unknown as string }), 400, 'metadata.extra'],
      ['/', hook({ type: 'cmd' }), 400, 'metadata.cmd'],
      ['/', hook({ cmd: 'sleep 1', timeout: 'soon' }), 400, 'metadata.timeout'],
      ['/', hook({ type: 'concord', cmd: 'x' }), 400, 'not supported'],
      ['/', hook({ type: 'grpc', cmd: 'x' }), 400, 'unknown metadata.type "grpc"'],
      ['/gate/check', { name: 'podinfo' }, 400, 'field "namespace" is required'],
      ['/rollback/open', '{', 400, 'not valid JSON'],
      ['/nope', {}, 404, 'no endpoint /nope'],
    ])('POST %s %j answers %i (%s)', async (route, body, status, message) => {
      const answer = await post(lt, route, body);
      expect(answer.status).toBe(status);
      expect(answer.text).toContain(message);
    });

    it('answers 405 to other methods and 413 to huge bodies, and keeps serving', async () => {
      const get = await fetch(`${lt.url}/gate/check`);
      expect(get.status).toBe(405);
      const huge = await post(lt, '/', { name: 'x', namespace: 'y', pad: 'x'.repeat(2 * 1024 * 1024) }).catch(
        () => ({ status: 413, text: '' }),
      );
      expect(huge.status).toBe(413);
      expect((await fetch(`${lt.url}/healthz`)).status).toBe(200);
    });

    it('refuses namespaces outside --namespace-regexp', async () => {
      const scoped = await startLoadTester({
        port: 0,
        host: '127.0.0.1',
        workDir,
        namespacePattern: /^test$/,
        logger: silent,
      });
      try {
        expect((await post(scoped, '/gate/open', { name: 'a', namespace: 'prod' })).status).toBe(403);
        expect((await post(scoped, '/gate/open', { name: 'a', namespace: 'test' })).status).toBe(202);
      } finally {
        await scoped.close();
      }
    });
  });

  it('close() kills running background commands and their process groups', async () => {
    const own = await startLoadTester({
      port: 0,
      host: '127.0.0.1',
      workDir,
      allowedCommands: ['sleep'],
      logger: silent,
    });
    expect((await post(own, '/', hook({ cmd: 'sleep 30' }))).status).toBe(202);
    const [task] = await runningTasks(own);
    expect(task?.pid).toBeGreaterThan(0);
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(5000);
    await waitFor('sleep to be gone', () => !isAlive(task!.pid), 3000);
    await expect(fetch(`${own.url}/healthz`)).rejects.toThrow();
  });
});
