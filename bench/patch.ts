// Patch Manager's package manager work, against real containers of the instance image (its local
// repository of sample patches, docker/linux/patch-repo): wall time of a scan and of an install of
// the four sample updates, on 1 and 5 instances at once (median of several runs), beside the package
// manager's own commands run straight in the containers through the same executor:
// - scan: `apt-get -s upgrade` (apt's own "what would be upgraded") beside debianScanner().scan;
// - install: `apt-get install --only-upgrade` of the same name=version list beside
//   debianScanner().install (the samples are downgraded again, untimed, before each run).
// Each way of doing it is a column (COLUMNS below): AWS-RunPatchBaseline through SendCommand is one
// more entry there.
//   npx tsx bench/patch.ts [--runs 9]
import {
  CreatePatchBaselineCommand,
  ListCommandsCommand,
  RegisterDefaultPatchBaselineCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { cpus } from 'node:os';
import { AgentExecutor } from '../src/docker/agent-executor.js';
import { LABEL } from '../src/docker/containers.js';
import type { InstanceExec, PackageInstall } from '../src/patch/model.js';
import { debianScanner } from '../src/patch/scanner/index.js';
import { median, printMarkdownTable, sleep, startFleetEmulator } from './support.js';

const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 9;
const INSTALL_RUNS = Math.ceil(RUNS / 2);
const SIZES = [1, 5];

/** The sample updates of the image's repository (docker/linux/patch-repo/packages.conf). */
const SAMPLES = [
  { name: 'ssm-local-openssl-sample', installed: '3.0.11-1', update: '3.0.11-1+deb12u1' },
  { name: 'ssm-local-kernel-sample', installed: '6.1.76-1', update: '6.1.85-1' },
  { name: 'ssm-local-bugfix-sample', installed: '1.0-1', update: '1.0-2' },
  { name: 'ssm-local-optional-sample', installed: '2.4-1', update: '2.5-1' },
];
const UPDATES: PackageInstall[] = SAMPLES.map((s) => ({ name: s.name, version: s.update }));

/** One instance as a column's operations see it. */
interface Target {
  instanceId: string;
  exec: InstanceExec;
}

/** A way of scanning and installing; each is a column of the tables. */
interface Column {
  title: string;
  /** Scans (or installs on) all the targets at once, each in its own way or as one request. */
  scan(targets: Target[]): Promise<void>;
  install(targets: Target[]): Promise<void>;
}

/** A column whose work is done on each target separately, all at the same time. */
const eachTarget = (one: (target: Target) => Promise<void>) => (targets: Target[]) =>
  Promise.all(targets.map(one)).then(() => undefined);

async function mustSucceed(exec: InstanceExec, script: string): Promise<string> {
  const result = await exec({ argv: ['/bin/sh', '-c', script], env: { DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.exitCode !== 0) throw new Error(`'${script}' gave ${String(result.exitCode)}: ${result.stderr}`);
  return result.stdout;
}

/**
 * AWS-RunPatchBaseline sent to the instances as one command (as a user sends it), until the command
 * ends (ListCommands polled every 5 ms).
 */
async function runPatchBaseline(ssm: SSMClient, targets: Target[], parameters: Record<string, string[]>) {
  const sent = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunPatchBaseline',
      InstanceIds: targets.map((t) => t.instanceId),
      Parameters: parameters,
    }),
  );
  const CommandId = sent.Command!.CommandId!;
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (Date.now() > deadline) throw new Error(`AWS-RunPatchBaseline ${CommandId} did not end in 5 minutes`);
    await sleep(5);
    const status = (await ssm.send(new ListCommandsCommand({ CommandId }))).Commands?.[0]?.Status;
    if (status === 'Pending' || status === 'InProgress') continue;
    if (status !== 'Success') throw new Error(`AWS-RunPatchBaseline ${CommandId} ended ${status}`);
    return;
  }
}

/** The whole path a user takes: SendCommand, Run Command, the plugin, the state and compliance writes. */
const sendCommandColumn = (ssm: SSMClient): Column => ({
  title: 'AWS-RunPatchBaseline through SendCommand',
  scan: (targets) => runPatchBaseline(ssm, targets, { Operation: ['Scan'] }),
  install: (targets) =>
    runPatchBaseline(ssm, targets, { Operation: ['Install'], RebootOption: ['NoReboot'] }),
});

/** A default Debian baseline that approves every sample update, so Install installs the same four. */
async function approveEverything(ssm: SSMClient): Promise<void> {
  const { BaselineId } = await ssm.send(
    new CreatePatchBaselineCommand({
      Name: 'bench-approve-all',
      OperatingSystem: 'DEBIAN',
      ApprovalRules: {
        PatchRules: [
          {
            PatchFilterGroup: { PatchFilters: [{ Key: 'PRIORITY', Values: ['*'] }] },
            ApproveAfterDays: 0,
            EnableNonSecurity: true,
          },
        ],
      },
    }),
  );
  await ssm.send(new RegisterDefaultPatchBaselineCommand({ BaselineId }));
}

