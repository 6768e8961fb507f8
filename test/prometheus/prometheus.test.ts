import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requirePrometheus, startExporter, startPrometheus } from './index.js';

describe.skipIf(!requirePrometheus())('real Prometheus test helper', () => {
  it('starts, scrapes the exporter every second, sees changed values, and stops cleanly', async () => {
    const exporter = await startExporter();
    exporter.set('aviary_test_gauge', { app: 'a' }, 1, 'gauge');
    const prometheus = await startPrometheus({ targets: [exporter.target] });
    try {
      expect(await prometheus.waitForValue('aviary_test_gauge')).toBe(1);
      exporter.set('aviary_test_gauge', { app: 'a' }, 7, 'gauge');
      expect(await prometheus.waitForValue('aviary_test_gauge', (v) => v === 7, 5000)).toBe(7);
      expect(exporter.render()).toContain('# TYPE aviary_test_gauge gauge\naviary_test_gauge{app="a"} 7');
    } finally {
      await prometheus.stop();
      await exporter.close();
    }
    expect(existsSync(prometheus.dataDir)).toBe(false);
    await expect(fetch(`${prometheus.url}/-/ready`)).rejects.toThrow();
  });
});
