/**
 * WorkloadTarget over local processes (`provider: local`).
 *
 * Local semantics, kept parallel to Kubernetes:
 * - The "target" is `spec.local.canary`: its revision is a hash of its command, env and cwd (the port is
 *   where it runs, not what it is).
 * - The primary (`<apex>-primary`) always listens on `spec.local.stable.port`, the canary
 *   (`<apex>-canary`) on `spec.local.canary.port`. Each process gets its port as $PORT and through a
 *   `{port}` placeholder in its argv, which is what lets one definition run on either port.
 * - initialize starts the primary from `spec.local.stable` (or, after a promotion, from the promoted
 *   definition) when it was never started. A primary that crashed is reported, not restarted.
 * - scaleCanaryUp starts the canary; scaleCanaryToZero stops it (process group, SIGTERM then SIGKILL).
 * - promote makes the primary run the canary's definition on the stable port. To do so without
 *   dropping the primary's share of traffic, the router's primary upstream is pointed at the running
 *   canary process (same definition, already judged healthy) while the old primary is stopped and the
 *   new one started and probed; then the router points back at the stable port. Without a ready canary
 *   (skipAnalysis with the canary down) there is nothing to bridge to and the primary's requests get 502
 *   for the seconds the new primary takes to start.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Canary, LocalVersion } from '../../api/types.js';
import { AviaryError, unreadable } from '../../errors.js';
import type { Readiness, Revision, WorkloadTarget } from '../../engine/ports.js';
import type { LocalRuntime } from '../runtime.js';
import { localSpec, processDefinition, processNames, readinessTimeoutMs, upstreams } from '../spec.js';

export interface LocalTargetOptions {
  /**
   * Where the definition the primary runs after a promotion is kept, so that a restarted `aviary run`
   * starts the promoted version as the primary rather than `spec.local.stable`. Without it, the promoted
   * definition lives only in memory.
   */
  primaryRecordFile?: string;
}

