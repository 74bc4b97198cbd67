// Browser tests of the web console drive a real headless Chromium (Debian's `chromium` package)
// with playwright-core, which downloads no browser of its own:
//
//   const hasChromium = requireChromium('console');
//   describe.skipIf(!hasChromium)('...', () => {
//     let browser: Browser;
//     beforeAll(async () => { browser = await launchBrowser(); });
//     afterAll(async () => browser?.close());
//     it('...', async () => { const page = await openConsole(browser, server.endpoint, 'fleet'); ... });
//   });
//
// Without a Chromium (CHROMIUM_PATH, default /usr/bin/chromium): outside CI the suite is skipped
// with a loud message; with CI=true the file fails (.ci/run installs Debian's chromium).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Generous but bounded: long enough for a slow CI machine, short enough to fail a stuck test. */
export const UI_TIMEOUT = 20_000;

export function requireChromium(what: string): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  const message = `no Chromium at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or apt-get install chromium): ${what} tests need one`;
  if (process.env.CI === 'true') throw new Error(`${message}; failing because CI=true`);
  console.warn(`\n${'!'.repeat(100)}\n!!! SKIPPED: ${message}.\n${'!'.repeat(100)}\n`);
  return false;
}

export async function launchBrowser(): Promise<Browser> {
  const root = process.getuid?.() === 0;
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Chromium's sandbox cannot start as root (CI runs as root); /dev/shm is small in containers.
    args: [...(root ? ['--no-sandbox'] : []), '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
}

export interface ConsolePage {
  page: Page;
  /** Uncaught errors in the page so far (a test asserts there were none). */
  errors: string[];
  close(): Promise<void>;
}

/** Opens the console at a page (`fleet`, `parameters?name=/x`, …) and waits for it to render. */
export async function openConsole(browser: Browser, endpoint: string, hash = 'fleet'): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(UI_TIMEOUT);
  page.setDefaultNavigationTimeout(UI_TIMEOUT);
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${endpoint}/_ssm-local/ui/#/${hash}`);
  const path = hash.split('?')[0]!;
  await page.locator(`main[data-page="${path}"]`).waitFor();
  return { page, errors, close: () => context.close() };
}

/**
 * With SSM_LOCAL_SCREENSHOTS=<folder> (e.g. docs/screenshots), saves the page as <folder>/<name>.png:
 * the README's screenshots are taken in the very states the tests check.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.SSM_LOCAL_SCREENSHOTS;
  if (!folder) return;
  mkdirSync(folder, { recursive: true });
  // Let the last poll's answer render, and no focus ring or caret show.
  await page.waitForTimeout(300);
  await page.evaluate('document.activeElement && document.activeElement.blur()');
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true, caret: 'hide' });
}

/**
 * The console pages a test file opens: `visit` opens one (openConsole, on the browser and server
 * `where` names when called); `closeAll`, in afterEach, checks that none had an uncaught error and
 * closes them.
 */
export function consolePages(where: () => { browser: Browser; endpoint: string }): {
  visit(hash: string): Promise<ConsolePage>;
  closeAll(): Promise<void>;
} {
  let open: ConsolePage[] = [];
  return {
    async visit(hash) {
      const { browser, endpoint } = where();
      const opened = await openConsole(browser, endpoint, hash);
      open.push(opened);
      return opened;
    },
    async closeAll() {
      for (const { errors } of open) expect(errors).toEqual([]);
      await Promise.all(open.map((o) => o.close()));
      open = [];
    },
  };
}

/**
 * Controls with no accessible name (no <label>, aria-label or aria-labelledby); with `buttons`,
 * buttons too, unless their text names them. A string, as it runs in the page (the tests are
 * type-checked without the DOM's types).
 */
export function unlabelledControls(page: Page, options: { buttons?: boolean } = {}): Promise<string[]> {
  return page.evaluate<string[]>(`
    [...document.querySelectorAll('input, select, textarea${options.buttons ? ', button' : ''}')]
      .filter((control) => control.type !== 'hidden' && !control.labels?.length
        && !control.getAttribute('aria-label') && !control.getAttribute('aria-labelledby')
        && !(control.tagName === 'BUTTON' && control.textContent.trim()))
      .map((control) => control.outerHTML.slice(0, 120))
  `);
}
