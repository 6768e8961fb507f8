import { describe, expect, it } from 'vitest';
import { createWorld, podinfoCanary } from './testing/index.js';

const AVAILABLE = 'all the metrics providers are available!';
const REFUSED = 'cannot reach Prometheus at http://prometheus:9090: connect ECONNREFUSED';
const OFFLINE = `Error checking metric providers: Prometheus at http://prometheus:9090 is offline: ${REFUSED}`;

describe('metric providers checked as Flagger does', () => {
  it('initialization asks every metric server and says they are available before "Initialization done!"', async () => {
    const world = createWorld();
    await world.runUntil('Initialized', 10);
    expect(world.metrics.onlineChecks).toEqual(['request-success-rate', 'request-duration']);
    const messages = world.events.messages();
    expect(messages.indexOf(AVAILABLE)).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf(AVAILABLE)).toBeLessThan(messages.indexOf('Initialization done! podinfo.test'));
  });

  it('an offline server is a Warning naming it, the address and the cause, once per server', async () => {
    const world = createWorld();
    world.metrics.offline = REFUSED;
    await world.runUntil('Initialized', 10);
    expect(world.events.warnings()).toContain(OFFLINE);
    expect(world.events.messages()).not.toContain(AVAILABLE);
  });

  it('a new revision gets no traffic while a metric server is offline, and starts once it answers', async () => {
    const world = createWorld();
    await world.initializeThenDeploy();
    world.metrics.offline = REFUSED;
    await world.tick();
    await world.tick();
    expect(world.phase).toBe('Initialized');
    expect(world.events.warnings()).toContain(`Halt podinfo.test advancement: ${OFFLINE}`);
    expect(world.target.canary.replicas).toBe(0);
    expect(world.router.routes?.canaryWeight ?? 0).toBe(0);
    expect(world.metrics.queries).toHaveLength(0);

    world.metrics.offline = undefined;
    await world.tick();
    expect(world.phase).toBe('Progressing');
    await world.runUntil('Succeeded', 20);
  });

  it('skipAnalysis reads no metrics, so no server is asked', async () => {
    const world = createWorld({ canary: podinfoCanary({}, { skipAnalysis: true }) });
    world.metrics.offline = REFUSED;
    await world.initializeThenDeploy();
    await world.runUntil('Succeeded', 10);
    expect(world.metrics.onlineChecks).toEqual([]);
  });
});