/** Stable digest of what defines a version: command, env (sorted) and cwd. */
export function versionHash(version: LocalVersion): string {
  const env = Object.entries(version.env ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = JSON.stringify({ command: version.command, env, cwd: version.cwd ?? null });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * A command that names the canary's port literally would, run as the primary, listen on the canary's
 * port instead of the stable one. Refuse that before stopping anything.
 */
function checkRelocatable(canary: Canary): void {
  const local = localSpec(canary);
  const { command } = local.canary;
  const port = String(local.canary.port);
  if (local.canary.port === local.stable.port || command.some((arg) => arg.includes('{port}'))) return;
  const literal = command.find((arg) => arg === port || arg.endsWith(`=${port}`) || arg.endsWith(`:${port}`));
  if (literal !== undefined) {
    throw new AviaryError(
      'INVALID_SPEC',
      `spec.local.canary.command names port ${port} literally (${JSON.stringify(literal)}), so it cannot run as the ` +
        `primary on port ${local.stable.port}: write {port} instead (Aviary substitutes each version's port) or read $PORT`,
    );
  }
}

export class LocalWorkloadTarget implements WorkloadTarget {
  /** The definition the primary runs since the last promotion (undefined: spec.local.stable). */
  private promoted: LocalVersion | undefined;
  private recordLoaded = false;

  constructor(
    private readonly runtime: LocalRuntime,
    private readonly options: LocalTargetOptions = {},
  ) {}

  private async primaryVersion(canary: Canary): Promise<LocalVersion> {
    if (!this.recordLoaded && this.options.primaryRecordFile) {
      try {
        const record = JSON.parse(await readFile(this.options.primaryRecordFile, 'utf8')) as {
          definition?: LocalVersion;
        };
        this.promoted ??= record.definition;
      } catch (err) {
        if (err instanceof SyntaxError) {
          throw new AviaryError(
            'INVALID_SPEC',
            `${this.options.primaryRecordFile} is not JSON: ${err.message}`,
            {
              cause: err,
              fix: 'delete it: the primary then starts from spec.local.stable',
            },
          );
        }
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
          throw unreadable(this.options.primaryRecordFile, err);
      }
    }
    this.recordLoaded = true;
    return this.promoted ?? localSpec(canary).stable;
  }

  private async readiness(canary: Canary, name: string, role: string): Promise<Readiness> {
    const managed = this.runtime.supervisor.get(name);
    if (!managed) return { ready: false, reason: `${name} (the ${role}) is not running`, retriable: true };
    return managed.readiness(readinessTimeoutMs(localSpec(canary)));
  }

  async initialize(canary: Canary): Promise<Readiness> {
    const local = localSpec(canary);
    const names = processNames(canary);
    const existing = this.runtime.supervisor.get(names.primary);
    if (existing) return existing.readiness(readinessTimeoutMs(local));
    const version = await this.primaryVersion(canary);
    const started = await this.runtime.supervisor.start(
      processDefinition(local, names.primary, version, local.stable.port),
    );
    return started.waitReady(readinessTimeoutMs(local));
  }

  async revision(canary: Canary): Promise<Revision> {
    return { spec: versionHash(localSpec(canary).canary) };
  }

  primaryReadiness(canary: Canary): Promise<Readiness> {
    return this.readiness(canary, processNames(canary).primary, 'primary');
  }

  canaryReadiness(canary: Canary): Promise<Readiness> {
    return this.readiness(canary, processNames(canary).canary, 'canary');
  }

  /**
   * Starts the canary unless it already runs this definition. A canary that crashed with this same
   * definition is left as it is (its readiness reports the crash); scaleCanaryToZero clears it.
   */
  async scaleCanaryUp(canary: Canary): Promise<void> {
    const local = localSpec(canary);
    const names = processNames(canary);
    const definition = processDefinition(local, names.canary, local.canary, local.canary.port);
    const existing = this.runtime.supervisor.get(names.canary);
    if (existing && versionHash(existing.definition) === versionHash(local.canary)) return;
    const started = await this.runtime.supervisor.start(definition);
    await started.waitReady(readinessTimeoutMs(local));
  }

  async scaleCanaryToZero(canary: Canary): Promise<void> {
    await this.runtime.supervisor.stop(processNames(canary).canary);
  }

  async promote(canary: Canary): Promise<void> {
    const local = localSpec(canary);
    const names = processNames(canary);
    const target = local.canary;
    const current = this.runtime.supervisor.get(names.primary);
    if (current?.running && versionHash(current.definition) === versionHash(target)) return; // already promoted
    checkRelocatable(canary);

    const proxy = this.runtime.proxy;
    const routes = upstreams(canary);
    const canaryProcess = this.runtime.supervisor.get(names.canary);
    const bridge =
      proxy !== undefined && canaryProcess !== undefined && (await canaryProcess.readiness()).ready;
    if (bridge)
      proxy.setUpstream('primary', {
        ...routes.canary,
        name: `${names.primary} (served by ${names.canary} during promotion)`,
      });
    try {
      const started = await this.runtime.supervisor.start(
        processDefinition(local, names.primary, target, local.stable.port),
      );
      this.promoted = { ...target };
      await this.writeRecord(this.promoted);
      await started.waitReady(readinessTimeoutMs(local));
    } finally {
      // The primary is what runs on the stable port, ready or not: its readiness tells the engine.
      if (bridge) proxy.setUpstream('primary', routes.primary);
    }
  }

  /** revertOnDeletion: the canary is stopped; the primary keeps serving (the router still routes to it). */
  async finalize(canary: Canary): Promise<void> {
    await this.scaleCanaryToZero(canary);
  }

  private async writeRecord(definition: LocalVersion): Promise<void> {
    const file = this.options.primaryRecordFile;
    if (!file) return;
    await mkdir(dirname(file), { recursive: true });
    const temp = `${file}.tmp`;
    await writeFile(temp, `${JSON.stringify({ definition, revision: versionHash(definition) }, null, 2)}\n`);
    await rename(temp, file);
  }
}
