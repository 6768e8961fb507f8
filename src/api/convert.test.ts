import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertFlagger } from './convert.js';
import { validateDocuments } from '../validation/validate.js';

const examples = join(import.meta.dirname, '..', '..', 'examples', 'flagger');
const files = readdirSync(examples).filter((f) => f.endsWith('.yaml'));

describe('convertFlagger on the Flagger examples', () => {
  it('has the examples', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'podinfo-canary.yaml',
        'ab-testing.yaml',
        'blue-green-mirroring.yaml',
        'metric-template-not-found.yaml',
        'alert-provider-slack.yaml',
        'session-affinity.yaml',
      ]),
    );
  });

  it.each(files)('%s is a Flagger manifest that Aviary asks to convert', (file) => {
    const { problems } = validateDocuments(readFileSync(join(examples, file), 'utf8'));
    expect(problems.some((p) => p.severity === 'error' && p.fix.includes('aviary convert'))).toBe(true);
  });

  it.each(files)('%s converts and then validates with zero errors', (file) => {
    const source = readFileSync(join(examples, file), 'utf8');
    const { text, converted } = convertFlagger(source);
    expect(converted).toBeGreaterThan(0);
    expect(text).not.toContain('flagger.app/v1beta1');
    const errors = validateDocuments(text).problems.filter((p) => p.severity === 'error');
    expect(errors).toEqual([]);
  });
});

describe('convertFlagger', () => {
  it('changes only the apiVersion, keeping comments, quoting, order and other documents', () => {
    const source = `# top comment
apiVersion: "flagger.app/v1beta1" # trailing
kind: AlertProvider
metadata:
  name: chat
  annotations: {flagger.app/keep: "yes"}
spec: {type: gchat, address: "https://chat.example.com/hook"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: podinfo}   # odd   spacing kept
`;
    const { text, converted, notes } = convertFlagger(source);
    expect(converted).toBe(1);
    expect(text).toBe(source.replace('"flagger.app/v1beta1"', '"aviary.dev/v1beta1"'));
    expect(notes).toEqual(['doc 1 AlertProvider/chat: apiVersion flagger.app/v1beta1 -> aviary.dev/v1beta1']);
  });

  it('adds the service block Aviary requires to a Knative Canary, indented as its spec', () => {
    const { text, notes } = convertFlagger(readFileSync(join(examples, 'knative-canary.yaml'), 'utf8'));
    expect(text).toContain('spec:\n  provider: knative\n  service:\n    port: 80\n  targetRef:\n');
    expect(notes.some((n) => n.includes('added spec.service'))).toBe(true);
    expect(convertFlagger(text.replace('aviary.dev/v1beta1', 'flagger.app/v1beta1')).text).toBe(text);
  });

  it('renames the deprecated canaryAnalysis to analysis, with a note', () => {
    const source = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata:
  name: podinfo
spec:
  targetRef: {kind: Deployment, name: podinfo}
  service:
    port: 9898
  canaryAnalysis:
    # one step a minute
    interval: 1m
    stepWeight: 10
`;
    const { text, notes } = convertFlagger(source);
    expect(text).toContain('  analysis:\n    # one step a minute\n    interval: 1m');
    expect(notes).toContain('doc 1 Canary/podinfo: renamed deprecated spec.canaryAnalysis to spec.analysis');
    expect(validateDocuments(text).problems).toEqual([]);
  });

  it('drops canaryAnalysis when analysis is also set, as Flagger ignored it', () => {
    const source = `apiVersion: flagger.app/v1beta1
kind: Canary
metadata: {name: podinfo}
spec:
  targetRef: {kind: Deployment, name: podinfo}
  canaryAnalysis:
    stepWeight: 5
  analysis:
    stepWeight: 10
  service:
    port: 9898
`;
    const { text, notes } = convertFlagger(source);
    expect(text).not.toContain('canaryAnalysis');
    expect(text).toContain(
      'spec:\n  targetRef: {kind: Deployment, name: podinfo}\n  analysis:\n    stepWeight: 10\n  service:',
    );
    expect(notes.join('\n')).toContain('removed spec.canaryAnalysis');
  });

  it('leaves other flagger.app kinds alone with a note, and says when there was nothing to do', () => {
    expect(
      convertFlagger('apiVersion: flagger.app/v1beta1\nkind: Other\nmetadata: {name: x}\n').notes[0],
    ).toContain('has no Aviary equivalent');
    const plain = 'apiVersion: v1\nkind: ConfigMap\n';
    expect(convertFlagger(plain)).toEqual({
      text: plain,
      converted: 0,
      notes: [expect.stringContaining('nothing changed')],
    });
  });

  it('reports a YAML syntax error with its position', () => {
    expect(() => convertFlagger('kind: Canary\nspec: [1, 2\n')).toThrow(
      /YAML syntax error in document 1 at line \d+, column \d+/,
    );
  });
});
