/**
 * Asks the real API server whether Flagger's own Canary CRD (v1.44.0, copied beside the corpus) accepts
 * a manifest: the CRD is registered under a group of its own, so it does not replace the v1.36.1 CRD
 * that test/flagger's Flagger process watches.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { TestCluster } from '../cluster/index.js';
import { serverAccepts, type CrdVerdict } from './server-dry-run.js';
import { CORPUS } from './corpus.js';

/** Sorts after aviary.dev, so `kubectl get canary` keeps resolving as before for everyone else. */
export const CORPUS_GROUP = 'flagger-v1-44.corpus.aviary.test';

/**
 * Flagger's Canary CRD with only its group (and the names that carry it) changed, edited as text: the
 * file's quoted descriptions wrap the way Go's YAML reader allows and the \`yaml\` package does not.
 */
function canaryCrd(): string {
  const text = readFileSync(path.join(CORPUS, 'crd.yaml'), 'utf8');
  const doc = text.split(/^---$/m).find((d) => /^ {2}name: canaries\.flagger\.app$/m.test(d));
  if (!doc) throw new Error(`${CORPUS}/crd.yaml has no canaries.flagger.app CRD`);
  return (
    doc
      .replace(/^ {2}name: canaries\.flagger\.app$/m, `  name: canaries.${CORPUS_GROUP}`)
      .replace(/^ {2}group: flagger\.app$/m, `  group: ${CORPUS_GROUP}`)
      // `kubectl get all` stays as it was for every other test
      .replace(/^ {4}categories:\n {6}- all\n/m, '')
  );
}

export async function registerFlaggerCrd(cluster: TestCluster): Promise<void> {
  const applied = await cluster.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
    stdin: canaryCrd(),
  });
  if (applied.code !== 0) throw new Error(`registering Flagger's Canary CRD: ${applied.stderr}`);
  const ready = await cluster.kubectl(
    ['wait', '--for', 'condition=Established', '--timeout', '60s', `crd/canaries.${CORPUS_GROUP}`],
    { timeoutMs: 90_000 },
  );
  if (ready.code !== 0) throw new Error(`Flagger's Canary CRD not established: ${ready.stderr}`);
}

/** Flagger's CRD's verdict on a Flagger manifest, its apiVersion moved to the test group. */
export async function flaggerCrdAccepts(
  cluster: TestCluster,
  namespace: string,
  text: string,
): Promise<CrdVerdict> {
  const verdict = await serverAccepts(cluster, namespace, parse(text), (version) =>
    version.replace(/^flagger\.app\//, `${CORPUS_GROUP}/`),
  );
  return verdict.accepted
    ? verdict
    : { accepted: false, reason: verdict.reason.replaceAll(CORPUS_GROUP, 'flagger.app') };
}
