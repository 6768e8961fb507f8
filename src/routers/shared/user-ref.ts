/**
 * The user's own routing object a Canary names (spec.ingressRef for nginx and skipper, spec.routeRef for
 * apisix), which a router copies into its canary object: its name, and the object, or an error that
 * says which field to fix.
 */
import type { Canary } from '../../api/types.js';
import { AviaryError } from '../../errors.js';
import type { ObjectApi, RoutingObject } from './routing-object.js';
import { namespaceOf } from '../../api/defaults.js';

export type RefField = 'ingressRef' | 'routeRef';

export function refName(canary: Canary, field: RefField, provider: string): string {
  const name = (canary.spec[field] as { name?: string } | undefined)?.name;
  if (!name)
    throw new AviaryError(
      'INVALID_SPEC',
      `spec.${field}.name is required with provider ${provider}: name the object that routes to the apex service`,
    );
  return name;
}

export async function readUserObject<T extends RoutingObject<unknown>>(
  api: ObjectApi<T>,
  canary: Canary,
  field: RefField,
  provider: string,
): Promise<T> {
  const namespace = namespaceOf(canary);
  const name = refName(canary, field, provider);
  const object = await api.read(namespace, name);
  if (!object)
    throw new AviaryError(
      'NOT_FOUND',
      `${api.kind} ${name} named by spec.${field} not found in ${namespace} — create it (routing to the apex service) first`,
    );
  return object;
}
