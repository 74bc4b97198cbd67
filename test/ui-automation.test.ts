// The console's Automation page in a real headless Chromium: a runbook started from the page with
// its parameter form, its execution as a step graph (nodes with their status, edges for next,
// branch choices and failure paths), a Waiting aws:approve step approved from the page until the
// execution is Success, each step's inputs and outputs, the status filter, and Stop.
import { CreateDocumentCommand, StartAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { consolePages, launchBrowser, requireChromium, screenshot, UI_TIMEOUT } from './support/browser.js';
import { startTestServer, type TestServer } from './support/server.js';

const POLL = { timeout: UI_TIMEOUT };
const hasChromium = requireChromium('web console (Automation)');

const sleep = (name: string) => ({ name, action: 'aws:sleep', inputs: { Duration: 'PT1S' }, isEnd: true });

const DEPLOY = {
  schemaVersion: '0.3',
  description: 'Deploys after an approval',
  parameters: { Env: { type: 'String', default: 'staging', description: 'Where to deploy' } },
  mainSteps: [
    {
      name: 'approve',
      action: 'aws:approve',
      onFailure: 'step:rejected',
      inputs: { Approvers: ['ssm-local'], Message: 'Deploy to {{ Env }}?' },
    },
    {
      name: 'route',
      action: 'aws:branch',
      inputs: {
        Choices: [{ NextStep: 'deployProd', Variable: '{{ Env }}', StringEquals: 'prod' }],
        Default: 'deployStaging',
      },
    },
    sleep('deployStaging'),
    sleep('deployProd'),
    sleep('rejected'),
  ],
};

describe.skipIf(!hasChromium)('the web console: Automation', () => {
  let server: TestServer;
  let browser: Browser;
  const pages = consolePages(() => ({ browser, endpoint: server.endpoint }));
  const visit = pages.visit;
  const createRunbook = (name: string, content: object) =>
    server.client().send(
      new CreateDocumentCommand({
        Name: name,
        DocumentType: 'Automation',
        DocumentFormat: 'JSON',
        Content: JSON.stringify(content),
      }),
    );

  beforeAll(async () => {
    [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
    await createRunbook('UiDeploy', DEPLOY);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(() => pages.closeAll());

  it('starts a runbook from its form, shows the step graph, and Approve makes it Success', async () => {
    const { page } = await visit('automation');
    await page.getByRole('button', { name: 'Start an execution' }).click();
    const form = page.getByRole('form', { name: 'Start an execution' });
    await form.getByLabel('Runbook').selectOption('UiDeploy');
    await form.locator('fieldset', { hasText: 'Parameters of UiDeploy' }).getByLabel('Env').fill('prod');
    await form.getByRole('button', { name: 'Start execution' }).click();
    await expect.poll(() => page.url(), POLL).toMatch(/#\/automation\?execution=[0-9a-f-]{36}$/);

    // Every step of the runbook is a node, those not run yet too; the edges follow the runbook.
    const graph = page.locator('.step-graph');
    const node = (name: string) => graph.locator(`li[data-step="${name}"]`);
    await node('approve').and(page.locator('[data-status="Waiting"]')).waitFor();
    expect(
      await graph
        .locator('li[data-step]')
        .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-step'))),
    ).toEqual(['approve', 'route', 'deployStaging', 'deployProd', 'rejected']);
    expect(await node('route').getAttribute('data-status')).toBe('Pending');
    expect(await graph.locator('.edge-next').count()).toBe(1); // approve → route
    expect(await graph.locator('.edge-branch').count()).toBe(2); // route → deployProd (prod), → deployStaging (default)
    expect(await graph.locator('.edge-failure').count()).toBe(1); // approve → rejected
    expect(await node('approve').textContent()).toContain('Waiting');
    expect(await node('route').getByRole('button').textContent()).toContain(
      'goes to deployProd (if {{ Env }} StringEquals "prod")',
    );

    // The Waiting step is shown, with its resolved inputs and its signals.
    const details = page.getByRole('region', { name: 'Step approve' });
    await expect.poll(() => details.getByLabel('Inputs').textContent(), POLL).toContain('Deploy to prod?');
    await page.locator('.execution-facts .execution-status', { hasText: 'Waiting' }).waitFor();
    await details.getByLabel('Comment').fill('ship it');
    await details.getByRole('button', { name: 'Approve' }).click();

    await page.locator('.execution-facts .execution-status', { hasText: 'Success' }).waitFor();
    await node('deployProd').and(page.locator('[data-status="Success"]')).waitFor();
    const after: [string, string][] = [
      ['approve', 'Success'],
      ['route', 'Success'],
      ['deployStaging', 'NotRun'],
      ['rejected', 'NotRun'],
    ];
    for (const [step, status] of after) expect(await node(step).getAttribute('data-status')).toBe(status);
    expect(await node('deployStaging').textContent()).toContain('Not run');
    expect(await graph.locator('.edge-taken').count()).toBe(2); // approve → route → deployProd

    await node('approve').getByRole('button').click();
    const outputs = page.getByRole('region', { name: 'Step approve' }).getByLabel('Outputs');
    await expect.poll(() => outputs.textContent(), POLL).toContain('Approved');
    await node('deployProd').getByRole('button').click();
    await page.getByRole('region', { name: 'Step deployProd' }).getByText('aws:sleep').waitFor();
    await screenshot(page, 'automation');

    // The list and its status filter.
    const table = page.getByRole('table', { name: 'Automation executions' });
    await table.locator('tbody tr .execution-status', { hasText: 'Success' }).waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('Waiting');
    await page.getByText('No execution has this status.').waitFor();
    await page.getByLabel('Status', { exact: true }).selectOption('Success');
    await table.locator('tbody tr').first().waitFor();
  });

  it('stops a waiting execution', async () => {
    await createRunbook('UiPause', {
      schemaVersion: '0.3',
      mainSteps: [{ name: 'hold', action: 'aws:pause', inputs: {} }, sleep('after')],
    });
    const started = await server
      .client()
      .send(new StartAutomationExecutionCommand({ DocumentName: 'UiPause' }));
    const id = started.AutomationExecutionId!;
    const { page } = await visit(`automation?execution=${id}`);
    await page.locator('.step-graph li[data-step="hold"][data-status="Waiting"]').waitFor();
    await page.getByRole('region', { name: 'Step hold' }).getByRole('button', { name: 'Resume' }).waitFor();
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByRole('button', { name: 'Stop this execution' }).click();
    await page.locator('.execution-facts .execution-status', { hasText: 'Cancelled' }).waitFor();
    expect(await page.locator('.step-graph li[data-step="after"]').getAttribute('data-status')).toBe(
      'NotRun',
    );
  });
});
