/**
 * The Istio router: a VirtualService `<apex>` and DestinationRules `<apex>-primary` / `<apex>-canary`.
 * Weights are always read back from the live VirtualService, and `setRoutes` verifies that the API
 * server holds what it wrote, so a weight that did not apply is an error, never a silent step.
 */
import { isDeepStrictEqual } from 'node:util';
import { serviceNames } from '../../api/defaults.js';
import type { Canary } from '../../api/types.js';
import type { RouteOptions, Routes, TrafficRouter } from '../../engine/ports.js';
import { AviaryError } from '../../errors.js';
import type { KubeClients } from '../../kube/client.js';
import { isNotFound, retryOnConflict, toKubeError } from '../../kube/failure.js';
import { isOwnedBy, ownerReferenceTo } from '../shared/owner.js';
import { routingProblems, type IstioGateway } from './preflight.js';
import { buildVirtualServiceSpec, routesOf } from './virtual-service.js';
import {
  ISTIO_GROUP,
  ISTIO_VERSION,
  type DestinationRuleSpec,
  type IstioObject,
  type VirtualServiceSpec,
} from './types.js';

/** Where the spec of a VirtualService Aviary took over is kept, to give it back on revertOnDeletion. */
export const ORIGINAL_SPEC_ANNOTATION = 'aviary.dev/original-spec';

type VirtualService = IstioObject<VirtualServiceSpec>;
type DestinationRule = IstioObject<DestinationRuleSpec>;

