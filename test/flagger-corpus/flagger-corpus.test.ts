/**
 * Issue 11's yardstick: every Canary in Flagger's own repository (v1.44.0: its examples, chart, docs and
 * e2e scripts, copied to test/fixtures/flagger-canaries) whose spec Flagger's own CRD accepts on the real
 * API server is accepted by `aviary validate` after `aviary convert`, given the `--mesh-provider` Flagger
 * runs it with where it comes from (sources.json), except the refusals
 * docs/flagger-differences.md lists with their reason. The conversion keeps every field, the
 * converted manifest validates the same after a YAML round trip, and Aviary's own CRD accepts it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { testCluster } from '../cluster/index.js';
import { convertThenValidate, validateText } from './aviary-cli.js';
import { aviaryRefusals, unexcused } from './aviary-refusals.js';
import { corpusSources, flaggerCanaries } from './corpus.js';
import { FLAGGER_CRD_REFUSES } from './crd-refusals.js';
import { expectedConversion } from './expected-conversion.js';
import { fieldPaths, missingFields, specSchema } from './crd-fields.js';
import { tableRows } from './differences-doc.js';
import { CORPUS_GROUP, flaggerCrdAccepts, registerFlaggerCrd } from './flagger-crd.js';
import { serverAccepts, type CrdVerdict } from './server-dry-run.js';

const corpus = flaggerCanaries();
const refusals = aviaryRefusals();
const crdVerdicts = new Map<string, CrdVerdict>();
/** Manifests a refusal row excused, to find rows that no longer excuse anything. */
const excusedBy = new Set<number>();
/** Manifests `aviary validate` accepted, for the tally. */
const aviaryAccepted = new Set<string>();
let namespace = '';

beforeAll(async () => {
  const cluster = testCluster();
  await registerFlaggerCrd(cluster);
  namespace = await cluster.newNamespace('flagger-corpus');
  const queue = [...corpus];
  // four dry runs at a time: the API server is shared with every other test
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift())
      crdVerdicts.set(next.name, await flaggerCrdAccepts(cluster, namespace, next.text));
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  const refused = [...crdVerdicts].filter(([, v]) => !v.accepted);
  console.log(
    `Flagger's CRD: ${corpus.length - refused.length} of ${corpus.length} Canaries accepted, ${refused.length} refused:\n` +
      refused.map(([name, v]) => `  ${name}: ${v.accepted ? '' : firstLines(v.reason)}`).join('\n'),
  );
}, 300_000);

afterAll(async () => {
  const checked = [...crdVerdicts.values()].filter((v) => v.accepted).length;
  console.log(`aviary validate (after aviary convert): ${aviaryAccepted.size} of ${checked} accepted`);
  if (namespace) await testCluster().deleteNamespace(namespace);
});

describe("Flagger's own Canaries", () => {
  it('are all in the corpus: as many as scripts/flagger-canaries.ts found in Flagger', () => {
    const sources = corpusSources();
    expect(corpus.length).toBe(sources.canaries);
    expect(sources.unreadable).toEqual([]);
  });

  it("Flagger's CRD refuses exactly the manifests crd-refusals.ts lists, for the reasons it gives", () => {
    const refused = Object.fromEntries(
      [...crdVerdicts].filter(([, v]) => !v.accepted).map(([name, v]) => [name, v.accepted ? '' : v.reason]),
    );
    expect(Object.keys(refused).sort()).toEqual(Object.keys(FLAGGER_CRD_REFUSES).sort());
    for (const [name, reason] of Object.entries(refused))
      expect(reason, name).toMatch(FLAGGER_CRD_REFUSES[name] ?? /^$/);
  });

  it("Aviary's Canary CRD has every field Flagger's has, but for those docs/flagger-differences.md lists", async () => {
    const served = async (name: string) => {
      const got = await testCluster().kubectl(['get', 'crd', name, '-o', 'json']);
      if (got.code !== 0) throw new Error(`kubectl get crd ${name}: ${got.stderr}`);
      return fieldPaths(specSchema(JSON.parse(got.stdout)), 'spec');
    };
    const flagger = await served(`canaries.${CORPUS_GROUP}`);
    const aviary = await served('canaries.aviary.dev');
    expect(flagger.size).toBeGreaterThan(100);
    const listed = tableRows('Flagger Canary fields Aviary lacks', 2).map(([field]) => field);
    expect(missingFields(flagger, aviary)).toEqual(listed.sort());
  });

  it.each(corpus.map((c) => [c.name, c.meshProvider, c.text]))(
    '%s: accepted by aviary validate --mesh-provider %s after aviary convert, with every field kept',
    async (name, meshProvider, text) => {
      const crd = crdVerdicts.get(name);
      expect(crd, `no verdict from Flagger's CRD for ${name}`).toBeDefined();
      if (!crd?.accepted) {
        expect(FLAGGER_CRD_REFUSES, `${name} is refused by Flagger's CRD`).toHaveProperty([name]);
        return;
      }
      const aviary = await convertThenValidate(name, text, meshProvider);
      expect(unexcused(refusals, name, aviary.errors), `aviary validate refuses ${name}`).toEqual([]);
      refusals.forEach((r, i) => {
        if (r.manifest.test(name) && aviary.errors.some((e) => r.error.test(e))) excusedBy.add(i);
      });
      expect(aviary.code).toBe(aviary.errors.length === 0 ? 0 : 1);
      // an unknown field is only a warning in validate, and a field Aviary would drop
      expect(aviary.problems.filter((p) => /unknown field/.test(p))).toEqual([]);
      if (aviary.code === 0) aviaryAccepted.add(name);

      const converted = parse(aviary.converted) as Record<string, unknown>;
      expect(converted, 'aviary convert changed more than the documented renames').toEqual(
        expectedConversion(parse(text) as Record<string, unknown>),
      );
      const again = await validateText(`round-trip.${name}`, stringify(converted), meshProvider);
      expect(again.problems, 'validate after a YAML round trip').toEqual(aviary.problems);
      expect(again.code).toBe(aviary.code);
      if (aviary.code === 0)
        expect(
          await serverAccepts(testCluster(), namespace, converted),
          "Aviary's own CRD (deploy/crds) on the API server",
        ).toEqual({ accepted: true });
    },
  );

  it('docs/flagger-differences.md lists no refusal that no manifest needs', () => {
    const stale = refusals.filter((_, i) => !excusedBy.has(i)).map((r) => `${r.manifest} ${r.error}`);
    expect(stale).toEqual([]);
  });
});

function firstLines(text: string): string {
  return text.split('\n').slice(0, 3).join(' ').slice(0, 240);
}
