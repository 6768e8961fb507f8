import { describe, expect, it } from 'vitest';
import { sharedReads } from './shared-reads.js';

describe('sharedReads', () => {
  it('reads a key once while it is fresh, again once it has expired', async () => {
    let clock = 0;
    const reads: string[] = [];
    const read = sharedReads(
      30_000,
      (key) => {
        reads.push(key);
        return Promise.resolve(`${key}#${reads.length}`);
      },
      () => clock,
    );
    expect(await Promise.all([read('istio-system'), read('istio-system'), read('test')])).toEqual([
      'istio-system#1',
      'istio-system#1',
      'test#2',
    ]);
    clock = 29_999;
    expect(await read('istio-system')).toBe('istio-system#1');
    clock = 30_000;
    expect(await read('istio-system')).toBe('istio-system#3');
    expect(reads).toEqual(['istio-system', 'test', 'istio-system']);
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    let calls = 0;
    const read = sharedReads(30_000, () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('503 from the API server')) : Promise.resolve('ok');
    });
    await expect(read('k')).rejects.toThrow('503 from the API server');
    expect(await read('k')).toBe('ok');
    expect(calls).toBe(2);
  });
});
