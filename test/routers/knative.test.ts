import { KNATIVE_GROUP, KNATIVE_VERSION } from '../../src/routers/knative/index.js';
import { runRouterContract } from './contract.js';

const apiVersion = `${KNATIVE_GROUP}/${KNATIVE_VERSION}`;
const knativeService = { apiVersion, kind: 'Service', plural: 'services', name: 'podinfo' };

// The split lives on the user's Knative Service, which the router edits and never owns.
runRouterContract({
  provider: 'knative',
  async setup({ admin, namespace }) {
    const at = { group: KNATIVE_GROUP, version: KNATIVE_VERSION, namespace, plural: 'services' };
    await admin.custom.createNamespacedCustomObject({
      ...at,
      body: {
        apiVersion,
        kind: 'Service',
        metadata: { name: 'podinfo', namespace },
        spec: { template: { spec: { containers: [{ image: 'ghcr.io/stefanprodan/podinfo:6.0.0' }] } } },
      },
    });
    // What Knative Serving's controller reports once it has created the first revision (none runs here).
    await admin.custom.patchNamespacedCustomObjectStatus({
      ...at,
      name: 'podinfo',
      body: [{ op: 'add', path: '/status', value: { latestCreatedRevisionName: 'podinfo-00001' } }],
    });
    return {
      spec: { targetRef: { apiVersion, kind: 'Service', name: 'podinfo' } },
      objects: [],
      weighted: knativeService,
    };
  },
});
