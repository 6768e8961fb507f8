/** Event and notification texts, worded as Flagger words them so existing alert filters keep matching. */
import type { Routes } from './ports.js';

export const messages = {
  initialized: (n: string) => `Initialization done! ${n}`,
  newRevision: (n: string) => `New revision detected! Scaling up ${n}`,
  restart: (n: string) => `New revision detected! Restarting analysis for ${n}`,
  starting: (n: string) => `Starting canary analysis for ${n}`,
  advanceWeight: (n: string, w: number) => `Advance ${n} canary weight ${w}`,
  mirror: (n: string) => `Advance ${n} canary weight 0, mirroring traffic to the canary`,
  advanceIteration: (n: string, i: number, of: number) => `Advance ${n} canary iteration ${i}/${of}`,
  advancePrimary: (n: string, w: number) => `Advance ${n} primary weight ${w}`,
  allToCanary: (mirrored: boolean) =>
    mirrored ? 'Stop traffic mirroring and route all traffic to canary' : 'Routing all traffic to canary',
  allToPrimary: () => 'Routing all traffic to primary',
  copying: (n: string, primary: string) => `Copying ${n} template spec to ${primary}`,
  promoted: (n: string) => `Promotion completed! Scaling down ${n}`,
  skipped: (n: string) => `Promotion completed! Canary analysis was skipped for ${n}`,
  canaryFailed: (n: string) => `Canary failed! Scaling down ${n}`,
  halt: (n: string, why: string) => `Halt advancement ${n} ${why}`,
  inconclusive: (n: string, count: number, limit: number, why: string) =>
    `Halt advancement ${n}, inconclusive interval ${count}/${limit}: ${why}`,
  waitingRollout: (n: string, hook: string) => `Halt ${n} advancement waiting for approval ${hook}`,
  waitingTraffic: (n: string, hook: string) =>
    `Halt ${n} advancement waiting for traffic increase approval ${hook}`,
  waitingPromotion: (n: string, hook: string) =>
    `Halt ${n} advancement waiting for promotion approval ${hook}`,
  /** Pre-rollout, post-rollout and gate hooks that answer 2xx (`Confirm-rollout check <hook> passed`). */
  hookPassed: (type: string, hook: string) =>
    `${type.charAt(0).toUpperCase()}${type.slice(1)} check ${hook} passed`,
  notReady: (n: string, reason: string) => `Halt ${n} advancement: ${reason}`,
  providersAvailable: () => 'all the metrics providers are available!',
  providersOffline: (lines: readonly string[]) => `Error checking metric providers: ${lines.join('; ')}`,
  promotionFailed: (n: string, reason: string) => `Promotion of ${n} failed, primary not ready: ${reason}`,
  suspended: () => 'skipping canary run as object is suspended',
  terminating: (n: string) => `Terminating canary ${n}`,
  terminated: (n: string) => `Terminated canary ${n}`,
} as const;

export const alerts = {
  initialized: (kind: string) => `New ${kind} detected, initialization completed.`,
  newRevision: () => 'New revision detected, progressing canary analysis.',
  waitingRollout: () => 'Canary is waiting for approval.',
  waitingTraffic: () => 'Canary traffic increase is waiting for approval.',
  waitingPromotion: () => 'Canary promotion is waiting for approval.',
  succeeded: () => 'Canary analysis completed successfully, promotion finished.',
  skipped: () => 'Canary analysis was skipped, promotion finished.',
} as const;

export function describeRoutes(routes: Routes): string {
  const mirror = routes.mirrored ? ', mirrored' : '';
  return `primary ${routes.primaryWeight}%, canary ${routes.canaryWeight}%${mirror}`;
}
