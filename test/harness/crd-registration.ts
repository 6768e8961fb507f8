import { establishedStatus, resourceTypeFromCrd, validateCrd } from './crds.js';
import type { Registry } from './registry.js';
import type { Store } from './store.js';
import { groupResource, type ResourceType } from './types.js';

export const CRD_GR = 'apiextensions.k8s.io/customresourcedefinitions';

/**
 * Makes CustomResourceDefinition objects behave like the apiextensions-apiserver: a stored CRD is
 * validated, marked Established and its REST endpoints appear at once; a deleted CRD takes its
 * custom resources with it.
 */
export function wireCrdRegistration(store: Store, registry: Registry): () => void {
  const crdType = registry.get('apiextensions.k8s.io', 'customresourcedefinitions');
  if (crdType) {
    crdType.prepare = (crd) => {
      crd.status = establishedStatus(crd);
    };
    crdType.validate = (crd) => validateCrd(crd);
  }
  const served = new Map<string, ResourceType>();
  return store.subscribe((event) => {
    if (event.gr !== CRD_GR) return;
    const name = event.object.metadata.name ?? '';
    const before = served.get(name);
    if (event.type === 'DELETED') {
      served.delete(name);
      if (before) {
        registry.unregister(before.group, before.plural);
        store.dropGroupResource(groupResource(before));
      }
      return;
    }
    const rt = resourceTypeFromCrd(event.object);
    if (before && groupResource(before) !== groupResource(rt))
      registry.unregister(before.group, before.plural);
    served.set(name, rt);
    registry.register(rt);
  });
}
