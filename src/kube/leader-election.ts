/**
 * Leader election on a coordination.k8s.io Lease, following client-go's algorithm, so two controller
 * replicas never both drive a canary. Expiry is judged on the local clock from the moment this process
 * last saw the lease record change (never by comparing another machine's timestamps with ours).
 */
import { V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { isAlreadyExists, isConflict, isNotFound } from './failure.js';
import type { KubeClients } from './client.js';

export interface LeaderElectionOptions {
  clients: KubeClients;
  namespace: string;
  name: string;
  identity: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  now?: () => number;
  onStartedLeading: () => void;
  onStoppedLeading: () => void;
  log?: (message: string) => void;
}

export class LeaderElector {
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  /** The tick running now, if any: stop() lets it land before releasing, so the release is the last write. */
  private inflight: Promise<void> = Promise.resolve();
  /** Whether the last attempt made this replica the holder (it may not have been reported as leading yet). */
  private acquiredLast = false;
  private observed: { record: string; at: number } | undefined;
  private lastRenewal = 0;
  private readonly leaseSeconds: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(private readonly options: LeaderElectionOptions) {
    this.leaseSeconds = options.leaseDurationSeconds ?? 15;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryMs = options.retryPeriodMs ?? 2_000;
    this.now = options.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.stopped = false;
    this.inflight = this.tick();
  }

  /** Stops campaigning; a leader releases the lease so a successor need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    const wasLeading = this.leading;
    this.setLeading(false);
    // A renewal already on the wire must not land after the release (and hand the lease back to us);
    // a hung one is waited for no longer than the renew deadline.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      this.inflight,
      new Promise<void>((resolve) => (bound = setTimeout(resolve, this.renewDeadlineMs).unref())),
    ]);
    clearTimeout(bound);
    if (!wasLeading && !this.acquiredLast) return;
    try {
      const lease = await this.read();
      if (lease?.spec?.holderIdentity !== this.options.identity) return;
      lease.spec.holderIdentity = '';
      lease.spec.leaseDurationSeconds = 1;
      lease.spec.renewTime = new V1MicroTime();
      await this.options.clients.coordination.replaceNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
        body: lease,
      });
    } catch (err) {
      this.options.log?.(`releasing lease failed (it will expire): ${String(err)}`);
    }
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    let acquired = false;
    try {
      acquired = await this.tryAcquireOrRenew();
    } catch (err) {
      this.options.log?.(`lease ${this.options.namespace}/${this.options.name}: ${String(err)}`);
    }
    this.acquiredLast = acquired;
    if (acquired) this.lastRenewal = this.now();
    if (this.stopped) return; // stop() ran meanwhile: it decides, and this replica no longer leads
    if (this.leading && !acquired && this.now() - this.lastRenewal > this.renewDeadlineMs)
      this.setLeading(false);
    else if (acquired && !this.leading) this.setLeading(true);
    if (this.stopped) return;
    // Jitter (client-go's 1.2 factor) keeps candidates from retrying in lock step.
    const wait = this.leading ? this.retryMs : this.retryMs * (1 + Math.random() * 0.2);
    this.timer = setTimeout(() => {
      this.inflight = this.tick();
    }, wait);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    if (leading) this.options.onStartedLeading();
    else this.options.onStoppedLeading();
  }

  private async read(): Promise<V1Lease | undefined> {
    try {
      return await this.options.clients.coordination.readNamespacedLease({
        name: this.options.name,
        namespace: this.options.namespace,
      });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { coordination } = this.options.clients;
    const { name, namespace, identity } = this.options;
    const now = new V1MicroTime();
    const lease = await this.read();
    if (!lease) {
      try {
        await coordination.createNamespacedLease({
          namespace,
          body: {
            apiVersion: 'coordination.k8s.io/v1',
            kind: 'Lease',
            metadata: { name, namespace },
            spec: {
              holderIdentity: identity,
              leaseDurationSeconds: this.leaseSeconds,
              acquireTime: now,
              renewTime: now,
              leaseTransitions: 0,
            },
          },
        });
        return true;
      } catch (err) {
        if (isAlreadyExists(err) || isConflict(err)) return false;
        throw err;
      }
    }

    const spec = lease.spec ?? {};
    const record = JSON.stringify([spec.holderIdentity, spec.renewTime, spec.leaseDurationSeconds]);
    if (this.observed?.record !== record) this.observed = { record, at: this.now() };
    const heldByOther = Boolean(spec.holderIdentity) && spec.holderIdentity !== identity;
    const expiresAt = this.observed.at + (spec.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
    if (heldByOther && this.now() < expiresAt) return false;

    const changingHands = spec.holderIdentity !== identity;
    lease.spec = {
      ...spec,
      holderIdentity: identity,
      leaseDurationSeconds: this.leaseSeconds,
      renewTime: now,
      acquireTime: changingHands ? now : spec.acquireTime ? new V1MicroTime(spec.acquireTime) : now,
      leaseTransitions: (spec.leaseTransitions ?? 0) + (changingHands ? 1 : 0),
    };
    try {
      await coordination.replaceNamespacedLease({ name, namespace, body: lease });
      return true;
    } catch (err) {
      if (isConflict(err)) return false;
      throw err;
    }
  }
}
