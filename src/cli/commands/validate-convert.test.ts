import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMain } from '../testing/run-main.js';

const examples = join(import.meta.dirname, '..', '..', '..', 'examples', 'flagger');
const dir = mkdtempSync(join(tmpdir(), 'aviary-cli-'));

const run = runMain;

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const canary = (analysis: string) => `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  targetRef: {kind: Deployment, name: podinfo}
  service: {port: 9898}
  analysis: ${analysis}
`;

afterEach(() => {
  process.exitCode = undefined;
});

describe('aviary validate', () => {
  it('prints "N documents valid" and exits 0 for valid files', async () => {
    const a = file(
      'a.yaml',
      canary('{stepWeight: 10, metrics: [{name: request-success-rate, thresholdRange: {min: 99}}]}'),
    );
    const b = file(
      'b.yaml',
      `${readFileSync(a, 'utf8')}---\n${readFileSync(a, 'utf8').replace('podinfo}', 'other}')}`,
    );
    const result = await run('validate', '-f', a, '-f', b);
    expect(result).toEqual({ code: 0, stdout: '3 documents valid\n', stderr: '' });
  });

  it('prints each problem as file:doc N Kind/name path: message — fix and exits 1 on errors', async () => {
    const bad = file('bad.yaml', canary('{maxWeight: 50, stepWeight: 60}'));
    const result = await run('validate', '-f', bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `${bad}:doc 1 Canary/podinfo spec.analysis.stepWeight: must be > 0 and <= maxWeight (50), got 60 — lower stepWeight to at most 50, or raise maxWeight\n`,
    );
    expect(result.stderr).toBe('aviary: 1 error: 0 of 1 document valid\n');
  });

  it('exits 0 with warnings only, printing them', async () => {
    const warn = file(
      'warn.yaml',
      canary(
        '{interval: 5s, stepWeight: 10, metrics: [{name: request-duration, thresholdRange: {max: 500}}]}',
      ),
    );
    const result = await run('validate', '-f', warn);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `${warn}:doc 1 Canary/podinfo spec.analysis.interval: warning: 5s is below the 10s minimum`,
    );
    expect(result.stdout).toMatch(/1 document valid \(1 warning\)\n$/);
  });

  it('says a Flagger manifest needs converting', async () => {
    const result = await run('validate', '-f', join(examples, 'podinfo-canary.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      'apiVersion: flagger.app/v1beta1 is a Flagger manifest — run `aviary convert',
    );
  });

  it('--mesh-provider checks a Canary without spec.provider against that router, as the controller runs it', async () => {
    const mirrored = file('mirrored.yaml', canary('{iterations: 5, mirror: true}'));
    expect((await run('validate', '-f', mirrored)).code).toBe(0);
    const contour = await run('validate', '--mesh-provider', 'contour', '-f', mirrored);
    expect(contour.code).toBe(1);
    expect(contour.stdout).toContain('spec.analysis.mirror: provider contour cannot mirror');
    expect((await run('validate', '--mesh-provider', 'istio', '-f', mirrored)).code).toBe(0);
    const bad = await run('validate', '--mesh-provider', 'istoi', '-f', mirrored);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('--mesh-provider: "istoi" is not one of istio,');
  });

  it('reports a missing file', async () => {
    const result = await run('validate', '-f', join(dir, 'missing.yaml'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot read .*missing\.yaml: no such file/);
  });
});

describe('aviary convert', () => {
  it('writes converted YAML to stdout and notes to stderr', async () => {
    const result = await run('convert', '-f', join(examples, 'ab-testing.yaml'));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('apiVersion: aviary.dev/v1beta1\nkind: Canary');
    expect(result.stdout).toContain("# curl -H 'X-Canary: insider' http://abtest.example.com");
    expect(result.stderr).toBe('doc 1 Canary/abtest: apiVersion flagger.app/v1beta1 -> aviary.dev/v1beta1\n');
  });

  it('writes to -o, and the result validates', async () => {
    const out = join(dir, 'converted.yaml');
    const converted = await run('convert', '-f', join(examples, 'alert-provider-slack.yaml'), '-o', out);
    expect(converted.code).toBe(0);
    expect(converted.stdout).toBe('');
    expect(converted.stderr).toContain(`wrote ${out} (3 converted)`);
    const validated = await run('validate', '-f', out, '--no-warnings');
    expect(validated).toMatchObject({ code: 0, stdout: '3 documents valid\n' });
  });
});
