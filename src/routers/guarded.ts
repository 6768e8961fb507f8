/**
 * A router that refuses what its provider cannot express before it acts, for routers that do not check
 * it themselves (the Services-only `kubernetes` router would otherwise run an A/B test as if the match
 * had been applied).
 */
import type { KubernetesRouterEntry } from './entry.js';
import { refuseUnsupported, type RouterCapabilities } from './shared/capabilities.js';

export function refusingUnsupported(
  provider: string,
  capabilities: RouterCapabilities,
  make: KubernetesRouterEntry['create'],
): KubernetesRouterEntry['create'] {
  return (...args) => {
    const router = make(...args);
    return {
      ...router,
      async reconcile(canary) {
        refuseUnsupported(provider, capabilities, canary);
        await router.reconcile(canary);
      },
      async setRoutes(canary, routes, options) {
        refuseUnsupported(provider, capabilities, canary, routes);
        await router.setRoutes(canary, routes, options);
      },
    };
  };
}
