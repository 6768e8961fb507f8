/**
 * Passive health of the router's two upstreams. A version whose connections are refused is marked down
 * at the first refusal (a local process that stopped listening does not come back by itself within the
 * next request), and the router stops sending it requests. While it is down a TCP connect probe asks
 * again, with a back-off from `probeInitialMs` doubling up to `probeMaxMs`; the first probe that
 * connects brings it back. Only connection failures count: an upstream that answers 500 is up (its
 * answers are the analysis's business, not the router's).
 */
import net from 'node:net';
import type { Upstream, Version } from './types.js';

export interface UpstreamHealthOptions {
  /** First probe this long after the upstream was marked down. Default 100 ms. */
  probeInitialMs?: number;
  /** Longest wait between two probes. Default 2 s. */
  probeMaxMs?: number;
  /** How long one probe may take to connect. Default 1 s. */
  probeTimeoutMs?: number;
}

export interface HealthState {
  down: boolean;
  /** Why it was marked down, e.g. "ECONNREFUSED". */
  reason?: string;
  /** When it was marked down (ms since the epoch). */
  since?: number;
  /** Times it was marked down since the router started. */
  downCount: number;
}

interface Entry extends HealthState {
  upstream?: Upstream;
  timer?: NodeJS.Timeout;
  delayMs: number;
  /** Bumped on every change, so a probe that finishes late does not undo a newer state. */
  epoch: number;
}

export function probeConnect(upstream: Upstream, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: upstream.host, port: upstream.port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export class UpstreamHealth {
  private readonly entries: Record<Version, Entry> = {
    primary: { down: false, downCount: 0, delayMs: 0, epoch: 0 },
    canary: { down: false, downCount: 0, delayMs: 0, epoch: 0 },
  };
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly timeoutMs: number;
  private closed = false;

  constructor(
    options: UpstreamHealthOptions = {},
    private readonly probe: (upstream: Upstream, timeoutMs: number) => Promise<boolean> = probeConnect,
  ) {
    this.initialMs = options.probeInitialMs ?? 100;
    this.maxMs = options.probeMaxMs ?? 2000;
    this.timeoutMs = options.probeTimeoutMs ?? 1000;
  }

  isDown(version: Version): boolean {
    return this.entries[version].down;
  }

  state(version: Version): HealthState {
    const { down, reason, since, downCount } = this.entries[version];
    return {
      down,
      downCount,
      ...(reason !== undefined ? { reason } : {}),
      ...(since !== undefined ? { since } : {}),
    };
  }

  /** The upstream refused a connection: route around it and probe it until it connects again. */
  markDown(version: Version, upstream: Upstream, reason: string): void {
    const entry = this.entries[version];
    if (entry.down || this.closed) return;
    Object.assign(entry, { down: true, reason, since: Date.now(), upstream, delayMs: this.initialMs });
    entry.downCount++;
    entry.epoch++;
    this.schedule(version);
  }

  /** Forgets what is known (the version now points at another address, or was started again). */
  reset(version: Version): void {
    const entry = this.entries[version];
    clearTimeout(entry.timer);
    entry.epoch++;
    Object.assign(entry, { down: false, timer: undefined, reason: undefined, since: undefined });
  }

  close(): void {
    this.closed = true;
    this.reset('primary');
    this.reset('canary');
  }

  private schedule(version: Version): void {
    const entry = this.entries[version];
    const epoch = entry.epoch;
    entry.timer = setTimeout(() => {
      void this.probe(entry.upstream!, this.timeoutMs).then((ok) => {
        if (this.closed || entry.epoch !== epoch) return;
        if (ok) return this.reset(version);
        entry.delayMs = Math.min(entry.delayMs * 2, this.maxMs);
        this.schedule(version);
      });
    }, entry.delayMs);
    entry.timer.unref();
  }
}
