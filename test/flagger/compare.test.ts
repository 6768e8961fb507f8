/**
 * The comparison itself, without a cluster: what counts as the same and what as a difference, and the
 * list of accepted differences in docs/flagger-differences.md (every row parses, and a difference is
 * accepted only by a row of its own area and scenario).
 */
import { describe, expect, it } from 'vitest';
import { diffSequence, normaliseObject, placeholders, withoutMeasurements } from './compare.js';
import { isKnown, knownDifferences } from './known-differences.js';

describe('flagger comparison', () => {
  it('replaces each controller’s own names, ids, checksums and clock readings', () => {
    const body = {
      namespace: 'flagger-x-ab12cd',
      checksum: '56576dbb9c',
      metadata: {
        eventMessage: 'Advance podinfo.flagger-x-ab12cd canary weight 10',
        timestamp: '1796145436282',
      },
      id: '7de8ade2-c331-441f-baec-bc090daf3597',
      apiVersion: 'flagger.app/v1beta1',
    };
    expect(placeholders(body, 'flagger-x-ab12cd')).toEqual({
      namespace: '<ns>',
      checksum: '<checksum>',
      metadata: { eventMessage: 'Advance podinfo.<ns> canary weight 10', timestamp: '<time>' },
      id: '<uuid>',
      apiVersion: '<group>/v1beta1',
    });
  });

  it('drops what the API server fills in, keeps what the controller wrote', () => {
    const service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: 'podinfo',
        namespace: 'ns1',
        uid: 'u',
        resourceVersion: '7',
        labels: { app: 'podinfo' },
      },
      spec: { clusterIP: '10.0.0.7', clusterIPs: ['10.0.0.7'], ports: [{ port: 9898 }] },
      status: { loadBalancer: {} },
    };
    expect(normaliseObject(service, 'ns1')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'podinfo', labels: { app: 'podinfo' } },
      spec: { ports: [{ port: 9898 }] },
    });
  });

  it('hides measured values, not the wording around them', () => {
    expect(withoutMeasurements('Halt podinfo.test advancement success rate 88.88% < 99%')).toBe(
      'Halt podinfo.test advancement success rate <value>% < 99%',
    );
    expect(withoutMeasurements('Halt advancement podinfo.test request-success-rate 80 < 99')).toBe(
      'Halt advancement podinfo.test request-success-rate <value> < 99',
    );
    expect(withoutMeasurements('Advance podinfo.test canary weight 10')).toBe(
      'Advance podinfo.test canary weight 10',
    );
  });

  it('aligns two sequences: a missing item is one difference, not a shift of all that follow', () => {
    const flagger = ['Initialized 0', 'Progressing 10', 'Promoting 0', 'Succeeded 0'];
    const aviary = ['Initialized 0', 'Progressing 10', 'Promoting 10', 'Succeeded 0'];
    expect(diffSequence('timeline', 'phase weight', flagger, aviary, (x) => x)).toEqual([
      { area: 'timeline', path: 'phase weight Promoting 0', flagger: 'Promoting 0', aviary: undefined },
      { area: 'timeline', path: 'phase weight Promoting 10', flagger: undefined, aviary: 'Promoting 10' },
    ]);
  });

  it('reads every row of docs/flagger-differences.md and accepts a difference only in its area and scenarios', () => {
    const known = knownDifferences();
    expect(known.length).toBeGreaterThan(5);
    for (const row of known) expect(['objects', 'timeline', 'webhook', 'alert', 'event']).toContain(row.area);
    const mesh = {
      area: 'objects',
      path: 'final VirtualService/podinfo .spec.gateways[1]',
      flagger: undefined,
      aviary: 'mesh',
    };
    expect(isKnown(known, 'canary-promoted', mesh)).toBe(true);
    expect(isKnown(known, 'canary-promoted', { ...mesh, area: 'alert' })).toBe(false);
    expect(
      isKnown(known, 'canary-promoted', { ...mesh, path: 'final VirtualService/podinfo .spec.hosts[0]' }),
    ).toBe(false);
    const abRoute = { ...mesh, path: 'final VirtualService/podinfo .spec.http[1].route[1]' };
    expect(isKnown(known, 'ab-testing', abRoute)).toBe(true);
    expect(isKnown(known, 'canary-promoted', abRoute)).toBe(false);
  });

  it('names the row a malformed table needs', () => {
    const doc =
      '## Known differences\n\n| a | b | c | d |\n|---|---|---|---|\n| objects | * | no-backticks | why |\n## Open differences\n';
    expect(() => knownDifferences(doc)).toThrow(
      /table row 1 \(.*no-backticks.*\) needs \| area \| scenarios \| `path regex` \| why \|/,
    );
  });
});
