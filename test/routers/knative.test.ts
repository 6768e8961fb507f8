import { describe, expect, it } from 'vitest';
import { KNATIVE_GROUP, KNATIVE_VERSION, routesOfTraffic } from '../../src/routers/knative/index.js';
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

describe("the Knative Service's traffic block read back", () => {
  const traffic = [
    { latestRevision: true, percent: 50 },
    // `latestRevision: false` as Knative Serving's webhook defaults it
    { revisionName: 'podinfo-00001', latestRevision: false, percent: 50 },
  ];

  it('between promotion (the latest revision recorded as the primary) and the next write, the previous primary holds the primary’s share', () => {
    expect(routesOfTraffic('podinfo-00002', traffic, 'podinfo-00002')).toEqual({
      primaryWeight: 50,
      canaryWeight: 50,
      mirrored: false,
    });
  });

  it('a block naming a revision that is neither the primary nor its predecessor is no split of ours', () => {
    expect(routesOfTraffic('podinfo-00003', traffic, 'podinfo-00004')).toBeUndefined();
  });
});
