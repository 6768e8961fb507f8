import { describe, expect, it } from 'vitest';
import { SecretRedactor } from './redact.js';

const secrets = new Map<string, Record<string, string>>([
  ['slack-url', { address: 'https://hooks.slack.com/services/T0/B0/XyZ', token: 'tok"en\\with/quotes' }],
  ['db', { password: 'p@ss w0rd!', port: '80' }],
]);

describe('SecretRedactor', () => {
  const redactor = new SecretRedactor(secrets);

  it('replaces each value with where it came from', () => {
    expect(redactor.redact('posting to https://hooks.slack.com/services/T0/B0/XyZ failed')).toBe(
      'posting to [secret slack-url/address] failed',
    );
    expect(redactor.redact('login with p@ss w0rd! refused')).toBe('login with [secret db/password] refused');
  });

  it('finds a value escaped in a JSON log line, percent-encoded, or normalized as a URL', () => {
    const line = JSON.stringify({ msg: 'token tok"en\\with/quotes rejected' });
    expect(redactor.redact(line)).toBe(JSON.stringify({ msg: 'token [secret slack-url/token] rejected' }));
    expect(redactor.redact(`?pw=${encodeURIComponent('p@ss w0rd!')}`)).toBe('?pw=[secret db/password]');
    const normalized = new SecretRedactor(new Map([['s', { address: 'HTTPS://Hooks.Example/x' }]]));
    expect(normalized.redact('https://hooks.example/x')).toBe('[secret s/address]');
  });

  it('leaves values too short to hide alone rather than garbling every message', () => {
    expect(redactor.redact('canary weight 80%')).toBe('canary weight 80%');
  });

  it('redacts every string of a status, not its numbers or keys', () => {
    const status = {
      failureReason: 'webhook https://hooks.slack.com/services/T0/B0/XyZ: 500',
      canaryWeight: 80,
    };
    expect(redactor.redactDeep(status)).toEqual({
      failureReason: 'webhook [secret slack-url/address]: 500',
      canaryWeight: 80,
    });
  });

  it('redacts an error in place, keeping its class', () => {
    const err = new TypeError('bad address https://hooks.slack.com/services/T0/B0/XyZ');
    expect(redactor.redactError(err)).toBe(err);
    expect(err.message).toBe('bad address [secret slack-url/address]');
    expect(err.stack).not.toContain('XyZ');
  });
});
