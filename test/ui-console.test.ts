// The web console in a real headless Chromium, on a server without a fleet: Parameter Store
// (create, edit, two versions and their diff, labels, a SecureString hidden until revealed,
// delete), Documents (content as YAML and JSON, versions), the Run Command form generated from a
// document's parameters, the clock panel, and accessibility basics (every control labelled, the
// navigation usable from the keyboard).
import { GetParameterCommand, GetParameterHistoryCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  consolePages,
  launchBrowser,
  requireChromium,
  screenshot,
  UI_TIMEOUT,
  unlabelledControls,
} from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

/** expect.poll waits 1 s by default: a page's poll, or a clock's advance, may take longer. */
const POLL = { timeout: UI_TIMEOUT };
const hasChromium = requireChromium('web console');

describe.skipIf(!hasChromium)('the web console (no fleet)', () => {
  let server: TestServer;
  let browser: Browser;
  const pages = consolePages(() => ({ browser, endpoint: server.endpoint }));
  const visit = pages.visit;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => pages.closeAll());

  it('creates a parameter, edits it, and shows both versions with a line diff', async () => {
    const { page } = await visit('parameters');
    await page.getByRole('button', { name: 'New parameter' }).click();
    const form = page.getByRole('form', { name: 'New parameter' });
    await form.getByLabel('Name').fill('/ui/app/config');
    await form.getByLabel('Value').fill('host=db1\nport=5432\nuser=app');
    await form.getByLabel('Description').fill('made in the console');
    await form.getByRole('button', { name: 'Create parameter' }).click();

    // It appears in the tree under ui/ › app/, selected, with its value.
    await page.locator('.tree summary', { hasText: 'ui/' }).waitFor();
    await page.locator('.tree-leaf[aria-current="true"]', { hasText: 'config' }).waitFor();
    await expect
      .poll(() => page.locator('.parameter-value').textContent(), POLL)
      .toBe('host=db1\nport=5432\nuser=app');

    await page.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit /ui/app/config' });
    await edit.getByLabel('Value').fill('host=db2\nport=5432\nuser=app\npool=10');
    await edit.getByRole('button', { name: 'Save new version' }).click();
    await expect.poll(() => page.locator('.parameter-version').textContent(), POLL).toBe('2');

    const versions = page.getByRole('table', { name: 'Versions' });
    await versions.locator('tr[data-version="1"]').waitFor();
    await versions.locator('tr[data-version="2"]').waitFor();
    const diff = page.getByLabel('Changes from version 1 to version 2');
    await expect
      .poll(() => diff.locator('.diff-removed').allTextContents(), POLL)
      .toEqual(['removed: − host=db1\n']);
    expect(await diff.locator('.diff-added').allTextContents()).toEqual([
      'added: + host=db2\n',
      'added: + pool=10\n',
    ]);

    // Labels: one on version 1, seen in the history too.
    await page.getByLabel('Label', { exact: true }).fill('stable');
    await page.getByLabel('on version').selectOption('1');
    await page.getByRole('button', { name: 'Add label' }).click();
    await versions.locator('tr[data-version="1"] td', { hasText: 'stable' }).waitFor();
    const history = await server.client().send(new GetParameterHistoryCommand({ Name: '/ui/app/config' }));
    expect(history.Parameters?.map((p) => [p.Version, p.Labels])).toEqual([
      [1, ['stable']],
      [2, []],
    ]);
    await screenshot(page, 'parameter-store');

    // Comparing the other way round, by choosing the versions.
    await page.getByLabel('Compare from version 2').check();
    await page.getByLabel('Compare to version 1').check();
    await page
      .getByLabel('Changes from version 2 to version 1')
      .locator('.diff-added', { hasText: 'host=db1' })
      .waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('hides a SecureString until Reveal, then shows it decrypted', async () => {
    await server
      .client()
      .send(new PutParameterCommand({ Name: '/ui/secret', Value: 's3cr3t-value', Type: 'SecureString' }));
    const { page } = await visit('parameters?name=/ui/secret');
    const value = page.locator('.parameter-value');
    await expect.poll(() => value.textContent(), POLL).toBe('••••••••');
    expect(await page.locator('.parameter-type').textContent()).toBe('SecureString');
    expect(await page.content()).not.toContain('s3cr3t-value');
    await page.getByRole('button', { name: 'Reveal' }).click();
    await expect.poll(() => value.textContent(), POLL).toBe('s3cr3t-value');
    await page.getByRole('button', { name: 'Hide' }).click();
    await expect.poll(() => value.textContent(), POLL).toBe('••••••••');
  });

  it('deletes a parameter after asking', async () => {
    await server.client().send(new PutParameterCommand({ Name: '/ui/doomed', Value: 'x', Type: 'String' }));
    const { page } = await visit('parameters?name=/ui/doomed');
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('button', { name: 'Delete /ui/doomed' }).click();
    await page.getByText('Choose a parameter, or create one.').waitFor();
    const gone = await server
      .client()
      .send(new GetParameterCommand({ Name: '/ui/doomed' }))
      .catch((error: Error) => error.name);
    expect(gone).toBe('ParameterNotFound');
  });

  it('shows an error as the emulator answered it (code and message)', async () => {
    const { page } = await visit('parameters');
    await page.getByRole('button', { name: 'New parameter' }).click();
    const form = page.getByRole('form', { name: 'New parameter' });
    await form.getByLabel('Name').fill('/ui/bad');
    // An empty value: the browser lets it through, PutParameter refuses it.
    await form.getByRole('button', { name: 'Create parameter' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.locator('.error-code').textContent()).toBe('ValidationException');
  });

  it('lists documents by owner and shows content as YAML or JSON, with versions', async () => {
    const { page } = await visit('documents');
    await page.getByLabel('Owner').selectOption('Amazon');
    await page.getByRole('link', { name: 'AWS-RunShellScript', exact: true }).click();
    const content = page.getByLabel('Content of AWS-RunShellScript as YAML');
    await expect.poll(() => content.textContent(), POLL).toContain('schemaVersion: "1.2"');
    await page.getByLabel('Format').selectOption('JSON');
    const json = page.getByLabel('Content of AWS-RunShellScript as JSON');
    await expect
      .poll(async () => JSON.parse((await json.textContent()) ?? '{}').schemaVersion, POLL)
      .toBe('1.2');
    const versions = page.getByRole('table', { name: 'Document versions' });
    await versions.locator('tbody tr').first().waitFor();
    await page.getByLabel('Format').selectOption('YAML');
    await content.waitFor();
    await screenshot(page, 'documents');
    expect(await versions.locator('tbody th').allTextContents()).toEqual(['1']);
    await page.getByRole('button', { name: 'Run this document' }).click();
    await page.locator('main[data-page="run-command"]').waitFor();
    expect(await page.getByLabel('Document', { exact: true }).inputValue()).toBe('AWS-RunShellScript');
  });

  it("generates the Run Command form from the document's parameters", async () => {
    const { page } = await visit('run-command');
    const parameters = page.locator('fieldset', { hasText: 'Parameters of AWS-RunShellScript' });
    await parameters.getByLabel('commands').waitFor();
    expect(await parameters.getByLabel('commands').evaluate((el) => el.tagName)).toBe('TEXTAREA');
    expect(await parameters.getByLabel('executionTimeout').getAttribute('placeholder')).toBe('3600');
    await page.getByLabel('Document', { exact: true }).selectOption('AWS-RunPowerShellScript');
    await page.locator('fieldset', { hasText: 'Parameters of AWS-RunPowerShellScript' }).waitFor();
    // With no fleet, a tag target reaches nothing: the command is sent, and targets no one.
    await page.getByLabel('Document', { exact: true }).selectOption('AWS-RunShellScript');
    await page
      .locator('fieldset', { hasText: 'Parameters of AWS-RunShellScript' })
      .getByLabel('commands')
      .fill('echo hi');
    await page.getByLabel('Tag key').fill('Role');
    await page.getByLabel('Tag values').fill('nobody');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('.command-facts').waitFor();
    expect(page.url()).toMatch(/#\/run-command\?command=[0-9a-f-]{36}$/);
    await page.getByRole('table', { name: 'Commands' }).locator('tbody tr').first().waitFor();
    expect(await unlabelledControls(page)).toEqual([]);
  });

  it('calls as the account and region chosen in the header', async () => {
    await server
      .client('eu-west-1', '111122223333')
      .send(new PutParameterCommand({ Name: '/ui/elsewhere', Value: 'far away', Type: 'String' }));
    const { page } = await visit('parameters');
    await page.getByText('Choose a parameter, or create one.').waitFor();
    expect(await page.locator('.tree-leaf', { hasText: 'elsewhere' }).count()).toBe(0);
    await page.getByLabel('Account', { exact: true }).fill('111122223333');
    await page.getByLabel('Region', { exact: true }).fill('eu-west-1');
    await page.getByRole('button', { name: 'Switch' }).click();
    await page.locator('.tree-leaf', { hasText: 'elsewhere' }).click();
    await expect.poll(() => page.locator('.parameter-value').textContent(), POLL).toBe('far away');
    // The choice is kept for the next visit.
    await page.reload();
    await page.locator('.tree-leaf', { hasText: 'elsewhere' }).waitFor();
    expect(await page.getByLabel('Region', { exact: true }).inputValue()).toBe('eu-west-1');
  });

  it('shows the emulator clock and advances it', async () => {
    const { page } = await visit('fleet');
    const clock = page.locator('#clock-now');
    await expect.poll(() => clock.getAttribute('datetime'), POLL).toMatch(/^\d{4}-/);
    const before = Date.parse((await clock.getAttribute('datetime'))!);
    await page.getByLabel('Advance by').fill('2');
    await page.getByLabel('Unit').selectOption({ label: 'days' });
    await page.getByRole('button', { name: 'Advance' }).click();
    await expect
      .poll(async () => Date.parse((await clock.getAttribute('datetime'))!) - before, POLL)
      .toBeGreaterThanOrEqual(2 * 86400_000);
    const answer = (await (await fetch(`${server.endpoint}/_ssm-local/clock`)).json()) as { now: string };
    expect(Date.parse(answer.now) - before).toBeGreaterThanOrEqual(2 * 86400_000);
  });

  it('is usable from the keyboard: skip link, navigation, focus on the new page', async () => {
    const { page } = await visit('fleet');
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').textContent()).toBe('Skip to content');
    await page.getByRole('link', { name: 'Parameter Store' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('main[data-page="parameters"]').waitFor();
    await page.locator('h1:focus', { hasText: 'Parameter Store' }).waitFor();
    expect(await page.getByRole('link', { name: 'Parameter Store' }).getAttribute('aria-current')).toBe(
      'page',
    );
    expect(await unlabelledControls(page)).toEqual([]);
  });
});
