/**
 * The HTTP face of the loadtester: Flagger's endpoints, each answering the status codes Flagger's
 * webhook client understands (<= 202 is success; the body of anything else becomes the canary's
 * event text, so every refusal says what to do next).
 */
import { mkdirSync, realpathSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { BackgroundTasks } from './background-tasks.js';
import { commandEnv } from './command-env.js';
import { CommandPolicy, sanitizeSearchPath } from './command-policy.js';
import { formatDuration } from './duration.js';
import { GateStore, type GateKind } from './gates.js';
import { parsePayload, type WebhookPayload } from './payload.js';
import { describeEnd, runCommand, succeeded, type RunResult } from './run-command.js';
import { planTask } from './tasks.js';

export interface LoadTesterOptions {
  port: number;
  /** Default 0.0.0.0. */
  host?: string;
  /** cwd, HOME and TMPDIR of every command; created if missing. */
  workDir: string;
  /** Enables `metadata.type: bash` (arbitrary shell code). Default false. */
  allowBash?: boolean;
  /** Program names added to the default allowlist ["hey", "curl"]. */
  allowedCommands?: string[];
  /** Per-command limit (default 1 h, Flagger's `-timeout`); metadata.timeout may only shorten it. */
  commandTimeoutMs?: number;
  /** Only canaries whose namespace matches may use the loadtester (Flagger's `-namespace-regexp`). */
  namespacePattern?: RegExp;
  /** Background commands running at once (default 8); more are answered 429. */
  maxBackground?: number;
  logger?: Logger;
}

export interface LoadTester {
  url: string;
  close(): Promise<void>;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 3_600_000;
export const DEFAULT_MAX_BACKGROUND = 8;
const MAX_BODY_BYTES = 1024 * 1024;
const EXCERPT_LINES = 40;
const EXCERPT_BYTES = 4096;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startLoadTester(opts: LoadTesterOptions): Promise<LoadTester> {
  const logger = opts.logger ?? pino({ name: 'aviary-loadtester' });
  mkdirSync(opts.workDir, { recursive: true });
  const workDir = realpathSync(opts.workDir);
  const searchPath = sanitizeSearchPath(process.env.PATH);
  const policy = new CommandPolicy(opts.allowedCommands ?? [], searchPath);
  const allowBash = opts.allowBash ?? false;
  const maxTimeoutMs = opts.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const gates = new GateStore();
  const background = new BackgroundTasks(opts.maxBackground ?? DEFAULT_MAX_BACKGROUND);
  const blocking = new Set<{ abort: AbortController; done: Promise<RunResult> }>();
  let closing: Promise<void> | undefined;

  const env = (): Record<string, string> => commandEnv(workDir, searchPath);

  const outputLogger = (canary: string, cmd: string) => (line: string, stream: 'stdout' | 'stderr') =>
    logger.info({ canary, cmd, stream, line }, 'command output');

  async function runTask(payload: WebhookPayload, res: ServerResponse): Promise<void> {
    const canary = `${payload.name}.${payload.namespace}`;
    const plan = planTask(payload.metadata, { policy, allowBash, maxTimeoutMs });
    if (plan.kind === 'refused') {
      logger.warn({ canary, metadata: payload.metadata, status: plan.status }, plan.message);
      return reply(res, plan.status, plan.message);
    }

    if (plan.kind === 'background') {
      const logOutput = payload.metadata?.logCmdOutput === 'true';
      const outcome = background.start(
        canary,
        plan.cmd,
        {
          file: plan.file,
          args: plan.args,
          cwd: workDir,
          env: env(),
          timeoutMs: plan.timeoutMs,
          ...(logOutput ? { onLine: outputLogger(canary, plan.cmd) } : {}),
        },
        (result) => {
          const fields = { canary, cmd: plan.cmd, exitCode: result.exitCode, durationMs: result.durationMs };
          const end = describeEnd(result, plan.timeoutMs);
          if (succeeded(result)) logger.info(fields, `command finished: ${end}`);
          else if (result.aborted) logger.info(fields, `command stopped: ${end}`);
          else logger.warn({ ...fields, output: excerpt(result.output) }, `command failed: ${end}`);
        },
      );
      if (outcome === 'closed') return reply(res, 503, 'loadtester is shutting down');
      if (outcome === 'full') {
        logger.warn({ canary, cmd: plan.cmd }, 'command refused: too many background commands');
        return reply(
          res,
          429,
          `${background.maxRunning} background commands are already running (see GET /tasks); ` +
            'retry when one ends, or start the loadtester with a higher --max-background',
        );
      }
      if (outcome === 'already-running') {
        const running = background.list().find((t) => t.canary === canary && t.cmd === plan.cmd);
        logger.info({ canary, cmd: plan.cmd }, 'command skipped: already running');
        return reply(
          res,
          200,
          `already running: "${plan.cmd}" for ${canary} (pid ${running?.pid ?? '?'}, since ${running?.startedAt ?? '?'})`,
        );
      }
      logger.info({ canary, cmd: plan.cmd, timeoutMs: plan.timeoutMs }, 'command started');
      return reply(
        res,
        202,
        `started "${plan.cmd}" for ${canary} (timeout ${formatDuration(plan.timeoutMs)})`,
      );
    }

    // Blocking: the webhook's answer is the command's outcome. Output is always logged, as in Flagger.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    logger.info({ canary, cmd: plan.cmd, timeoutMs: plan.timeoutMs }, 'blocking command started');
    const done = runCommand({
      file: plan.file,
      args: plan.args,
      cwd: workDir,
      env: env(),
      timeoutMs: plan.timeoutMs,
      signal: abort.signal,
      onLine: outputLogger(canary, plan.cmd),
    });
    const entry = { abort, done };
    blocking.add(entry);
    const result = await done.finally(() => blocking.delete(entry));

    const end = describeEnd(result, plan.timeoutMs);
    const headers: Record<string, string> =
      result.exitCode === null ? {} : { 'x-aviary-exit-code': String(result.exitCode) };
    const fields = { canary, cmd: plan.cmd, exitCode: result.exitCode, durationMs: result.durationMs };
    if (succeeded(result)) {
      logger.info(fields, `blocking command finished: ${end}`);
      const body = plan.returnOutput
        ? result.output
        : `command "${plan.cmd}" ${end} in ${formatDuration(result.durationMs)}\n${excerpt(result.output)}`;
      return reply(res, 200, body, headers);
    }
    logger.warn(fields, `blocking command failed: ${end}`);
    return reply(res, 500, `command "${plan.cmd}" failed: ${end}\n${excerpt(result.output)}`, headers);
  }

  function gate(
    kind: GateKind,
    action: 'check' | 'open' | 'close',
    payload: WebhookPayload,
    res: ServerResponse,
  ) {
    const { name, namespace } = payload;
    const key = GateStore.label(kind, name, namespace);
    if (action === 'check') {
      const open = gates.isOpen(kind, name, namespace);
      logger.info({ gate: key, open }, `${kind} check: ${open ? 'open' : 'closed'}`);
      return open ? reply(res, 200, 'Approved') : reply(res, 403, 'Forbidden');
    }
    gates.set(kind, name, namespace, action === 'open');
    logger.info({ gate: key }, `${kind} ${action === 'open' ? 'opened' : 'closed'}`);
    return reply(
      res,
      202,
      `${kind === 'gate' ? 'gate' : 'rollback gate'} ${key} ${action === 'open' ? 'opened' : 'closed'}`,
    );
  }

  async function readPayload(req: IncomingMessage): Promise<WebhookPayload> {
    const parsed = parsePayload(await readBody(req));
    if (!parsed.ok) throw new HttpError(400, parsed.message);
    const { namespace } = parsed.payload;
    if (opts.namespacePattern && !opts.namespacePattern.test(namespace)) {
      throw new HttpError(
        403,
        `namespace "${namespace}" is not allowed by --namespace-regexp ${opts.namespacePattern.source}`,
      );
    }
    return parsed.payload;
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://loadtester').pathname;
    const method = req.method ?? 'GET';

    // Flagger answers these regardless of method and body.
    if (path === '/healthz') return reply(res, 200, 'OK');
    if (path === '/gate/approve') return reply(res, 200, 'OK');
    if (path === '/gate/halt') return reply(res, 403, 'Forbidden');
    if (path === '/tasks') {
      if (method !== 'GET') return reply(res, 405, '/tasks accepts GET', { allow: 'GET' });
      return reply(res, 200, JSON.stringify({ running: background.list() }), {
        'content-type': 'application/json',
      });
    }

    const gateRoute = /^\/(gate|rollback)\/(check|open|close)$/.exec(path);
    if (path !== '/' && !gateRoute) {
      return reply(
        res,
        404,
        `no endpoint ${path}: use POST /, /gate/{check,open,close,approve,halt}, /rollback/{check,open,close}, GET /healthz, /tasks`,
      );
    }
    if (method !== 'POST')
      return reply(res, 405, `${path} accepts POST with Flagger's webhook JSON`, { allow: 'POST' });
    if (closing) return reply(res, 503, 'loadtester is shutting down');

    const payload = await readPayload(req);
    if (gateRoute) {
      return gate(gateRoute[1] as GateKind, gateRoute[2] as 'check' | 'open' | 'close', payload, res);
    }
    return runTask(payload, res);
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof HttpError) {
        logger.warn({ path: req.url, status: err.status }, err.message);
        return reply(res, err.status, err.message);
      }
      logger.error({ err, path: req.url }, 'request failed');
      reply(res, 500, `internal error: ${(err as Error).message ?? String(err)}`);
    });
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => logger.error({ err }, 'HTTP server error'));

  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${shownHost === '0.0.0.0' ? '127.0.0.1' : shownHost === '[::]' ? '[::1]' : shownHost}:${address.port}`;
  logger.info(
    {
      url,
      workDir,
      allowBash,
      allowedCommands: [...policy.allowed],
      commandTimeoutMs: maxTimeoutMs,
      maxBackground: background.maxRunning,
    },
    'loadtester listening',
  );
  for (const name of policy.unrestricted()) {
    logger.warn(
      { command: name },
      `${name} may be given any flag; to restrict it, allow it as --allow-command '${name}:-flag,--flag-with-value='`,
    );
  }

  async function close(): Promise<void> {
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const entry of blocking) entry.abort.abort();
    await Promise.all([background.stopAll(), ...[...blocking].map((entry) => entry.done)]);
    server.closeIdleConnections();
    // Give the answers to aborted blocking requests a moment to flush, then drop what is left.
    setTimeout(() => server.closeAllConnections(), 1000).unref();
    await serverClosed;
    logger.info('loadtester stopped');
  }

  return {
    url,
    close: () => (closing ??= close()),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let rejected = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        if (!rejected) reject(new HttpError(413, `request body is larger than ${MAX_BODY_BYTES} bytes`));
        rejected = true;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(body);
}

/** The first lines of a command's output, short enough for a Kubernetes event. */
function excerpt(output: string): string {
  const lines = output.replace(/\n$/, '').split('\n');
  let text = lines.slice(0, EXCERPT_LINES).join('\n');
  if (text.length > EXCERPT_BYTES) text = text.slice(0, EXCERPT_BYTES);
  const cut = lines.length > EXCERPT_LINES || text.length === EXCERPT_BYTES;
  return cut ? `${text}\n... (${lines.length} lines in all; full output in the loadtester's logs)` : text;
}
