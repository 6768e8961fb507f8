/**
 * The chart library, uPlot (npm `uplot`), served by the dashboard itself from the installed package:
 * no CDN, so the page works offline and the CSP can stay 'self'. Read once, on first use.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export interface Asset {
  type: string;
  body: Buffer;
}

const FILES: Record<string, { file: string; type: string }> = {
  '/assets/uplot.js': { file: 'uplot/dist/uPlot.iife.min.js', type: 'text/javascript; charset=utf-8' },
  '/assets/uplot.css': { file: 'uplot/dist/uPlot.min.css', type: 'text/css; charset=utf-8' },
};

/**
 * The package files the dashboard reads at run time: the image's bundle (scripts/build.mjs --bundle)
 * copies them next to it, since it ships no node_modules.
 */
export const PACKAGE_FILES: readonly string[] = Object.values(FILES).map((entry) => entry.file);

const loaded = new Map<string, Asset>();

/** The asset served at `path`, or undefined when there is none. */
export function assetAt(path: string): Asset | undefined {
  const entry = FILES[path];
  if (!entry) return undefined;
  let asset = loaded.get(path);
  if (!asset) {
    const file = createRequire(import.meta.url).resolve(entry.file);
    asset = { type: entry.type, body: readFileSync(file) };
    loaded.set(path, asset);
  }
  return asset;
}
