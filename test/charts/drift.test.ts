/**
 * deploy/ is the one source of the CRDs, the controller's RBAC and the Grafana dashboard; charts/aviary
 * carries copies (Helm reads nothing outside the chart). These fail when a copy, or what the chart
 * renders from it, differs from deploy/ — run `npm run gen:charts` — and when the versions that name
 * the image (package.json, the charts' appVersion, deploy's `images:`) disagree.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CHART_CRDS_DIR, chartCopies } from '../../scripts/chart-copies.js';
import { CHART_SCHEMAS, valuesSchema } from '../../scripts/chart-schema.js';
import {
  AVIARY_CHART,
  LOADTESTER_CHART,
  REPO_ROOT,
  containerOf,
  find,
  helm,
  parseManifests,
  readText,
  readYaml,
  render,
  type Deployment,
  type K8sObject,
} from './helm.js';

const FIX = 'run `npm run gen:charts` (scripts/gen-charts.ts) to copy deploy/ into the chart';

function documentsOf(repoPath: string): K8sObject[] {
  return parseManifests(readText(repoPath));
}

function rulesOf(objects: K8sObject[], kind: string): unknown {
  return (find(objects, kind) as K8sObject & { rules: unknown }).rules;
}

describe('charts/aviary and deploy/ agree', () => {
  it.each(chartCopies().map((c) => [c.copy, c.source]))('%s is a copy of %s', (copy, source) => {
    expect(existsSync(path.join(REPO_ROOT, copy)), `${copy} is missing: ${FIX}`).toBe(true);
    expect(readText(copy), `${copy} differs from ${source}: ${FIX}`).toBe(readText(source));
  });

  it('ships exactly the CRDs of deploy/crds', () => {
    const expected = chartCopies()
      .filter((c) => c.copy.startsWith(`${CHART_CRDS_DIR}/`))
      .map((c) => path.basename(c.copy));
    expect(expected.length).toBeGreaterThan(0);
    expect(readdirSync(path.join(REPO_ROOT, CHART_CRDS_DIR)).sort(), FIX).toEqual(expected);
  });

  it('grants exactly the rules of deploy/rbac (ClusterRole and leader-election Role)', async () => {
    const objects = await render(AVIARY_CHART, { leaderElection: { replicaCount: 2 } });
    expect(rulesOf(objects, 'ClusterRole')).toEqual(
      rulesOf(documentsOf('deploy/rbac/cluster-role.yaml'), 'ClusterRole'),
    );
    expect(rulesOf(objects, 'Role')).toEqual(
      rulesOf(documentsOf('deploy/rbac/leader-election-role.yaml'), 'Role'),
    );
  });

  it('renders the CRDs of deploy/crds, also as templates (crd.create), kept on uninstall', async () => {
    const deployCrds = chartCopies()
      .filter((c) => c.copy.startsWith(`${CHART_CRDS_DIR}/`))
      .flatMap((c) => documentsOf(c.source));
    const byName = (objects: K8sObject[]) =>
      Object.fromEntries(
        objects
          .filter((o) => o.kind === 'CustomResourceDefinition')
          .map((o) => [o.metadata.name, o] as const),
      );

    const installed = byName(await render(AVIARY_CHART, {}, { extraArgs: ['--include-crds'] }));
    expect(installed).toEqual(byName(deployCrds));

    const templated = byName(await render(AVIARY_CHART, { crd: { create: true } }));
    expect(Object.keys(templated).sort()).toEqual(Object.keys(byName(deployCrds)).sort());
    for (const crd of deployCrds) {
      const rendered = templated[crd.metadata.name];
      expect(rendered?.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
      const { annotations: _, ...metadata } = rendered?.metadata ?? { name: '' };
      const { annotations: __, ...source } = crd.metadata;
      // The round trip through Helm's fromYaml/toYaml changes nothing in the schema.
      expect({ ...rendered, metadata }).toEqual({ ...crd, metadata: source });
    }
  });

  it("puts deploy's Grafana dashboard, unchanged, in the dashboard ConfigMap", async () => {
    const configMap = find(
      await render(AVIARY_CHART, { grafanaDashboard: { enabled: true } }),
      'ConfigMap',
    ) as K8sObject & {
      data: Record<string, string>;
    };
    expect(JSON.parse(configMap.data['aviary-dashboard.json'] ?? '')).toEqual(
      JSON.parse(readText('deploy/grafana/aviary-dashboard.json')),
    );
  });
});

describe('values.schema.json', () => {
  it.each(CHART_SCHEMAS.map((spec) => [spec.chart, spec] as const))(
    '%s/values.schema.json is derived from its values.yaml',
    (chart, spec) => {
      expect(readText(`${chart}/values.schema.json`), `${FIX} after changing values.yaml`).toBe(
        valuesSchema(spec),
      );
    },
  );
});

describe('one version names the image', () => {
  const version = readYaml<{ version: string }>('package.json').version;

  it.each([
    ['charts/aviary', AVIARY_CHART],
    ['charts/loadtester', LOADTESTER_CHART],
  ])('%s: version and appVersion are package.json version', async (_name, chart) => {
    const meta = parseAllDocuments(await helm(['show', 'chart', chart]))[0]?.toJS() as {
      version: string;
      appVersion: string;
    };
    // docs/releasing.md: bump them with package.json (release.yml refuses a tag that is not it).
    expect({ version: meta.version, appVersion: meta.appVersion }).toEqual({ version, appVersion: version });
  });

  it.each(['deploy/kustomization.yaml', 'deploy/loadtester/kustomization.yaml'])(
    '%s sets the image to ghcr.io/aviary-dev/aviary:<package.json version>',
    (file) => {
      expect(readYaml<{ images: unknown[] }>(file).images).toEqual([
        { name: 'ghcr.io/aviary-dev/aviary', newName: 'ghcr.io/aviary-dev/aviary', newTag: version },
      ]);
    },
  );

  it('the chart and deploy/ run the same image by default', async () => {
    const chart = containerOf(find<Deployment>(await render(AVIARY_CHART), 'Deployment')).image;
    expect(chart).toBe(`ghcr.io/aviary-dev/aviary:${version}`);
    const loadtester = containerOf(find<Deployment>(await render(LOADTESTER_CHART), 'Deployment')).image;
    expect(loadtester).toBe(chart);
  });
});
