/**
 * A core Service as the release target (Flagger's ServiceController): Aviary releases whatever the
 * user's Service points at (pods the user runs, or an ExternalName) by copying it. `<name>-canary`
 * always follows the target Service; `<name>-primary` is created from it once and then changes only
 * at promotion, when it takes the target's spec. The router splits traffic between the two copies; the
 * target itself is the user's and is never written. A new revision is a change to the target's spec.
 * No pods are Aviary's, so nothing is scaled and both copies are always ready, as in Flagger.
 */
import type { V1Service } from '@kubernetes/client-node';
import { namespaceOf } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { Readiness, Revision, WorkloadTarget } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { plain, type KubeClients } from '../../kube/client.js';
import { isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import type { DeploymentTargetOptions } from './deployment-target.js';
import { digest } from './digest.js';
import { primaryName } from './metadata.js';
import { copyMatches, replacementFor, serviceCopy } from './service-copy.js';

const canaryName = (name: string) => `${name}-canary`;
const READY: Readiness = { ready: true };

export function serviceTarget(
  clients: KubeClients,
  options: Pick<DeploymentTargetOptions, 'includeLabelPrefixes'> = {},
): WorkloadTarget {
  async function read(namespace: string, name: string): Promise<V1Service | undefined> {
    try {
      return plain<V1Service>(await clients.core.readNamespacedService({ name, namespace }));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toKubeError(err, `reading service ${namespace}/${name}`);
    }
  }

  async function readTarget(canary: Canary): Promise<V1Service> {
    const namespace = namespaceOf(canary);
    const name = canary.spec.targetRef.name;
    const target = await read(namespace, name);
    if (!target)
      throw new AviaryError(
        'NOT_FOUND',
        `service ${namespace}/${name} named by targetRef not found — create it or fix spec.targetRef.name`,
      );
    return target;
  }

  /**
   * Makes the copy `name` what the target says: created when missing; when `follow`, also rewritten
   * whenever it differs. Conflicts (a concurrent write, a racing create) are retried from a fresh read.
   */
  async function writeCopy(canary: Canary, target: V1Service, name: string, follow: boolean): Promise<void> {
    const namespace = namespaceOf(canary);
    const desired = serviceCopy(canary, target, name, options.includeLabelPrefixes);
    try {
      await retryOnConflict(async () => {
        const live = await read(namespace, name);
        if (!live) {
          await clients.core.createNamespacedService({ namespace, body: desired });
          return;
        }
        if (!follow || copyMatches(live, desired)) return;
        await clients.core.replaceNamespacedService({ name, namespace, body: replacementFor(live, desired) });
      });
    } catch (err) {
      if (err instanceof AviaryError) throw err;
      throw toKubeError(err, `writing service ${namespace}/${name}`);
    }
  }

  /**
   * The router sends to `<name>-primary` and `<name>-canary` on service.port: a target Service without
   * that port would validate, initialize and route to nothing (Flagger does not check).
   */
  function checkPort(canary: Canary, target: V1Service): void {
    const ports = target.spec?.ports ?? [];
    const wanted = canary.spec.service.port;
    if (ports.length === 0 || ports.some((p) => p.port === wanted)) return;
    throw new AviaryError(
      'INVALID_SPEC',
      `spec.service.port ${wanted} is not a port of Service ${canary.spec.targetRef.name} (it has ${ports.map((p) => p.port).join(', ')}) — set service.port to the port the copies are to be reached on`,
    );
  }

  return {
    async initialize(canary) {
      // Flagger's order: the canary copy follows the target on every tick, the primary is created once.
      const target = await readTarget(canary);
      checkPort(canary, target);
      await writeCopy(canary, target, canaryName(canary.spec.targetRef.name), true);
      await writeCopy(canary, target, primaryName(canary.spec.targetRef.name), false);
      return READY;
    },

    async revision(canary): Promise<Revision> {
      return { spec: digest((await readTarget(canary)).spec ?? {}) };
    },

    primaryReadiness: () => Promise.resolve(READY),
    canaryReadiness: () => Promise.resolve(READY),

    // Whatever serves behind the Services is the user's to run.
    scaleCanaryUp: () => Promise.resolve(),
    scaleCanaryToZero: () => Promise.resolve(),

    async promote(canary) {
      await writeCopy(canary, await readTarget(canary), primaryName(canary.spec.targetRef.name), true);
    },

    // The copies are owned by the Canary and go with it; the target Service was never changed.
    finalize: () => Promise.resolve(),
  };
}
