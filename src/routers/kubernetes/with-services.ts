/** A mesh router preceded by the ClusterIP Services it routes between (Flagger's KubernetesRouter). */
import type { TrafficRouter } from '../../engine/ports.js';
import type { KubeClients } from '../../kube/client.js';
import { kubernetesRouter } from './router.js';
import type { RouterSettings } from '../entry.js';

export function withServices(
  clients: KubeClients,
  mesh: TrafficRouter,
  settings: RouterSettings = {},
): TrafficRouter {
  const services = kubernetesRouter(clients, settings);
  return {
    async reconcile(canary) {
      await services.reconcile(canary);
      await mesh.reconcile(canary);
    },
    setRoutes: (canary, routes, options) => mesh.setRoutes(canary, routes, options),
    getRoutes: (canary) => mesh.getRoutes(canary),
    async finalize(canary) {
      await mesh.finalize(canary);
      await services.finalize(canary);
    },
    ...(mesh.diagnose ? { diagnose: mesh.diagnose.bind(mesh) } : {}),
  };
}
