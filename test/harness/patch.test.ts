import { describe, expect, it } from 'vitest';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.js';

describe('patch formats', () => {
  it('merge patch replaces lists and deletes with null', () => {
    expect(applyMergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null }, l: [3] })).toEqual({
      a: { c: 2 },
      l: [3],
    });
  });

  it('JSON patch supports add/remove/replace/move/copy/test and the append index', () => {
    const doc = { a: [1, 2], b: { c: 'x' } };
    const out = applyJsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'remove', path: '/a/0' },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/b', path: '/e' },
      { op: 'replace', path: '/d', value: 'y' },
      { op: 'test', path: '/e/c', value: 'x' },
    ]);
    expect(out).toEqual({ a: [2, 3], d: 'y', e: { c: 'x' } });
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } });
    expect(() => applyJsonPatch(doc, [{ op: 'replace', path: '/missing/x', value: 1 }])).toThrow(/missing/);
  });

  it('strategic merge patch merges containers, env and ports by key and honours directives', () => {
    const spec = {
      containers: [
        { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
        { name: 'sidecar', image: 's:1' },
      ],
      volumes: [{ name: 'v1' }, { name: 'v2' }],
    };
    const out = applyStrategicMergePatch(spec, {
      containers: [
        { name: 'app', image: 'a:2', env: [{ name: 'B', value: '2' }] },
        { name: 'sidecar', $patch: 'delete' },
      ],
      volumes: [{ name: 'v1', $patch: 'delete' }],
      '$setElementOrder/volumes': [{ name: 'v2' }],
    });
    expect(out).toEqual({
      containers: [
        {
          name: 'app',
          image: 'a:2',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
          ports: [{ containerPort: 80 }],
        },
      ],
      volumes: [{ name: 'v2' }],
    });
    expect(
      applyStrategicMergePatch({ selector: { a: '1', b: '2' } }, { selector: { $patch: 'replace', c: '3' } }),
    ).toEqual({ selector: { c: '3' } });
  });
});
