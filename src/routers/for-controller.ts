/** The router the controller runs for a provider: the registry's entry, behind the Services it routes between. */
import type { Provider } from '../api/types.js';
import type { TrafficRouter } from '../engine/ports.js';
import { AviaryError } from '../errors.js';
import type { KubeClients } from '../kube/client.js';
import type { RouterSettings } from './entry.js';
import { routerEntry } from './index.js';
import { withServices } from './kubernetes/index.js';
import { noRouter } from './provider-rules.js';

export function controllerRouter(
  provider: Provider,
  clients: KubeClients,
  settings: RouterSettings = {},
): TrafficRouter {
  const entry = routerEntry(provider);
  if (!entry) throw noRouter(provider);
  if (entry.runtime !== 'kubernetes')
    throw new AviaryError(
      'INVALID_SPEC',
      `spec.provider: ${provider} runs on this machine with \`aviary run\`, not in the controller — use a Kubernetes provider such as istio or gatewayapi:v1`,
    );
  const router = entry.create(clients, settings);
  return entry.services ? withServices(clients, router, settings) : router;
}
