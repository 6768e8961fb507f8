import { describe, expect, it } from 'vitest';
import { CURL_RULES, HEY_RULES, checkFlags, parseAllowedCommand } from './flag-rules.js';

const curl = (...args: string[]) => checkFlags('curl', args, CURL_RULES);
const hey = (...args: string[]) => checkFlags('hey', args, HEY_RULES);
const url = 'http://podinfo-canary.test:9898/';

describe('curl flag rules', () => {
  it('accepts clustered switches and attached values, and runs with no config and only http(s)', () => {
    const checked = curl('-sSf', '-XPOST', '-HX-A: 1', '--max-time', '5', url);
    expect(checked).toEqual({
      ok: true,
      args: [...(CURL_RULES.prepend ?? []), '-sSf', '-XPOST', '-HX-A: 1', '--max-time', '5', url],
    });
    expect(checked.ok && checked.args[0]).toBe('--disable');
  });

  it('finds a forbidden flag hidden in a cluster or after a URL', () => {
    expect(curl('-sSK', '/etc/passwd', url)).toMatchObject({
      ok: false,
      message: expect.stringContaining('"-K"'),
    });
    expect(curl(url, '--engine', 'x')).toMatchObject({
      ok: false,
      message: expect.stringContaining('"--engine"'),
    });
  });

  it('checks the value of an attached or separate flag value', () => {
    expect(curl('-d@/etc/passwd', url)).toMatchObject({ ok: false });
    expect(curl('-XGET / HTTP/1.1', url)).toMatchObject({ ok: false });
    expect(curl('-d', '{"a":1}', url)).toMatchObject({ ok: true });
    expect(curl('--data-raw', '@literal', url)).toMatchObject({ ok: true });
  });

  it('treats everything after -- as URLs', () => {
    expect(curl('--', 'file:///etc/passwd')).toMatchObject({
      ok: false,
      message: expect.stringContaining('file://'),
    });
    expect(curl('--', url)).toMatchObject({ ok: true });
  });
});

describe('hey flag rules', () => {
  it("accepts Flagger's load test command in Go's flag syntax", () => {
    expect(hey('-z', '1m', '-q', '10', '-c', '2', '--host=app.example.com', '-h2', url)).toMatchObject({
      ok: true,
    });
  });

  it('stops at the URL like Go, and allows one URL only', () => {
    expect(hey(url, '-D', '/etc/passwd')).toMatchObject({
      ok: false,
      message: expect.stringContaining('1 URL'),
    });
    expect(hey('-n', '1')).toMatchObject({ ok: true });
  });

  it('refuses -D and checks typed values', () => {
    expect(hey('-D', '/etc/passwd', url)).toMatchObject({
      ok: false,
      message: expect.stringContaining('"-D"'),
    });
    expect(hey('-c', 'lots', url)).toMatchObject({ ok: false, message: expect.stringContaining('-c') });
    expect(hey('-z', '1h0', url)).toMatchObject({ ok: false });
  });
});

describe('--allow-command with a flag list', () => {
  it('parses value flags (trailing =) and switches', () => {
    const { name, rules } = parseAllowedCommand('kubectl:-n=,--namespace=,-w');
    expect(name).toBe('kubectl');
    expect(checkFlags('kubectl', ['get', 'pods', '-n', 'test', '-w'], rules!)).toMatchObject({ ok: true });
    expect(checkFlags('kubectl', ['--namespace=test', 'get', 'pods'], rules!)).toMatchObject({ ok: true });
    expect(checkFlags('kubectl', ['--kubeconfig', '/x', 'get'], rules!)).toMatchObject({ ok: false });
  });

  it('says how to write a malformed entry', () => {
    expect(() => parseAllowedCommand('kubectl:get pods')).toThrow('is not a flag');
  });
});
