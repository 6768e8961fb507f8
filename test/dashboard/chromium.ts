/**
 * Headless Chromium (Debian package `chromium`) driven through puppeteer-core: the tests load the
 * dashboard as a person would, click, type, read the DOM and keep screenshots under test-artifacts/
 * (gitignored; CI can upload it). Missing Chromium fails the tests with the fix, it never skips them.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
export const MISSING = `headless Chromium not found at ${CHROMIUM}: install it with 'apt-get install -y chromium' (as root), or set CHROMIUM_BIN`;

export const ARTIFACTS = resolve(import.meta.dirname, '../../test-artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(MISSING);
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
}

/** A page of 1280x900 whose console errors and failed requests are collected (a broken page says why). */
export async function openPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`page error: ${String(err)}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`),
  );
  return { page, problems };
}

/** Saves a full-page screenshot as test-artifacts/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The visible text of an element, whitespace collapsed. */
export async function textOf(page: Page, selector: string): Promise<string> {
  return page.$eval(selector, (el) =>
    (el as unknown as { innerText: string }).innerText.replace(/\s+/g, ' ').trim(),
  );
}
