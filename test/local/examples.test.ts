/** The local examples are files users run as they are: each must validate and read as `aviary run` reads it. */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests } from '../../src/local/run/manifests.js';
import { aviary, REPO } from './support.js';

const DIR = join(REPO, 'examples/local');

describe('examples/local', () => {
  it('every file validates (aviary validate exit 0)', async () => {
    const files = (await readdir(DIR)).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['canary.yaml', 'seed-scenario.yaml']));
    for (const file of files) {
      const r = aviary(['validate', '-f', join(DIR, file)]);
      expect((await r.exit).code, `${file}: ${r.stdout()}${r.stderr()}`).toBe(0);
    }
  });

  it('seed-scenario.yaml: load test via the load tester, bash smoke test, promotion gate, Slack from a Secret', async () => {
    const { canary, alertProviders, secrets } = await readManifests(join(DIR, 'seed-scenario.yaml'));
    const hooks = Object.fromEntries((canary.spec.analysis.webhooks ?? []).map((h) => [h.name, h]));
    expect(hooks['load-test']).toMatchObject({
      type: 'rollout',
      metadata: { cmd: expect.stringMatching(/^hey /) },
    });
    expect(hooks['smoke-test']).toMatchObject({
      type: 'pre-rollout',
      metadata: { type: 'bash', cmd: `curl -sf http://127.0.0.1:${canary.spec.local!.canary.port}/healthz` },
    });
    expect(hooks['confirm-promotion']).toMatchObject({
      type: 'confirm-promotion',
      url: expect.stringMatching(/\/gate\/check$/),
    });
    expect(alertProviders).toMatchObject([{ spec: { type: 'slack', secretRef: { name: 'slack-webhook' } } }]);
    expect(secrets.get('slack-webhook')?.address).toMatch(/^https:\/\/hooks\.slack\.com\//);
    // hey aims at Aviary's router, so the canary gets only its share of the split.
    expect(hooks['load-test']!.metadata!.cmd).toContain(`http://127.0.0.1:${canary.spec.local!.listenPort}/`);
  });
});
