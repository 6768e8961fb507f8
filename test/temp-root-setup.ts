/**
 * Vitest global setup: one temporary directory per test run, as TMPDIR for the test workers (and the
 * tools they start), removed when the run ends. Without it every run left its kubeconfigs, chart values
 * and local releases' state behind in /tmp (thousands of directories after a day of runs).
 *
 * Listed after the cluster's setup, so that a dev cluster this run starts (and may keep, with
 * AVIARY_KEEP_CLUSTER=1) does not get a TMPDIR that is removed under it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(path.join(os.tmpdir(), 'aviary-test-run-'));
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(root, { recursive: true, force: true });
  };
}
