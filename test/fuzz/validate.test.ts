/**
 * Issue 15: hostile and mutated manifests never crash the validator and never take long. The fixed
 * seed makes any failure reproducible: `npx tsx bench/fuzz/validate.ts --seed 15` prints the case.
 * 1,000 documents here (hostile sizes scaled down); bench/fuzz/validate.ts runs 10,000 at full size.
 */
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../src/api/limits.js';
import { validateDocuments } from '../../src/validation/validate.js';
import { aliasBomb, fuzzCases, seedDocuments } from './generate.js';
import { runCase } from './oracle.js';

/** Generous for a loaded 2-core machine; the benchmark's slowest document takes about a second. */
const MAX_MS_PER_DOCUMENT = 5_000;

describe('validator fuzzing (seed 15)', () => {
  it('the seeds are the valid examples', () => {
    const seeds = seedDocuments();
    expect(seeds.length).toBeGreaterThanOrEqual(10);
  });

  it('1,000 mutated and hostile documents: no crash, every rejection explained, bounded time', () => {
    const crashes: string[] = [];
    const violations: string[] = [];
    const slow: string[] = [];
    let documents = 0;
    for (const c of fuzzCases({ seed: 15, count: 1_000, scale: 0.25 })) {
      documents++;
      const outcome = runCase(c.text);
      const what = `#${c.index} (${c.label.slice(0, 120)})`;
      if (outcome.crash) crashes.push(`${what}: ${outcome.crash}`);
      if (outcome.violations.length > 0) violations.push(`${what}: ${outcome.violations.join('; ')}`);
      if (outcome.ms > MAX_MS_PER_DOCUMENT) slow.push(`${what}: ${outcome.ms.toFixed(0)} ms`);
    }
    expect(documents).toBe(1_000);
    expect(crashes).toEqual([]);
    expect(violations).toEqual([]);
    expect(slow).toEqual([]);
  }, 300_000);
});

const canary = (spec: string) => `apiVersion: aviary.dev/v1beta1
kind: Canary
metadata: {name: podinfo}
spec: ${spec}
`;

function only(text: string) {
  const errors = validateDocuments(text).problems.filter((p) => p.severity === 'error');
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe('input bounds', () => {
  it('an alias bomb is one error naming the document, not an exception', () => {
    const problem = only(`---\nkind: ConfigMap\n---\n${canary(aliasBomb(10, 9))}`);
    expect(problem).toMatchObject({ document: 1, path: '', severity: 'error' });
    expect(problem.message).toContain('aliases');
  });

  it('3,000 levels of nesting are refused before parsing them, in flow and block style', () => {
    const deepest = (text: string) => only(text).message;
    expect(deepest(canary(`${'['.repeat(3000)}${']'.repeat(3000)}`))).toBe(
      `nests more than ${LIMITS.depth} levels deep (line 4, column 71)`,
    );
    expect(deepest(canary(`${'{a: '.repeat(3000)}1${'}'.repeat(3000)}`))).toBe(
      `nests more than ${LIMITS.depth} levels deep (line 4, column 263)`,
    );
    expect(deepest(`${'- '.repeat(3000)}x\n`)).toBe(
      `nests more than ${LIMITS.depth} levels deep (line 1, column 129)`,
    );
    // block style nests by indentation: 1,000 levels is 500 KB, read by the parser and refused after
    const block = Array.from({ length: 1000 }, (_, i) => `${' '.repeat(i + 2)}k:`).join('\n');
    expect(deepest(`${canary('')}${block} 1\n`)).toMatch(/^nests (more than 64 levels deep|too deeply)/);
  });

  it('65 levels are refused with the field where they start', () => {
    const problem = only(canary(`{service: {port: 80, trafficPolicy: ${'['.repeat(62)}${']'.repeat(62)}}}`));
    expect(problem.path).toBe('spec.service.trafficPolicy[0][0][0][0][0]');
    expect(problem.message).toBe(`nests more than ${LIMITS.depth} levels deep`);
  });

  it('a stream over 4 MiB is refused before parsing', () => {
    const problem = only(canary(`"${'x'.repeat(LIMITS.bytes)}"`));
    expect(problem.message).toMatch(/the input is 4 MiB, more than the 4 MiB a manifest may have/);
  });

  it('long strings, long lists, big maps and non-finite numbers name their field', () => {
    const metric = '{name: request-success-rate, thresholdRange: {min: 99}}';
    const cases: [string, string, RegExp][] = [
      [
        `{targetRef: {kind: Deployment, name: "${'x'.repeat(70_000)}"}}`,
        'spec.targetRef.name',
        /70,000 characters/,
      ],
      [
        `{analysis: {metrics: [${Array(1001).fill(metric).join(',')}]}}`,
        'spec.analysis.metrics',
        /1,001 items/,
      ],
      [
        `{local: {stable: {env: {${Array.from({ length: 1001 }, (_, i) => `k${i}: v`).join(',')}}}}}`,
        'spec.local.stable.env',
        /1,001 keys/,
      ],
      [
        '{analysis: {metrics: [{name: request-duration, thresholdRange: {max: 1e309}}]}}',
        'spec.analysis.metrics[0].thresholdRange.max',
        /Infinity is not a finite number/,
      ],
      [
        '{analysis: {metrics: [{name: request-duration, thresholdRange: {max: .nan}}]}}',
        'spec.analysis.metrics[0].thresholdRange.max',
        /NaN is not a finite number/,
      ],
    ];
    for (const [spec, path, message] of cases) {
      const problem = only(canary(spec));
      expect(problem.path).toBe(path);
      expect(problem.message).toMatch(message);
    }
  });

  it('tagged values that are not plain data (!!binary, !!set, !!omap) name their field', () => {
    for (const tagged of ['!!binary aGVsbG8=', '!!set {a, b}', '!!omap [a: 1]']) {
      const problem = only(
        canary(`{targetRef: {kind: Deployment, name: x}, service: {port: 80}, analysis: ${tagged}}`),
      );
      expect(problem.path).toBe('spec.analysis');
      expect(problem.message).toMatch(/value \(a YAML tag such as !!binary/);
    }
  });

  it('50,000 problems are capped with a count of the rest', () => {
    const hooks = Array.from({ length: 1000 }, () => '{name: same, url: nope}').join(',');
    const text = canary(
      `{targetRef: {kind: Deployment, name: x}, service: {port: 80}, analysis: {stepWeight: 10, webhooks: [${hooks}]}}`,
    );
    const { problems } = validateDocuments(text);
    expect(problems).toHaveLength(LIMITS.problemsPerDocument + 1);
    expect(problems.at(-1)!.message).toBe('... and 1,899 more errors in this document');
  });

  it('a duplicate key among 50,000 is found in linear time', () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}: 1`).join('\n');
    const start = performance.now();
    const { problems } = validateDocuments(`${keys}\nk7: 2\n`);
    expect(performance.now() - start).toBeLessThan(MAX_MS_PER_DOCUMENT);
    expect(problems[0]!.message).toMatch(/key "k7" appears twice in one mapping \(first at line 8\)/);
  });
});
