/**
 * Events on a Canary as `kubectl describe canary` shows them, on the real API server: a repeated event
 * is one Event whose count grows, also across a controller restart (a new recorder that never created
 * it finds the one already there).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Canary } from '../../src/api/types.js';
import { kubeEventRecorder } from '../../src/kube/events.js';
import { testCluster } from '../cluster/index.js';

const cluster = testCluster();
let namespace: string;

beforeAll(async () => {
  namespace = await cluster.newNamespace('events');
});

afterAll(async () => {
  if (namespace) await cluster.deleteNamespace(namespace);
});

describe('Canary events', () => {
  it('counts a repeated event on one Event, across a restart of the recorder', async () => {
    const canary = {
      apiVersion: 'aviary.dev/v1beta1',
      kind: 'Canary',
      metadata: { name: 'podinfo', namespace, uid: '00000000-0000-0000-0000-000000000001' },
      spec: {},
    } as unknown as Canary;
    const problems: string[] = [];
    const recorder = () =>
      kubeEventRecorder({ clients: cluster.adminClients(), log: (m) => problems.push(m) });

    const first = recorder();
    for (let i = 0; i < 3; i++) await first.record(canary, 'Warning', 'Synced', 'primary not ready');
    await first.record(canary, 'Normal', 'Synced', 'Initialization done!');
    // The controller restarted: this recorder never created the event.
    await recorder().record(canary, 'Warning', 'Synced', 'primary not ready');

    const { items } = await cluster.adminClients().core.listNamespacedEvent({ namespace });
    const counts = Object.fromEntries(items.map((e) => [e.message, e.count]));
    expect(counts).toEqual({ 'primary not ready': 4, 'Initialization done!': 1 });
    expect(
      items.every((e) => e.involvedObject.name === 'podinfo' && e.involvedObject.kind === 'Canary'),
    ).toBe(true);
    expect(problems).toEqual([]);
  });
});
