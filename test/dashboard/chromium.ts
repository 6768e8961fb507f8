/**
 * Headless Chromium (Debian package `chromium`) loading a page and printing the DOM once the page's
 * scripts have run for a few seconds of virtual time. Missing Chromium fails in CI and skips elsewhere.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const MISSING = `headless Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (as root), or set CHROMIUM_BIN`;

export const chromiumAvailable = () => existsSync(CHROMIUM);

export async function dumpDom(url: string, virtualTimeMs = 5000): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), 'aviary-chromium-'));
  try {
    return await new Promise<string>((resolve, reject) => {
      execFile(
        CHROMIUM,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          `--user-data-dir=${profile}`,
          `--virtual-time-budget=${virtualTimeMs}`,
          '--dump-dom',
          url,
        ],
        { timeout: 30_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`chromium failed: ${err.message}\n${stderr.slice(-2000)}`));
          else resolve(stdout);
        },
      );
    });
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}
