// The console's State Manager, Inventory, Compliance and Patch pages in a real headless Chromium,
// against a server with a memory fleet of three instances and fakes where the work would run in a
// container (the executor, the patch scanner and baseline of patch-states-helpers.ts): what a user
// sees of associations made through the SDK and the page (status, executions, their targets, apply
// now, delete), inventory charts and one instance's entries, compliance counts by severity and a
// resource's items, patch states, which instance misses which patch, and the patch groups.
import {
  CreateAssociationCommand,
  CreatePatchBaselineCommand,
  ListAssociationsCommand,
  PutComplianceItemsCommand,
  RegisterPatchBaselineForPatchGroupCommand,
} from '@aws-sdk/client-ssm';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { allCapabilities } from '../src/capabilities.js';
import { RUN_COMMAND } from '../src/commands/api.js';
import { COMPLIANCE } from '../src/compliance/api.js';
import type { Capability } from '../src/core/capability.js';
import { backgroundContext } from '../src/core/context.js';
import { FLEET } from '../src/instances/api.js';
import { MemoryFleet } from '../src/instances/index.js';
import { INVENTORY } from '../src/inventory/api.js';
import { baselineHandlers } from '../src/patch/baselines/index.js';
import { registerPatchPlugin, stateHandlers } from '../src/patch/states/index.js';
import {
  FakeBaselines,
  FakeScanner,
  pkg,
  RebootingExecutor,
  runPatchBaseline,
} from './patch-states-helpers.js';
import {
  consolePages,
  launchBrowser,
  requireChromium,
  screenshot,
  UI_TIMEOUT,
  unlabelledControls,
} from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

const POLL = { timeout: UI_TIMEOUT };
const hasChromium = requireChromium('web console (State Manager, Inventory, Compliance, Patch)');

const WEB_1 = 'i-0000000000000000a';
const WEB_2 = 'i-0000000000000000b';
const DB = 'i-0000000000000000c';
const TIME = '2030-01-01T00:00:00Z';

const packages = () => [
  pkg('openssl', { candidateVersion: '3.0.15-1~deb12u1', security: true, archive: 'bookworm-security' }),
  pkg('tzdata', { candidateVersion: '2024b-0+deb12u1', archive: 'bookworm-updates' }),
  pkg('bash'),
];

