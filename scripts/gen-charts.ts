/**
 * Copies into charts/aviary what it shares with deploy/ (scripts/chart-copies.ts): the CRDs, the RBAC
 * rules and the Grafana dashboard; and writes each chart's values.schema.json from its values.yaml
 * (scripts/chart-schema.ts). Run after changing any of them (npm run gen:crds runs it too).
 */
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CHART_CRDS_DIR, REPO_ROOT, chartCopies } from './chart-copies.js';
import { CHART_SCHEMAS, valuesSchema } from './chart-schema.js';

const copies = chartCopies();
// A CRD removed from deploy/crds leaves the chart too.
const wanted = new Set(copies.map((c) => c.copy));
mkdirSync(path.join(REPO_ROOT, CHART_CRDS_DIR), { recursive: true });
for (const name of readdirSync(path.join(REPO_ROOT, CHART_CRDS_DIR))) {
  const file = `${CHART_CRDS_DIR}/${name}`;
  if (!wanted.has(file)) {
    rmSync(path.join(REPO_ROOT, file));
    console.log(`removed ${file}`);
  }
}
for (const { source, copy } of copies) {
  mkdirSync(path.dirname(path.join(REPO_ROOT, copy)), { recursive: true });
  copyFileSync(path.join(REPO_ROOT, source), path.join(REPO_ROOT, copy));
  console.log(`wrote ${copy} (from ${source})`);
}
for (const spec of CHART_SCHEMAS) {
  const file = `${spec.chart}/values.schema.json`;
  writeFileSync(path.join(REPO_ROOT, file), valuesSchema(spec));
  console.log(`wrote ${file} (from ${spec.chart}/values.yaml)`);
}