export function istioRouter(clients: KubeClients): TrafficRouter {
  const api = (plural: 'virtualservices' | 'destinationrules', namespace: string, name: string) => ({
    group: ISTIO_GROUP,
    version: ISTIO_VERSION,
    plural,
    namespace,
    name,
  });

  async function read<T>(
    plural: 'virtualservices' | 'destinationrules',
    namespace: string,
    name: string,
  ): Promise<T | undefined> {
    try {
      return (await clients.custom.getNamespacedCustomObject(api(plural, namespace, name))) as T;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw toKubeError(err, `reading ${plural} ${namespace}/${name}`);
    }
  }

  /** Creates the object or replaces its spec when it differs; returns what the server holds. */
  async function upsert<Spec>(
    plural: 'virtualservices' | 'destinationrules',
    canary: Canary,
    name: string,
    kind: 'VirtualService' | 'DestinationRule',
    desired: (existing: IstioObject<Spec> | undefined) => Spec,
  ): Promise<IstioObject<Spec>> {
    const namespace = canary.metadata.namespace ?? 'default';
    try {
      return await retryOnConflict(async () => {
        const existing = await read<IstioObject<Spec>>(plural, namespace, name);
        // As the API server stores it (no undefined members); compared by value, not by JSON text: the
        // server keeps a custom resource's keys sorted, so the text of an unchanged spec differs.
        const spec = JSON.parse(JSON.stringify(desired(existing))) as Spec;
        if (!existing) {
          const body: IstioObject<Spec> = {
            apiVersion: `${ISTIO_GROUP}/${ISTIO_VERSION}`,
            kind,
            metadata: { name, namespace, ownerReferences: ownerReferenceTo(canary) },
            spec,
          };
          return (await clients.custom.createNamespacedCustomObject({
            ...api(plural, namespace, name),
            body,
          })) as IstioObject<Spec>;
        }
        const takingOver = !isOwnedBy(existing.metadata.ownerReferences, canary);
        if (!takingOver && isDeepStrictEqual(existing.spec, spec)) return existing;
        const annotations = { ...existing.metadata.annotations };
        if (takingOver && !annotations[ORIGINAL_SPEC_ANNOTATION])
          annotations[ORIGINAL_SPEC_ANNOTATION] = JSON.stringify(existing.spec);
        const body: IstioObject<Spec> = {
          ...existing,
          metadata: { ...existing.metadata, annotations, ownerReferences: ownerReferenceTo(canary) },
          spec,
        };
        return (await clients.custom.replaceNamespacedCustomObject({
          ...api(plural, namespace, name),
          body,
        })) as IstioObject<Spec>;
      });
    } catch (err) {
      if (err instanceof AviaryError) throw err;
      throw toKubeError(err, `writing ${kind} ${namespace}/${name}`);
    }
  }

  async function liveRoutes(canary: Canary): Promise<Routes | undefined> {
    const names = serviceNames(canary.spec);
    const vs = await read<VirtualService>(
      'virtualservices',
      canary.metadata.namespace ?? 'default',
      names.apex,
    );
    return vs ? routesOf(vs.spec, names.canary) : undefined;
  }

  return {
    async reconcile(canary) {
      const names = serviceNames(canary.spec);
      const trafficPolicy = canary.spec.service.trafficPolicy;
      for (const host of [names.primary, names.canary]) {
        await upsert<DestinationRuleSpec>('destinationrules', canary, host, 'DestinationRule', () => ({
          host,
          ...(trafficPolicy ? { trafficPolicy } : {}),
        }));
      }
      // Keep the live split (a reconcile must not reset a canary in progress); new objects start at 100/0.
      await upsert<VirtualServiceSpec>(
        'virtualservices',
        canary,
        names.apex,
        'VirtualService',
        (existing) => {
          const owned = existing && isOwnedBy(existing.metadata.ownerReferences, canary);
          const current = owned ? routesOf(existing.spec, names.canary) : undefined;
          return buildVirtualServiceSpec(
            canary,
            current ?? { primaryWeight: 100, canaryWeight: 0, mirrored: false },
            cookiesOf(canary),
          );
        },
      );
    },

    async setRoutes(canary, routes, options) {
      const names = serviceNames(canary.spec);
      const written = await upsert<VirtualServiceSpec>(
        'virtualservices',
        canary,
        names.apex,
        'VirtualService',
        () => buildVirtualServiceSpec(canary, routes, options ?? cookiesOf(canary)),
      );
      const held = routesOf(written.spec, names.canary);
      if (!held || held.canaryWeight !== routes.canaryWeight || held.mirrored !== routes.mirrored) {
        throw new AviaryError(
          'ROUTE_NOT_APPLIED',
          `route not applied: asked canary ${routes.canaryWeight}%${routes.mirrored ? ' (mirrored)' : ''}, VirtualService ${names.apex} holds ${held ? `${held.canaryWeight}%` : 'no weighted rule'} — is another controller (GitOps) rewriting it?`,
        );
      }
    },

    async getRoutes(canary) {
      const routes = await liveRoutes(canary);
      if (!routes) {
        throw new AviaryError(
          'NOT_FOUND',
          `VirtualService ${serviceNames(canary.spec).apex} not found in ${canary.metadata.namespace} — it is created at initialization`,
        );
      }
      return routes;
    },

    async diagnose(canary) {
      const refs = (canary.spec.service.gateways ?? []).filter((g) => g !== 'mesh');
      if (
        refs.length === 0 &&
        !(canary.spec.service.hosts ?? []).includes('*') &&
        !(canary.spec.service.match ?? []).length
      )
        return [];
      const namespace = canary.metadata.namespace ?? 'default';
      const namespaces = new Set(refs.map((ref) => gatewayNamespace(ref, namespace)));
      const gateways: IstioGateway[] = [];
      for (const ns of namespaces) {
        const list = (await clients.custom.listNamespacedCustomObject({
          group: ISTIO_GROUP,
          version: ISTIO_VERSION,
          namespace: ns,
          plural: 'gateways',
        })) as { items: IstioGateway[] };
        gateways.push(...list.items);
      }
      const podLabels = refs.length
        ? (await clients.apps.listDeploymentForAllNamespaces()).items.map(
            (d) => d.spec?.template.metadata?.labels ?? {},
          )
        : [];
      return routingProblems(canary, { gateways, podLabels }).map((p) => `${p.field}: ${p.message}`);
    },

    async finalize(canary) {
      const namespace = canary.metadata.namespace ?? 'default';
      const names = serviceNames(canary.spec);
      const vs = await read<VirtualService>('virtualservices', namespace, names.apex);
      const original = vs?.metadata.annotations?.[ORIGINAL_SPEC_ANNOTATION];
      if (vs && original) {
        // Give the user's own VirtualService back as it was before Aviary took it over.
        const annotations = { ...vs.metadata.annotations };
        delete annotations[ORIGINAL_SPEC_ANNOTATION];
        const body: VirtualService = {
          ...vs,
          metadata: { ...vs.metadata, annotations, ownerReferences: [] },
          spec: JSON.parse(original) as VirtualServiceSpec,
        };
        await clients.custom.replaceNamespacedCustomObject({
          ...api('virtualservices', namespace, names.apex),
          body,
        });
      } else if (vs) {
        // Aviary created it: route everything to the primary Service (which keeps working without Aviary).
        await this.setRoutes(canary, { primaryWeight: 100, canaryWeight: 0, mirrored: false });
      }
    },
  };
}

/** `ns/name`, `name.ns` or `name` (the canary's namespace), as Istio resolves gateway references. */
function gatewayNamespace(ref: string, namespace: string): string {
  if (ref.includes('/')) return ref.split('/')[0] ?? namespace;
  return ref.includes('.') ? (ref.split('.')[1] ?? namespace) : namespace;
}

function cookiesOf(canary: Canary): RouteOptions {
  const status = canary.status ?? {};
  return {
    ...(status.sessionAffinityCookie ? { canaryCookie: status.sessionAffinityCookie } : {}),
    ...(status.previousSessionAffinityCookie ? { previousCookie: status.previousSessionAffinityCookie } : {}),
  };
}

export type { DestinationRule, VirtualService };