describe.skipIf(!hasChromium)('the web console: State Manager, Inventory, Compliance, Patch', () => {
  let server: TestServer;
  let browser: Browser;
  const pages = consolePages(() => ({ browser, endpoint: server.endpoint }));
  const visit = pages.visit;

  beforeAll(async () => {
    const fleet = new MemoryFleet([
      { id: WEB_1, name: 'web-1', tags: { Role: 'web', 'Patch Group': 'web' } },
      { id: WEB_2, name: 'web-2', tags: { Role: 'web', 'Patch Group': 'web' } },
      { id: DB, name: 'db-1', tags: { Role: 'db' } },
    ]);
    // Patch Manager with its real baseline operations, and scans judged by the fakes.
    const patch: Capability = {
      name: 'patch',
      needs: [RUN_COMMAND, FLEET],
      uses: [COMPLIANCE],
      handlers: { ...baselineHandlers(), ...stateHandlers() },
      start(services) {
        registerPatchPlugin(services, new FakeBaselines(), new FakeScanner(packages));
      },
    };
    const executor = new RebootingExecutor();
    const capabilities = [...allCapabilities({ fleet, executor }).filter((c) => c.name !== 'patch'), patch];
    [server, browser] = await Promise.all([startTestServer({ capabilities }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => pages.closeAll());

  it('shows an association with its status, executions and targets; creates, applies and deletes one', async () => {
    const ssm = server.client();
    const created = await ssm.send(
      new CreateAssociationCommand({
        Name: 'AWS-RunShellScript',
        AssociationName: 'ui-nightly',
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        ScheduleExpression: 'rate(30 minutes)',
        Parameters: { commands: ['echo nightly'] },
      }),
    );
    const id = created.AssociationDescription!.AssociationId!;
    const { page } = await visit('state-manager');
    const table = page.getByRole('table', { name: 'Associations' });
    const row = table.locator(`tr[data-association-id="${id}"]`);
    await row.locator('.association-status', { hasText: 'Success' }).waitFor();
    expect(await row.locator('td').allTextContents()).toEqual(
      expect.arrayContaining(['AWS-RunShellScript', 'rate(30 minutes)', 'tag:Role=web']),
    );

    await row.getByRole('button', { name: 'Executions of ui-nightly' }).click();
    const executions = page.getByRole('table', { name: 'Association executions' });
    await executions.locator('tbody tr .execution-status', { hasText: 'Success' }).first().waitFor();
    const targets = page.getByRole('table', { name: 'Execution targets' });
    for (const instance of [WEB_1, WEB_2])
      await targets
        .locator(`tr[data-resource-id="${instance}"] .target-status`, { hasText: 'Success' })
        .waitFor();
    expect(await targets.locator('tbody tr').count()).toBe(2);
    await screenshot(page, 'state-manager');

    // Apply now: a second execution.
    await row.getByRole('button', { name: 'Apply now' }).click();
    await expect.poll(() => executions.locator('tbody tr').count(), POLL).toBe(2);

    // A new association from the page: its document's parameters are a form.
    await page.getByRole('button', { name: 'New association' }).click();
    const form = page.getByRole('form', { name: 'New association' });
    await form.getByLabel('Association name').fill('ui-made');
    await form.getByLabel('Targets').fill('tag:Role=db');
    await form.getByLabel('commands').fill('echo from the console');
    await form.getByRole('button', { name: 'Create association' }).click();
    const made = table.locator('tr', { has: page.getByRole('button', { name: 'Executions of ui-made' }) });
    await made.locator('.association-status', { hasText: 'Success' }).waitFor();
    await page
      .getByRole('table', { name: 'Execution targets' })
      .locator(`tr[data-resource-id="${DB}"]`)
      .waitFor();

    await made.getByRole('button', { name: 'Delete' }).click();
    await made.getByRole('button', { name: 'Delete ui-made' }).click();
    await made.waitFor({ state: 'detached' });
    const left = await ssm.send(new ListAssociationsCommand({}));
    expect(left.Associations?.map((a) => a.AssociationName)).toEqual(['ui-nightly']);
  });

  it('charts instances by platform and the top applications with their versions', async () => {
    const services = server.ssm.runtime.services;
    const inventory = services.registry.get(INVENTORY);
    const ctx = backgroundContext(services, services.config.defaultAccountId, 'us-east-1', 'test');
    const app = (Name: string, Version: string) => ({ Name, Version, Publisher: 'Example' });
    const info = (PlatformName: string) => ({
      TypeName: 'AWS:InstanceInformation',
      SchemaVersion: '1.0',
      CaptureTime: TIME,
      Content: [{ PlatformName, PlatformType: 'Linux', PlatformVersion: '12' }],
    });
    const apps = (...content: ReturnType<typeof app>[]) => ({
      TypeName: 'AWS:Application',
      SchemaVersion: '1.1',
      CaptureTime: TIME,
      Content: content,
    });
    await inventory.putGathered(ctx, WEB_1, [
      info('Debian GNU/Linux'),
      apps(app('nginx', '1.24'), app('curl', '8.0'), app('openssl', '3.0.11')),
    ]);
    await inventory.putGathered(ctx, WEB_2, [
      info('Debian GNU/Linux'),
      apps(app('nginx', '1.22'), app('curl', '8.0')),
    ]);
    // db-1 has nothing gathered: counted, as not gathered yet.

    const { page } = await visit('inventory');
    const platforms = page.getByRole('figure', { name: 'Instances by platform' });
    await platforms.locator('.bar[data-label="Debian GNU/Linux"][data-value="2"]').waitFor();
    await platforms.locator('.bar[data-label="(not gathered yet)"][data-value="1"]').waitFor();
    const top = page.getByRole('figure', { name: 'Top 3 applications' });
    expect(
      await top.locator('.bar').evaluateAll((bars) => bars.map((b) => b.getAttribute('data-label'))),
    ).toEqual(['curl', 'nginx', 'openssl']);
    const versions = page.getByRole('table', { name: 'Versions of the top applications' });
    expect(await versions.locator('tr[data-application="nginx"] td').allTextContents()).toEqual([
      '2',
      expect.stringMatching(/^1\.2[24]: 1, 1\.2[24]: 1$/),
    ]);
    expect(await versions.locator('tr[data-application="curl"] td').allTextContents()).toEqual([
      '2',
      '8.0: 2',
    ]);

    // One instance's entries, and the search within them.
    await page.getByLabel('Instance', { exact: true }).selectOption(WEB_1);
    const entries = page.getByRole('table', { name: `AWS:Application of ${WEB_1}` });
    await expect.poll(() => entries.locator('tbody tr').count(), POLL).toBe(3);
    await page.getByLabel('Search entries').fill('nginx');
    await expect.poll(() => entries.locator('tbody th').allTextContents(), POLL).toEqual(['nginx']);
    await page.getByLabel('Search entries').fill('');
    await screenshot(page, 'inventory');
  });

  it('counts compliance by severity and lists a resource’s items', async () => {
    const ssm = server.client();
    const put = (
      instanceId: string,
      items: { Id: string; Title: string; Severity: string; Status: string }[],
    ) =>
      ssm.send(
        new PutComplianceItemsCommand({
          ResourceId: instanceId,
          ResourceType: 'ManagedInstance',
          ComplianceType: 'Custom:Audit',
          ExecutionSummary: { ExecutionTime: new Date(TIME) },
          Items: items.map((i) => ({ ...i, Severity: i.Severity as 'LOW', Status: i.Status as 'COMPLIANT' })),
        }),
      );
    await put(WEB_1, [
      { Id: 'ssh-root', Title: 'Root login over SSH', Severity: 'CRITICAL', Status: 'NON_COMPLIANT' },
      { Id: 'ntp', Title: 'Clock synchronised', Severity: 'LOW', Status: 'COMPLIANT' },
    ]);
    await put(DB, [{ Id: 'tls', Title: 'TLS 1.0 enabled', Severity: 'HIGH', Status: 'NON_COMPLIANT' }]);

    const { page } = await visit('compliance');
    const byType = page.getByRole('table', { name: 'Compliance by type' });
    const audit = byType.locator('tr[data-compliance-type="Custom:Audit"]');
    await audit.waitFor();
    // Counts of resources, as AWS counts them: web-1 (one CRITICAL item) and db-1 (one HIGH).
    expect(await audit.locator('.compliant-count').textContent()).toBe('0');
    expect(await audit.locator('.non-compliant-count').textContent()).toBe('2');
    expect(await audit.locator('td[data-severity="CRITICAL"]').textContent()).toBe('1');
    expect(await audit.locator('td[data-severity="HIGH"]').textContent()).toBe('1');
    expect(await audit.locator('td[data-severity="LOW"]').textContent()).toBe('0');
    const chart = page.getByRole('figure', { name: 'Non-compliant resources by severity' });
    await chart.locator('.bar[data-label="CRITICAL"][data-value="1"]').waitFor();

    const resources = page.getByRole('table', { name: 'Resources' });
    const web = resources.locator(`tr[data-resource-id="${WEB_1}"][data-compliance-type="Custom:Audit"]`);
    await web.locator('.resource-status', { hasText: 'NON_COMPLIANT' }).waitFor();
    await web.getByRole('button', { name: WEB_1 }).click();
    const items = page.getByRole('table', { name: 'Compliance items' });
    const root = items.locator('tr[data-item-id="ssh-root"]');
    await root.locator('.item-status', { hasText: 'NON_COMPLIANT' }).waitFor();
    expect(await root.textContent()).toContain('Root login over SSH');
    expect(await root.textContent()).toContain('CRITICAL');
    await screenshot(page, 'compliance');
  });

  it('shows patch states per instance, which instance misses which patch, and the patch groups', async () => {
    const ssm = server.client();
    for (const instance of [WEB_1, WEB_2]) {
      const scan = await runPatchBaseline(ssm, instance, { Operation: 'Scan' });
      expect(scan.Status).toBe('Success');
    }
    const baseline = await ssm.send(
      new CreatePatchBaselineCommand({ Name: 'web-baseline', OperatingSystem: 'DEBIAN' }),
    );
    await ssm.send(
      new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: baseline.BaselineId!, PatchGroup: 'web' }),
    );

    const { page } = await visit('patch');
    const states = page.getByRole('table', { name: 'Instance patch states' });
    for (const instance of [WEB_1, WEB_2]) {
      const row = states.locator(`tr[data-instance-id="${instance}"]`);
      await row.locator('td[data-count="MissingCount"]', { hasText: '1' }).waitFor();
      expect(await row.locator('td[data-count="InstalledOtherCount"]').textContent()).toBe('2');
    }
    // db-1 never scanned: no patch state.
    expect(await states.locator(`tr[data-instance-id="${DB}"]`).count()).toBe(0);
    const missing = page.getByRole('table', { name: 'Missing patches' });
    const openssl = missing.locator('tr[data-kb-id="openssl.amd64"]');
    await expect.poll(() => openssl.locator('.missing-on').textContent(), POLL).toBe(`${WEB_1}, ${WEB_2}`);
    expect(await missing.locator('tbody tr').count()).toBe(1);

    await page
      .getByRole('table', { name: 'Patch baselines' })
      .locator(`tr[data-baseline-id="${baseline.BaselineId}"]`)
      .waitFor();
    await page.getByRole('table', { name: 'Patch groups' }).locator('tr[data-patch-group="web"]').waitFor();
    await screenshot(page, 'patch');

    await states.getByRole('button', { name: WEB_1 }).click();
    const patches = page.getByRole('table', { name: 'Instance patches' });
    await patches.locator('tr[data-kb-id="openssl.amd64"] .patch-state', { hasText: /^MISSING$/ }).waitFor();
    await patches
      .locator('tr[data-kb-id="tzdata.amd64"] .patch-state', { hasText: /^INSTALLED_OTHER$/ })
      .waitFor();

    // One patch group's instances (DescribeInstancePatchStatesForPatchGroup).
    await page.getByLabel('Patch group', { exact: true }).selectOption('web');
    await expect
      .poll(
        () =>
          states
            .locator('tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-instance-id'))),
        POLL,
      )
      .toEqual([WEB_1, WEB_2]);
  });

  it('labels every control of the new pages, forms open, and reaches them from the navigation', async () => {
    const { page } = await visit('fleet');
    const pages: [string, string, string | undefined][] = [
      ['state-manager', 'State Manager', 'New association'],
      ['inventory', 'Inventory', undefined],
      ['compliance', 'Compliance', undefined],
      ['patch', 'Patch', undefined],
      ['automation', 'Automation', 'Start an execution'],
      ['sessions', 'Sessions', undefined],
    ];
    for (const [path, title, opens] of pages) {
      // By keyboard: the navigation's link, focused and followed with Enter.
      await page
        .getByRole('navigation', { name: 'Pages' })
        .getByRole('link', { name: title, exact: true })
        .focus();
      await page.keyboard.press('Enter');
      await page.locator(`main[data-page="${path}"]`).waitFor();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
      if (opens) await page.getByRole('button', { name: opens }).click();
      await page.locator('.loading').first().waitFor({ state: 'detached' });
      expect({ path, unlabelled: await unlabelledControls(page, { buttons: true }) }).toEqual({
        path,
        unlabelled: [],
      });
    }
  });
});
