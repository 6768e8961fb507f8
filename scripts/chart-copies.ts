/**
 * The files charts/aviary carries as byte-for-byte copies of deploy/: Helm reads nothing outside the
 * chart, so the CRDs, the RBAC rules and the Grafana dashboard are copied in (npm run gen:charts), and
 * test/charts/drift.test.ts fails when a copy differs from its source. deploy/ stays the one source.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
export const CHART_DIR = 'charts/aviary';
/** Where Helm installs CRDs from (skipped when they exist, never upgraded or deleted by Helm). */
export const CHART_CRDS_DIR = `${CHART_DIR}/crds`;

export interface ChartCopy {
  /** Repository-relative path of the source under deploy/. */
  source: string;
  /** Repository-relative path of the copy inside the chart. */
  copy: string;
}

export function chartCopies(root = REPO_ROOT): ChartCopy[] {
  const crds = readdirSync(path.join(root, 'deploy/crds'))
    .filter((name) => name.endsWith('.yaml') && name !== 'kustomization.yaml')
    .sort()
    .map((name) => ({ source: `deploy/crds/${name}`, copy: `${CHART_CRDS_DIR}/${name}` }));
  return [
    ...crds,
    // templates/rbac.yaml reads the rules of these two files, so the chart grants what deploy/ grants.
    { source: 'deploy/rbac/cluster-role.yaml', copy: `${CHART_DIR}/files/rbac/cluster-role.yaml` },
    {
      source: 'deploy/rbac/leader-election-role.yaml',
      copy: `${CHART_DIR}/files/rbac/leader-election-role.yaml`,
    },
    {
      source: 'deploy/grafana/aviary-dashboard.json',
      copy: `${CHART_DIR}/files/grafana/aviary-dashboard.json`,
    },
  ];
}
