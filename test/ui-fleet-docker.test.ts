// The web console against a real Docker fleet in a real headless Chromium: the fleet page shows
// the instances Online with their platform, IP, agent version and tags; Run Command sends `echo`
// to a tag target and shows each instance's output as it arrives; a container stopped behind the
// console's back shows as Stopped without a reload; an instance is added and removed from the page.
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consolePages, launchBrowser, requireChromium, screenshot, UI_TIMEOUT } from './support/browser.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

/** expect.poll waits 1 s by default: a page's poll, or a clock's advance, may take longer. */
const POLL = { timeout: UI_TIMEOUT };
const hasChromium = requireChromium('web console (fleet)');
const hasDocker = hasChromium && (await requireDocker('web console (fleet)'));

describe.skipIf(!hasChromium || !hasDocker)('the web console on a Docker fleet', () => {
  let server: DockerTestServer;
  let browser: Browser;
  const pages = consolePages(() => ({ browser, endpoint: server.endpoint }));
  const visit = pages.visit;
  const idOf = (suffix: string) => server.instances.find((i) => i.name.endsWith(suffix))!.instanceId;

  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startDockerTestServer({
        fleet: [
          { name: 'ui-web-1', tags: { Role: 'web', Team: 'ui' } },
          { name: 'ui-web-2', tags: { Role: 'web', Team: 'ui' } },
          { name: 'ui-db-1', tags: { Role: 'db' } },
        ],
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => pages.closeAll());

  it('shows the fleet Online, with platform, IP, agent version and tags', async () => {
    const { page } = await visit('fleet');
    const table = page.getByRole('table', { name: 'Instances' });
    for (const instance of server.instances) {
      const row = table.locator(`tr[data-instance-id="${instance.instanceId}"]`);
      await row.locator('.ping-status', { hasText: 'Online' }).waitFor();
      expect(await row.locator('th').textContent()).toBe(instance.name);
    }
    const web = table.locator(`tr[data-instance-id="${idOf('ui-web-1')}"]`);
    const cells = await web.locator('td').allTextContents();
    expect(cells.join(' | ')).toMatch(/Debian GNU\/Linux/);
    expect(cells.join(' | ')).toMatch(/\b\d{1,3}(\.\d{1,3}){3}\b/);
    expect(cells.join(' | ')).toMatch(/\b\d+\.\d+\.\d+\.\d+\b/);
    expect((await web.locator('.tags li').allTextContents()).sort()).toEqual([
      'Name=ui-web-1',
      'Role=web',
      'Team=ui',
    ]);
    await page.getByText('3 instances, 3 online').waitFor();
    await screenshot(page, 'fleet');
  });

  it('sends echo to a tag target and shows each instance its output', async () => {
    const { page } = await visit('run-command');
    const parameters = page.locator('fieldset', { hasText: 'Parameters of AWS-RunShellScript' });
    await parameters.getByLabel('commands').fill('echo "hello from $(hostname)"\necho second line');
    await page.getByLabel('Tag key').fill('Role');
    await page.getByLabel('Tag values').fill('web');
    await page.getByRole('button', { name: 'Run' }).click();

    const invocations = page.getByRole('list', { name: 'Invocations' });
    for (const suffix of ['ui-web-1', 'ui-web-2']) {
      const invocation = invocations.locator(`li[data-instance-id="${idOf(suffix)}"]`);
      await invocation.locator('.invocation-status', { hasText: 'Success' }).waitFor();
      expect(await invocation.locator('pre.output').textContent()).toMatch(
        /^hello from \S+\nsecond line\n?$/,
      );
    }
    expect(await invocations.locator('li.invocation').count()).toBe(2);
    const first = invocations.locator(`li[data-instance-id="${idOf('ui-web-1')}"]`);
    await first.getByRole('button', { name: 'Full output (stdout and stderr)' }).click();
    await expect
      .poll(() => first.locator('pre.stdout').textContent(), POLL)
      .toMatch(/^hello from \S+\nsecond line\n$/);
    expect(await first.locator('pre.stderr').textContent()).toBe('(empty)');
    await page.locator('.command-status', { hasText: 'Success' }).waitFor();
    const history = page.getByRole('table', { name: 'Commands' });
    await history.locator('tbody tr', { hasText: 'Success' }).first().waitFor();
    await screenshot(page, 'run-command');

    // The history's filters: by status, and by a document no command used.
    await page.getByLabel('Status', { exact: true }).selectOption('Failed');
    await page.getByText('No command matches these filters.').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('Success');
    await history.locator('tbody tr').first().waitFor();
    await page.getByLabel('Document name').fill('AWS-RunPowerShellScript');
    await page.getByLabel('Document name').press('Enter');
    await page.getByText('No command matches these filters.').waitFor();
  });

  it('cancels a running command', async () => {
    const { page } = await visit('run-command');
    await page
      .locator('fieldset', { hasText: 'Parameters of AWS-RunShellScript' })
      .getByLabel('commands')
      .fill('sleep 60');
    await page.getByLabel('By instance').check();
    await page.getByRole('checkbox', { name: new RegExp(idOf('ui-db-1')) }).check();
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('.command-status', { hasText: 'InProgress' }).waitFor();
    await page.getByRole('button', { name: 'Cancel command' }).click();
    await page.getByRole('button', { name: 'Cancel this command' }).click();
    await page.locator('.command-status', { hasText: 'Cancelled' }).waitFor();
  });

  it("shows a stopped container's status change without a reload, and its return", async () => {
    const { page } = await visit('fleet');
    const id = idOf('ui-web-2');
    const status = page.locator(`tr[data-instance-id="${id}"] .ping-status`);
    await status.getByText('Online').waitFor();
    const container = server.docker.getContainer(
      server.instances.find((i) => i.instanceId === id)!.containerId,
    );
    await container.stop({ t: 1 });
    await status.getByText('Stopped').waitFor();
    await screenshot(page, 'fleet-stopped');
    await container.start();
    await status.getByText('Online').waitFor({ timeout: 60_000 });
  });

  it('adds an instance with tags and removes it', async () => {
    const { page } = await visit('fleet');
    const form = page.getByRole('form', { name: 'Add an instance' });
    await form.getByLabel('Name').fill('ui-added');
    await form.getByLabel('Tags').fill('Role=extra\nOwner=console');
    await form.getByRole('button', { name: 'Add instance' }).click();
    const row = page.locator('tr', { has: page.locator('th', { hasText: 'ui-added' }) });
    await row.locator('.ping-status', { hasText: 'Online' }).waitFor({ timeout: 90_000 });
    expect((await row.locator('.tags li').allTextContents()).sort()).toEqual([
      'Name=ui-added',
      'Owner=console',
      'Role=extra',
    ]);
    await row.getByRole('button', { name: 'Remove' }).click();
    await row.getByRole('button', { name: 'Remove ui-added' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await server.admin.listAll()).some((i) => i.name === 'ui-added')).toBe(false);
  });
});
