/**
 * Crash injection: wraps every port so that, with a seeded probability, a call throws just before or just
 * after it acts — a process dying mid-reconcile. The status write of that tick then does not happen (or,
 * when the crash comes right after the write, it does), while earlier side effects stay done.
 */
import type { EnginePorts } from '../ports.js';

export class InjectedCrash extends Error {
  override readonly name = 'InjectedCrash';
}

/** Small seeded PRNG (mulberry32): the same seed gives the same crashes. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CrashPlan {
  random: () => number;
  /** Chance of a crash at each call boundary (before and after every port call). */
  probability: number;
  /** Turn crashes off (e.g. to let a run finish) without rebuilding the ports. */
  enabled?: boolean;
}

export interface CrashingPorts extends EnginePorts {
  readonly crashes: { count: number; at: string[] };
}

function crashing<T extends object>(port: T, label: string, maybeCrash: (where: string) => void): T {
  return new Proxy(port, {
    get(target, property, receiver) {
      const member = Reflect.get(target, property, receiver) as unknown;
      if (typeof member !== 'function') return member;
      const name = `${label}.${String(property)}`;
      return async (...args: unknown[]) => {
        maybeCrash(`before ${name}`);
        const result: unknown = await (member as (...a: unknown[]) => unknown).apply(target, args);
        maybeCrash(`after ${name}`);
        return result;
      };
    },
  });
}

export function crashingPorts(ports: EnginePorts, plan: CrashPlan): CrashingPorts {
  const crashes = { count: 0, at: [] as string[] };
  const maybeCrash = (where: string) => {
    if (plan.enabled === false || plan.random() >= plan.probability) return;
    crashes.count++;
    crashes.at.push(where);
    throw new InjectedCrash(`injected crash ${where}`);
  };
  return {
    target: crashing(ports.target, 'target', maybeCrash),
    router: crashing(ports.router, 'router', maybeCrash),
    metrics: crashing(ports.metrics, 'metrics', maybeCrash),
    ...(ports.templates ? { templates: crashing(ports.templates, 'templates', maybeCrash) } : {}),
    webhooks: crashing(ports.webhooks, 'webhooks', maybeCrash),
    notifier: crashing(ports.notifier, 'notifier', maybeCrash),
    events: crashing(ports.events, 'events', maybeCrash),
    status: crashing(ports.status, 'status', maybeCrash),
    clock: ports.clock,
    crashes,
  };
}
