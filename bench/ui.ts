// The web console's speed in a real headless Chromium (test/support/browser.ts: playwright-core and
// the system's chromium), with the emulator in a process of its own:
// - the Fleet page with 200 instances: time from navigation to the first render of the page (the
//   shell, the navigation, the page's heading) and until all 200 rows are shown;
// - the Run Command page with a command on 50 real containers: from pressing Run until all 50
//   outputs are shown (the whole user path: SendCommand, the runs in the containers, the page's
//   polling), and opening the page of that finished command: first render and all 50 outputs shown.
// Times are the page's own clock (performance.now(), from navigation start), checked every frame.
//
// 200 instances: the fleet page's 200 come from a memory fleet (the emulator's MemoryFleet, records
// instead of containers, run in this same file in a separate process). The page makes the same calls
// (GET /_ssm-local/instances, DescribeInstanceInformation page by page) through the same handlers;
// only where the facts come from differs. 200 real containers would take minutes to start and most
// of this 2-core machine's memory. The Run Command case uses 50 real containers (startFleetEmulator).
// The emulator runs from src/ (as in tests), so the console it serves is the unminified build (about
// 660 KB of JavaScript; `npm start` serves the minified one, about 460 KB).
//   npm run bench:ui [-- --runs 5] [--only fleet|run-command]
import { ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import type { Browser, Page } from 'playwright-core';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PATH, launchBrowser } from '../test/support/browser.js';
import { median, printMarkdownTable, sleep, startFleetEmulator, startProcess } from './support.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg > 0 ? process.argv[onlyArg + 1] : undefined;
const FLEET_SIZE = 200;
const COMMAND_SIZE = 50;
const SERVER_ROLE = 'SSM_LOCAL_BENCH_UI_SERVER';

/** This file as the emulator's process: a memory fleet of 200 instances. */
async function serveMemoryFleet(): Promise<void> {
  const { startSsmLocal, MemoryFleet } = await import('../src/index.js');
  const { FakeExecutor } = await import('../test/support/fake-executor.js');
  const roles = ['web', 'api', 'db', 'cache', 'worker'];
  const fleet = new MemoryFleet(
    Array.from({ length: FLEET_SIZE }, (_, i) => ({
      id: `i-${randomBytes(9).toString('hex').slice(0, 17)}`,
      name: `bench-ui-${String(i + 1).padStart(3, '0')}`,
      tags: { Role: roles[i % roles.length]!, Team: `team-${i % 7}` },
      platformName: 'Debian GNU/Linux',
      platformVersion: '12',
      ipAddress: `172.18.${Math.floor(i / 250)}.${(i % 250) + 2}`,
    })),
  );
  const ssm = await startSsmLocal({
    port: 0,
    dataPath: ':memory:',
    fleetPath: '',
    fleet,
    executor: new FakeExecutor(),
  });
  console.log(`ssm-local listening on ${ssm.endpoint}`);
  process.on('SIGTERM', () => void ssm.stop().then(() => process.exit(0)));
}

/** Milliseconds since navigation start at the first frame where `condition` (page JS) is true. */
async function timeUntil(page: Page, condition: string): Promise<number> {
  await page.waitForFunction(condition, undefined, { polling: 'raf', timeout: 60_000 });
  return page.evaluate<number>('performance.now()');
}

async function newPage(browser: Browser): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  return { page, close: () => context.close() };
}

const FLEET_ROWS = `document.querySelectorAll('table[aria-label="Instances"] tbody tr').length`;

async function fleetPage(browser: Browser): Promise<string[][]> {
  const server = await startProcess(fileURLToPath(import.meta.url), { [SERVER_ROLE]: 'memory' });
  try {
    const first: number[] = [];
    const rows: number[] = [];
    // One unmeasured visit: the server builds the console from src/ on its first request.
    for (let run = -1; run < runs; run++) {
      const { page, close } = await newPage(browser);
      await page.goto(`${server.endpoint}/_ssm-local/ui/#/fleet`, { waitUntil: 'commit' });
      const rendered = await timeUntil(page, `!!document.querySelector('main[data-page="fleet"] h1')`);
      const all = await timeUntil(page, `${FLEET_ROWS} >= ${FLEET_SIZE}`);
      const shown = await page.evaluate<number>(FLEET_ROWS);
      if (shown !== FLEET_SIZE) throw new Error(`the fleet page shows ${shown} rows`);
      if (run >= 0) {
        first.push(rendered);
        rows.push(all);
      }
      await close();
    }
    return [
      [`Fleet page, ${FLEET_SIZE} instances: first render`, ms(median(first)), ms(Math.max(...first))],
      [`Fleet page, ${FLEET_SIZE} instances: all rows shown`, ms(median(rows)), ms(Math.max(...rows))],
    ];
  } finally {
    await server.stop();
  }
}

