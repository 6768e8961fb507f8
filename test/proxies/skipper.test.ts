import { describe, expect, it } from 'vitest';
import { sharesOf } from './skipper.js';

// Routes as Skipper v0.27.41's /routes listed them for the canary Ingress at 90/10 (shortened).
const host = { name: 'Host', args: ['^(app[.]example[.]com[.]?(:[0-9]+)?)$'] };
const path = { name: 'PathSubtree', args: ['/'] };
const userRoute = {
  id: 'user',
  backend: { type: 'network', address: 'http://10.0.0.1:4001' },
  predicates: [host, path],
};
const redirect = {
  id: 'redirect',
  backend: { type: 'shunt' },
  predicates: [host, path, { name: 'Weight', args: [1000] }],
};

describe('sharesOf (Skipper routes -> split)', () => {
  it("follows the canary Ingress's Traffic() routes while they carry Weight()", () => {
    const shares = sharesOf(
      [
        userRoute,
        redirect,
        {
          id: 'primary',
          backend: { type: 'network', address: 'http://10.0.0.1:4002' },
          predicates: [{ name: 'Weight', args: [100] }, host, path, { name: 'Traffic', args: [0.9] }],
        },
        {
          id: 'canary',
          backend: { type: 'network', address: 'http://10.0.0.2:4003' },
          predicates: [{ name: 'Weight', args: [100] }, host, path],
        },
      ],
      ['10.0.0.1', '10.0.0.2'],
    );
    expect(shares.get('10.0.0.1')).toBeCloseTo(0.9);
    expect(shares.get('10.0.0.2')).toBeCloseTo(0.1);
  });

  it("falls back to the user's route when the canary Ingress is switched off with False()", () => {
    const off = {
      id: 'primary',
      backend: { type: 'network', address: 'http://10.0.0.1:4002' },
      predicates: [{ name: 'False' }, host, path],
    };
    expect(sharesOf([userRoute, redirect, off], ['10.0.0.1', '10.0.0.2'])).toEqual(
      new Map([['10.0.0.1', 1]]),
    );
  });
});
