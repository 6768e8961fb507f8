/**
 * The demo's built-in load generator: a steady request rate against one URL over keep-alive connections,
 * so the analysis has traffic to judge. Stops cleanly; never throws on failed requests (they are counted).
 */
import { Agent, request } from 'node:http';

export interface LoadGenerator {
  readonly sent: number;
  readonly failed: number;
  stop(): Promise<void>;
}

export function startLoad(url: string, requestsPerSecond: number, timeoutMs = 2000): LoadGenerator {
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const state = { sent: 0, failed: 0, inFlight: 0, stopped: false };
  const periodMs = 1000 / requestsPerSecond;
  let idle: (() => void) | undefined;

  const fire = () => {
    state.sent++;
    state.inFlight++;
    const done = (ok: boolean) => {
      if (!ok) state.failed++;
      state.inFlight--;
      if (state.stopped && state.inFlight === 0) idle?.();
    };
    const req = request(url, { agent, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => done((res.statusCode ?? 500) < 500));
      res.on('error', () => done(false));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => done(false));
    req.end();
  };

  // A fixed schedule (not "send when the previous one returns"), so a slow version still gets its share.
  const started = Date.now();
  let scheduled = 0;
  const timer = setInterval(
    () => {
      const due = Math.floor((Date.now() - started) / periodMs);
      for (; scheduled < due; scheduled++) fire();
    },
    Math.max(5, Math.min(50, periodMs)),
  );

  return {
    get sent() {
      return state.sent;
    },
    get failed() {
      return state.failed;
    },
    stop() {
      state.stopped = true;
      clearInterval(timer);
      return new Promise<void>((resolve) => {
        const finish = () => {
          agent.destroy();
          resolve();
        };
        if (state.inFlight === 0) finish();
        else {
          idle = finish;
          setTimeout(finish, timeoutMs);
        }
      });
    },
  };
}
