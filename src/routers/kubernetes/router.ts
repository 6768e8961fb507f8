/**
 * `provider: kubernetes` (Flagger's NopRouter + KubernetesDefaultRouter): plain ClusterIP Services and
 * no traffic shifting. Only blue/green works with it: the analysis runs against `<apex>-canary` (load
 * tests call it directly) while `<apex>` keeps selecting the primary's pods, and promotion switches
 * what the primary runs, not where the apex points. There is no live weight to read back, so getRoutes
 * reports what the blue/green phase implies, as Flagger does: all traffic on the canary once
 * iterations have started (status.iterations > 0), else all on the primary. Unlike Flagger's NopRouter,
 * that holds only while the analysis runs (Progressing, WaitingPromotion): from Promoting on, the
 * engine routes everything back to the primary and reads the split back, and a router still reporting
 * the canary would keep the release in Promoting forever.
 *
 * With a core Service as the target (Flagger's KubernetesNoopRouter) the apex is the user's Service and
 * the target copies it to `<apex>-primary` and `<apex>-canary` (src/targets/kubernetes/service-target.ts),
 * so no Service is written or reverted here.
 */
import type { V1DaemonSet, V1Deployment } from '@kubernetes/client-node';
import type { Canary, Phase } from '../../api/types.js';
import type { Routes, TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import { plain, type KubeClients } from '../../kube/client.js';
import { isNotFound, toKubeError } from '../../kube/failure.js';
import { selectorLabelOf } from '../../kube/selector-label.js';
import { isCoreService } from '../../api/workload-rules.js';
import type { RouterSettings } from '../entry.js';
import { SERVICE_ROLES } from './service-spec.js';
import { finalizeServices, reconcileServices } from './services.js';
import { namespaceOf } from '../../api/defaults.js';

type Workload = V1Deployment | V1DaemonSet;

/** The target's kind (Deployment or DaemonSet), read as the router reads it. */
function readApps(clients: KubeClients, kind: string, namespace: string, name: string): Promise<Workload> {
  return kind === 'DaemonSet'
    ? clients.apps.readNamespacedDaemonSet({ name, namespace })
    : clients.apps.readNamespacedDeployment({ name, namespace });
}

/** The target workload's selector label and pod spec (what the Services select and discover). */
export async function readWorkload(clients: KubeClients, canary: Canary, selectorLabels?: readonly string[]) {
  const namespace = namespaceOf(canary);
  const { kind, name } = canary.spec.targetRef;
  let target: Workload;
  try {
    target = plain<Workload>(await readApps(clients, kind, namespace, name));
  } catch (err) {
    throw toKubeError(err, `reading ${kind.toLowerCase()} ${namespace}/${name} named by targetRef`);
  }
  return { selector: selectorLabelOf(target, selectorLabels), podSpec: target.spec?.template.spec };
}

/** Whether `<target>-primary` has pods that can serve (the apex may select them). */
async function primaryServes(clients: KubeClients, canary: Canary): Promise<boolean> {
  const namespace = namespaceOf(canary);
  const { kind } = canary.spec.targetRef;
  const name = `${canary.spec.targetRef.name}-primary`;
  try {
    const primary = plain<Workload>(await readApps(clients, kind, namespace, name));
    const status = primary.status as { availableReplicas?: number; numberAvailable?: number } | undefined;
    return (status?.availableReplicas ?? status?.numberAvailable ?? 0) > 0;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw toKubeError(err, `reading ${kind.toLowerCase()} ${namespace}/${name}`);
  }
}

/** The phases in which a blue/green canary holds the traffic. */
const ANALYSING_PHASES = new Set<Phase>(['Progressing', 'WaitingPromotion']);

export function kubernetesRouter(clients: KubeClients, settings: RouterSettings = {}): TrafficRouter {
  return {
    async reconcile(canary) {
      if (isCoreService(canary.spec.targetRef)) return;
      // The apex is pointed at the primary only once primary pods can serve (Flagger: after IsPrimaryReady),
      // so taking over a user's Service never leaves it selecting nothing.
      const { selector, podSpec } = await readWorkload(clients, canary, settings.selectorLabels);
      const roles = (await primaryServes(clients, canary)) ? SERVICE_ROLES : (['primary', 'canary'] as const);
      await reconcileServices(clients, canary, selector, { podSpec, roles });
    },

    setRoutes(canary, routes) {
      // Nothing to apply — but a split or a mirror asked of this provider would silently not happen.
      if (routes.mirrored || (routes.canaryWeight !== 0 && routes.canaryWeight !== 100))
        return Promise.reject(
          new AviaryError(
            'INVALID_SPEC',
            `provider kubernetes cannot ${routes.mirrored ? 'mirror traffic' : `send ${routes.canaryWeight}% of traffic to the canary`} (canary ${canary.metadata.name}) — use blue/green (analysis.iterations) or a mesh provider such as istio`,
          ),
        );
      return Promise.resolve();
    },

    getRoutes(canary): Promise<Routes> {
      const analysing = ANALYSING_PHASES.has(canary.status?.phase ?? 'Initializing');
      const onCanary = analysing && (canary.status?.iterations ?? 0) > 0;
      return Promise.resolve({
        primaryWeight: onCanary ? 0 : 100,
        canaryWeight: onCanary ? 100 : 0,
        mirrored: false,
      });
    },

    async finalize(canary) {
      if (isCoreService(canary.spec.targetRef)) return;
      const { selector } = await readWorkload(clients, canary, settings.selectorLabels);
      await finalizeServices(clients, canary, selector);
    },
  };
}
