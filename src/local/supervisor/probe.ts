/** The readiness probe: one HTTP GET, 200-399 means ready (Kubernetes httpGet probe semantics). */
import http from 'node:http';
import net from 'node:net';

export type ProbeResult = { ok: true; status: number } | { ok: false; reason: string };

export function probeHttp(
  port: number,
  path: string,
  timeoutMs = 1000,
  host = '127.0.0.1',
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const target = `GET http://${host}:${port}${path}`;
    const req = http.get({ host, port, path, agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      const status = res.statusCode ?? 0;
      resolve(
        status >= 200 && status < 400
          ? { ok: true, status }
          : { ok: false, reason: `${target} answered ${status}` },
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) =>
      resolve({ ok: false, reason: `${target} failed: ${err.code ?? err.message}` }),
    );
  });
}

/** True when something accepts TCP connections on the port. */
export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.setTimeout(500);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * True when the port is still in use after up to `waitMs`: a process just stopped can keep accepting
 * for some milliseconds after /proc shows it dead (its leader thread exits before the threads that close
 * its sockets), so a port is only called taken once it stays taken.
 */
export async function portStaysInUse(port: number, waitMs = 2000, host = '127.0.0.1'): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (await portInUse(port, host)) {
    if (Date.now() >= deadline) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}
