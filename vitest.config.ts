import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The real control plane (scripts/dev-cluster.sh) for every test that talks to Kubernetes, then
    // one temporary directory for the run's files, removed at its end.
    globalSetup: ['test/cluster/global-setup.ts', 'test/temp-root-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
