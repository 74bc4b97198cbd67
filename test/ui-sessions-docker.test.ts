// The console's Sessions page in a real headless Chromium against a real container: a shell opened
// in the browser (StartSession, then the data channel spoken by src/ui/app/session-channel.ts into
// xterm.js), a command typed on the keyboard and its output on screen, the terminal's size reaching
// the shell's TTY, the session listed Active and, once ended from the page, in History.
import { DescribeSessionsCommand } from '@aws-sdk/client-ssm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consolePages, launchBrowser, requireChromium, screenshot, UI_TIMEOUT } from './support/browser.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const POLL = { timeout: UI_TIMEOUT };
const hasChromium = requireChromium('web console (sessions)');
const hasDocker = hasChromium && (await requireDocker('web console (sessions)'));

/** What the terminal shows (xterm.js draws its rows as DOM text). */
const screen = (page: Page) => page.locator('.shell-terminal .xterm-rows').innerText();

describe.skipIf(!hasChromium || !hasDocker)('the web console: Sessions (Docker)', () => {
  let server: DockerTestServer;
  let browser: Browser;
  const pages = consolePages(() => ({ browser, endpoint: server.endpoint }));
  const visit = pages.visit;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startDockerTestServer({ fleet: [{ name: 'ui-shell-1', tags: { Role: 'shell' } }] }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => pages.closeAll());

  it('opens a shell in xterm, runs what is typed, and ends the session', async () => {
    const [instance] = server.instances;
    const { page } = await visit('sessions');
    const form = page.getByRole('form', { name: 'Start a shell' });
    await form.getByLabel('Instance').selectOption(instance!.instanceId);
    await form.getByRole('button', { name: 'Start shell' }).click();
    await page.locator('.shell-terminal[data-state="ready"]').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: `Connected to ${instance!.instanceId}` })
      .waitFor();
    const sessionId = (await page.locator('.shell-session-id').textContent())!;

    // Typed on the keyboard into xterm once the prompt shows (typed ahead of it, the TTY echoes the
    // line before bash prints its prompt): the output (not the echo of the typing) shows.
    await expect.poll(() => screen(page), POLL).toMatch(/[$#]\s*$/m);
    await page.locator('.shell-terminal').click();
    await page.keyboard.type('echo "hello $((40 + 2))"');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen(page), POLL).toMatch(/^hello 42$/m);

    // The terminal's size reached the shell's TTY (Size messages).
    await page.keyboard.type('stty size');
    await page.keyboard.press('Enter');
    await expect.poll(() => screen(page), POLL).toMatch(/^\d{2,3} \d{2,3}$/m);
    const [rows, cols] = /^(\d+) (\d+)$/m
      .exec(await screen(page))!
      .slice(1)
      .map(Number) as [number, number];
    expect(rows).toBeGreaterThan(10);
    expect(cols).toBeGreaterThan(60);

    // Active, then ended from the page: Terminated in History.
    const active = page.getByRole('table', { name: 'Active sessions' });
    await active
      .locator(`tr[data-session-id="${sessionId}"] .session-status`, { hasText: 'Connected' })
      .waitFor();
    // The terminal fits the page: no horizontal scrolling.
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(
      true,
    );
    await screenshot(page, 'sessions');
    await page.getByRole('button', { name: 'End session' }).click();
    await page.getByRole('form', { name: 'Start a shell' }).waitFor();
    await page.getByLabel('History').check();
    await page
      .getByRole('table', { name: 'History sessions' })
      .locator(`tr[data-session-id="${sessionId}"] .session-status`, { hasText: 'Terminated' })
      .waitFor();
    const history = await server.client().send(new DescribeSessionsCommand({ State: 'History' }));
    expect(history.Sessions?.map((s) => s.SessionId)).toContain(sessionId);
  });

  it('shows the end of a session terminated elsewhere (TerminateSession from the list)', async () => {
    const { page } = await visit('sessions');
    await page
      .getByRole('form', { name: 'Start a shell' })
      .getByRole('button', { name: 'Start shell' })
      .click();
    await page.locator('.shell-terminal[data-state="ready"]').waitFor();
    const sessionId = (await page.locator('.shell-session-id').textContent())!;
    const row = page
      .getByRole('table', { name: 'Active sessions' })
      .locator(`tr[data-session-id="${sessionId}"]`);
    await row.getByRole('button', { name: 'Terminate' }).click();
    await row.getByRole('button', { name: `Terminate ${sessionId}` }).click();
    // channel_closed reaches the browser: the terminal says so, and the page offers to close it.
    await expect.poll(() => screen(page), POLL).toContain(`Exiting session with sessionId: ${sessionId}.`);
    await page.getByRole('status').filter({ hasText: 'Session ended.' }).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('form', { name: 'Start a shell' }).waitFor();
  });
});
