/**
 * Shared pieces of the end-to-end tests: the server started by scripts/e2e.mjs (E2E_URL), Debian's
 * Chromium through playwright-core, and screenshots named after the page they show.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const baseUrl = process.env.E2E_URL ?? '';
export const fixtures = process.env.E2E_FIXTURES ?? join(import.meta.dirname, '../fixtures/ui');
const screenshots = process.env.E2E_SCREENSHOTS ?? join(import.meta.dirname, '../../test-results/screenshots');
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function skipReason(): string | undefined {
  if (!baseUrl) return 'E2E_URL is not set: run the end-to-end tests with "npm run test:e2e"';
  if (!existsSync(chromiumPath)) return `no Chromium at ${chromiumPath} (apt-get install chromium)`;
  return undefined;
}

export async function openBrowser(): Promise<{ browser: Browser; page: Page; errors: string[] }> {
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    // Chromium refuses its sandbox as root (CI containers); the page under test is our own.
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // HTTP error answers (a refused import, an unavailable capability) are shown to the user as words;
    // Chromium also logs them as "Failed to load resource". Anything else is a real script error.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  return { browser, page, errors };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  // Let charts finish their entry animation so the picture shows the data.
  await page.waitForTimeout(700);
  await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });
}