const scanner = debianScanner();
const COLUMNS: Column[] = [
  {
    title: 'apt-get alone',
    scan: eachTarget(async ({ exec }) => {
      await mustSucceed(exec, 'apt-get -s upgrade');
    }),
    install: eachTarget(async ({ exec }) => {
      const args = UPDATES.map((p) => `${p.name}=${p.version}`).join(' ');
      await mustSucceed(exec, `apt-get install -y -q --only-upgrade -o Dpkg::Use-Pty=0 ${args}`);
    }),
  },
  {
    title: 'debianScanner through the executor',
    scan: eachTarget(async ({ exec }) => {
      const scan = await scanner.scan(exec);
      if (scan.packages.filter((p) => p.candidateVersion).length < SAMPLES.length)
        throw new Error('the scan missed sample updates');
    }),
    install: eachTarget(async ({ exec }) => {
      const result = await scanner.install(exec, UPDATES);
      if (result.failed.length > 0) throw new Error(`install failed: ${JSON.stringify(result.failed)}`);
    }),
  },
];

async function wallTime(targets: Target[], run: (targets: Target[]) => Promise<void>): Promise<number> {
  const started = performance.now();
  await run(targets);
  return performance.now() - started;
}

/** Puts the sample packages back at their installed versions and forgets the reboot request. */
async function downgrade(targets: Target[]): Promise<void> {
  const args = SAMPLES.map((s) => `${s.name}=${s.installed}`).join(' ');
  await Promise.all(
    targets.map(({ exec }) =>
      mustSucceed(
        exec,
        `apt-get install -y -q --allow-downgrades -o Dpkg::Use-Pty=0 ${args} >/dev/null && ` +
          'rm -f /run/reboot-required /run/reboot-required.pkgs',
      ),
    ),
  );
}

async function main(): Promise<void> {
  const size = Math.max(...SIZES);
  const { fleet, ids, docker, ssm, stop } = await startFleetEmulator({ prefix: 'patch', size });
  const agents = new AgentExecutor(docker, () => undefined);
  try {
    await approveEverything(ssm);
    COLUMNS.push(sendCommandColumn(ssm));
    const listed = await docker.listContainers({ filters: { label: [`${LABEL.fleet}=${fleet}`] } });
    const containerOf = new Map(listed.map((c) => [c.Labels[LABEL.instanceId]!, c.Id]));
    const targets: Target[] = ids.map((instanceId) => ({
      instanceId,
      exec: async (request) => (await agents.exec(containerOf.get(instanceId)!, request)).result,
    }));
    await downgrade(targets); // opens the agent sessions; the samples start at their installed versions
    for (const column of COLUMNS) await wallTime(targets, column.scan); // warm-up

    // times[column][size index], medians in ms.
    const scans: number[][] = COLUMNS.map(() => []);
    const installs: number[][] = COLUMNS.map(() => []);
    for (const n of SIZES) {
      const some = targets.slice(0, n);
      for (const [c, column] of COLUMNS.entries()) {
        const scanTimes: number[] = [];
        for (let r = 0; r < RUNS; r++) scanTimes.push(await wallTime(some, column.scan));
        scans[c]!.push(median(scanTimes));
        const installTimes: number[] = [];
        for (let r = 0; r < INSTALL_RUNS; r++) {
          await downgrade(some);
          installTimes.push(await wallTime(some, column.install));
        }
        installs[c]!.push(median(installTimes));
        await downgrade(some); // the next column's scan finds the updates again
      }
    }

    const f = (ms: number): string => ms.toFixed(1);
    const table = (what: string, times: number[][]): void => {
      console.log(`\n${what}\n`);
      printMarkdownTable(
        [
          'instances',
          ...COLUMNS.map((c) => `${c.title} ms`),
          ...COLUMNS.slice(1).map((_, c) => `ratio ${c + 2}/1`),
        ],
        SIZES.map((n, i) => [
          String(n),
          ...COLUMNS.map((_, c) => f(times[c]![i]!)),
          ...COLUMNS.slice(1).map((_, c) => (times[c + 1]![i]! / times[0]![i]!).toFixed(2)),
        ]),
      );
    };
    console.log(
      `\nPatch scan and install in real instances, median of ${RUNS} runs (installs: ${INSTALL_RUNS}),`,
    );
    console.log(`node ${process.version}, ${cpus().length} cores`);
    table('Scan: apt-get -s upgrade vs debianScanner().scan (goal: within 1.5x)', scans);
    table(
      `Install of ${UPDATES.length} sample updates: apt-get install vs debianScanner().install`,
      installs,
    );
  } finally {
    await agents.close();
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