/** Every invocation Success with its output, in the page. */
const OUTPUTS_SHOWN = (n: number) => `(() => {
  const items = [...document.querySelectorAll('ul[aria-label="Invocations"] li.invocation')];
  return items.length === ${n} && items.every((li) =>
    li.querySelector('.invocation-status')?.textContent.includes('Success') &&
    /hello from /.test(li.querySelector('pre.output')?.textContent ?? ''));
})()`;

async function runCommandPage(browser: Browser): Promise<string[][]> {
  console.error(`starting ${COMMAND_SIZE} containers…`);
  const started = performance.now();
  const emulator = await startFleetEmulator({ prefix: 'ui', size: COMMAND_SIZE, tags: { Role: 'bench' } });
  console.error(`${COMMAND_SIZE} instances online in ${Math.round((performance.now() - started) / 1000)} s`);
  try {
    const endToEnd: number[] = [];
    const first: number[] = [];
    const outputs: number[] = [];
    let commandId = '';
    for (let run = -1; run < runs; run++) {
      const { page, close } = await newPage(browser);
      await page.goto(`${emulator.server.endpoint}/_ssm-local/ui/#/run-command`);
      const parameters = page.locator('fieldset', { hasText: 'Parameters of AWS-RunShellScript' });
      await parameters.getByLabel('commands').fill('echo "hello from $(hostname)"');
      await page.getByLabel('Tag key').fill('Role');
      await page.getByLabel('Tag values').fill('bench');
      const pressed = await page.evaluate<number>('performance.now()');
      await page.getByRole('button', { name: 'Run' }).click();
      const done = await timeUntil(page, OUTPUTS_SHOWN(COMMAND_SIZE));
      commandId = /command=([0-9a-f-]{36})/.exec(page.url())?.[1] ?? '';
      if (run >= 0) endToEnd.push(done - pressed);
      await close();

      // The finished command's page, opened afresh.
      const again = await newPage(browser);
      await again.page.goto(`${emulator.server.endpoint}/_ssm-local/ui/#/run-command?command=${commandId}`, {
        waitUntil: 'commit',
      });
      const rendered = await timeUntil(
        again.page,
        `!!document.querySelector('main[data-page="run-command"] h1')`,
      );
      const shown = await timeUntil(again.page, OUTPUTS_SHOWN(COMMAND_SIZE));
      if (run >= 0) {
        first.push(rendered);
        outputs.push(shown);
      }
      await again.close();
    }
    // The floor under the first case: the same command through the SDK until it is Success
    // (ListCommands every 5 ms), with no browser.
    const floor: number[] = [];
    for (let run = 0; run < runs; run++) {
      const t0 = performance.now();
      const sent = await emulator.ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          Targets: [{ Key: 'tag:Role', Values: ['bench'] }],
          Parameters: { commands: ['echo "hello from $(hostname)"'] },
        }),
      );
      for (;;) {
        const listed = await emulator.ssm.send(
          new ListCommandsCommand({ CommandId: sent.Command!.CommandId! }),
        );
        const status = listed.Commands?.[0]?.Status;
        if (status === 'Success') break;
        if (status !== 'Pending' && status !== 'InProgress') throw new Error(`the command ended ${status}`);
        await sleep(5);
      }
      floor.push(performance.now() - t0);
    }
    return [
      [
        `SendCommand to Success, ${COMMAND_SIZE} instances, SDK (the floor, no browser)`,
        ms(median(floor)),
        ms(Math.max(...floor)),
      ],
      [
        `Run Command, ${COMMAND_SIZE} instances: Run pressed → all outputs shown`,
        ms(median(endToEnd)),
        ms(Math.max(...endToEnd)),
      ],
      [`Run Command page of that command: first render`, ms(median(first)), ms(Math.max(...first))],
      [
        `Run Command page of that command: all ${COMMAND_SIZE} outputs shown`,
        ms(median(outputs)),
        ms(Math.max(...outputs)),
      ],
    ];
  } finally {
    await emulator.stop();
  }
}

const ms = (value: number): string => value.toFixed(0);

async function main(): Promise<void> {
  if (process.env[SERVER_ROLE] === 'memory') return serveMemoryFleet();
  console.error(`chromium: ${CHROMIUM_PATH}; ${runs} runs per case (median and max)`);
  const browser = await launchBrowser();
  try {
    const rows: string[][] = [];
    if (only !== 'run-command') rows.push(...(await fleetPage(browser)));
    if (only !== 'fleet') rows.push(...(await runCommandPage(browser)));
    printMarkdownTable(['case', 'median ms', 'max ms'], rows);
  } finally {
    await browser.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
