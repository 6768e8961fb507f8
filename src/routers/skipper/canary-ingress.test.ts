import { describe, expect, it } from 'vitest';
import { canaryFor } from '../../targets/kubernetes/testing/fixtures.js';
import {
  BACKEND_WEIGHTS,
  PREDICATE,
  routesOfSkipperAnnotations,
  skipperAnnotations,
  skipperIngressSpec,
} from './canary-ingress.js';

const canary = canaryFor('test', 'podinfo');
const split = (primaryWeight: number, canaryWeight: number) => ({
  primaryWeight,
  canaryWeight,
  mirrored: false,
});

describe('Skipper canary Ingress (Flagger’s shape)', () => {
  it('splits each path on the apex into a primary path and a canary twin', () => {
    const backend = (name: string) => ({ service: { name, port: { number: 9898 } } });
    const spec = skipperIngressSpec(canary, {
      rules: [
        {
          host: 'app.example.com',
          http: {
            paths: [
              { path: '/', pathType: 'Prefix', backend: backend('podinfo') },
              { path: '/other', pathType: 'Prefix', backend: backend('other') },
            ],
          },
        },
      ],
    });
    expect(spec.rules?.[0]?.http?.paths.map((p) => [p.path, p.backend.service?.name])).toEqual([
      ['/', 'podinfo-primary'],
      ['/', 'podinfo-canary'],
      ['/other', 'other'],
    ]);
  });

  it('weights as a JSON map, Weight(100) ahead of the user’s predicates, False() when the canary has none', () => {
    const user = {
      [PREDICATE]: 'Method("GET") && Weight(100)',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    };
    const on = skipperAnnotations(canary, split(90, 10), user);
    expect(on).toEqual({
      [BACKEND_WEIGHTS]: '{"podinfo-primary":90,"podinfo-canary":10}',
      [PREDICATE]: 'Weight(100) && Method("GET")',
    });
    expect(routesOfSkipperAnnotations(canary, on)).toEqual(split(90, 10));
    const off = skipperAnnotations(canary, split(100, 0), user);
    expect(off[PREDICATE]).toBe('False() && Method("GET")');
    expect(routesOfSkipperAnnotations(canary, off)).toEqual(split(100, 0));
  });

  it('a canary Ingress switched off by False() sends nothing to the canary, whatever its weights say', () => {
    const annotations = {
      [BACKEND_WEIGHTS]: '{"podinfo-primary":50,"podinfo-canary":50}',
      [PREDICATE]: 'False()',
    };
    expect(routesOfSkipperAnnotations(canary, annotations)).toEqual(split(100, 0));
    expect(routesOfSkipperAnnotations(canary, { [BACKEND_WEIGHTS]: 'not json' })).toBeUndefined();
  });
});
