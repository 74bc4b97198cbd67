// Run Command speed, against real containers:
// - SendCommand-to-Success latency for `echo hi` (p50, p99), beside a bare `docker exec` of the same
//   command through the same engine (dockerode, attach, wait for the exit code);
// - wall time for one command fanned out to 1, 5 and 20 instances;
// - the machine's floor for that fan-out: the same script started through the in-instance agents
//   alone (the executor the emulator uses, with no emulator, HTTP or SDK in the way), 1 and 20 at
//   once. What 20 cost over 1 there, the emulator cannot avoid.
//   npx tsx bench/run-command.ts [--runs 30]
import { GetCommandInvocationCommand, ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import type Docker from 'dockerode';
import { cpus } from 'node:os';
import { PassThrough } from 'node:stream';
import { DEFAULT_WORKING_DIRECTORY, ORCHESTRATION_ROOT } from '../src/commands/step.js';
import { AgentExecutor } from '../src/docker/agent-executor.js';
import { LABEL } from '../src/docker/containers.js';
import { percentile, sleep, startFleetEmulator } from './support.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 30;
const fleetSize = 20;

async function bareExec(docker: Docker, containerId: string): Promise<number> {
  const started = performance.now();
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['/bin/sh', '-c', 'echo hi'],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  docker.modem.demuxStream(stream, out, new PassThrough());
  await new Promise<void>((resolve) => stream.on('end', () => resolve()));
  const info = await exec.inspect();
  if (info.ExitCode !== 0 || text.trim() !== 'hi')
    throw new Error(`bare exec gave ${info.ExitCode} '${text}'`);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { ssm, fleet, ids, docker, stop } = await startFleetEmulator({ prefix: 'rc', size: fleetSize });
  try {
    const first = ids[0]!;
    const containers = await docker.listContainers({
      filters: { label: [`ssm-local.fleet=${fleet}`, `ssm-local.instance-id=${first}`] },
    });
    const containerId = containers[0]!.Id;

    const waitForInvocation = async (commandId: string): Promise<void> => {
      for (;;) {
        try {
          const inv = await ssm.send(
            new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: first }),
          );
          if (inv.Status === 'Success') return;
          if (inv.Status !== 'Pending' && inv.Status !== 'InProgress' && inv.Status !== 'Delayed') {
            throw new Error(`command ended ${inv.Status}`);
          }
        } catch (error) {
          if ((error as Error).name !== 'InvocationDoesNotExist') throw error;
        }
        await sleep(2);
      }
    };

    const sendEcho = async (instanceIds: string[], command = 'echo hi'): Promise<string> => {
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: instanceIds,
          Parameters: { commands: [command] },
        }),
      );
      return sent.Command!.CommandId!;
    };

    // Warm both paths once.
    await bareExec(docker, containerId);
    await waitForInvocation(await sendEcho([first]));

    const bare: number[] = [];
    const emulated: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await bareExec(docker, containerId));
      const started = performance.now();
      await waitForInvocation(await sendEcho([first]));
      emulated.push(performance.now() - started);
    }

    // Fan-out with a command that does nothing (per-invocation overhead) and with one that works
    // for a second (how well the instances run in parallel).
    const fanOutOf = async (command: string): Promise<{ targets: number; ms: number }[]> => {
      const rows: { targets: number; ms: number }[] = [];
      for (const targets of [1, 5, 20]) {
        const times: number[] = [];
        for (let r = 0; r < 5; r++) {
          const started = performance.now();
          const commandId = await sendEcho(ids.slice(0, targets), command);
          for (;;) {
            const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
            const status = listed.Commands?.[0]?.Status;
            if (status === 'Success') break;
            if (status !== 'Pending' && status !== 'InProgress') throw new Error(`fan-out ended ${status}`);
            await sleep(5);
          }
          times.push(performance.now() - started);
        }
        rows.push({ targets, ms: percentile(times, 50) });
      }
      return rows;
    };
    const fanOut = await fanOutOf('echo hi');
    const fanOutWork = await fanOutOf('sleep 1');

    // The floor: what the emulator asks of each agent for `echo hi` (write the script, `sh -c` it),
    // straight through the executor, to 1 and to 20 instances at once.
    const listed = await docker.listContainers({ filters: { label: [`${LABEL.fleet}=${fleet}`] } });
    const containerOf = new Map(listed.map((c) => [c.Labels[LABEL.instanceId]!, c.Id]));
    const agents = new AgentExecutor(docker, () => undefined);
    let round = 0;
    const direct = async (targets: number): Promise<number> => {
      const path = `${ORCHESTRATION_ROOT}/bench/document/orchestration/${round++}/awsrunShellScript/_script.sh`;
      const started = performance.now();
      await Promise.all(
        ids.slice(0, targets).map(async (id) => {
          const handle = await agents.exec(containerOf.get(id)!, {
            argv: ['sh', '-c', path],
            workingDirectory: DEFAULT_WORKING_DIRECTORY,
            env: { AWS_SSM_INSTANCE_ID: id, AWS_SSM_REGION_NAME: 'us-east-1' },
            files: [{ path, content: 'echo hi\n', mode: 0o755 }],
          });
          const result = await handle.result;
          if (result.exitCode !== 0 || result.stdout !== 'hi\n')
            throw new Error(`agent run gave ${result.exitCode}`);
        }),
      );
      return performance.now() - started;
    };
    const floor: { targets: number; ms: number }[] = [];
    try {
      await direct(fleetSize); // opens the sessions
      for (const targets of [1, 5, 20]) {
        const times: number[] = [];
        for (let r = 0; r < 5; r++) times.push(await direct(targets));
        floor.push({ targets, ms: percentile(times, 50) });
      }
    } finally {
      await agents.close();
    }

    const f = (n: number): string => n.toFixed(1);
    console.log(`\nRun Command, ${runs} runs of \`echo hi\` on one instance (node ${process.version})\n`);
    console.log('| path | p50 ms | p99 ms |');
    console.log('|---|---|---|');
    console.log(`| bare docker exec (dockerode) | ${f(percentile(bare, 50))} | ${f(percentile(bare, 99))} |`);
    console.log(
      `| SendCommand to Success | ${f(percentile(emulated, 50))} | ${f(percentile(emulated, 99))} |`,
    );
    console.log('\nOne command fanned out (median of 5), until the command is Success\n');
    console.log('| instances | `echo hi` wall ms | `sleep 1` wall ms | `echo hi` through the agents alone |');
    console.log('|---|---|---|---|');
    fanOut.forEach((row, i) =>
      console.log(`| ${row.targets} | ${f(row.ms)} | ${f(fanOutWork[i]!.ms)} | ${f(floor[i]!.ms)} |`),
    );
    const ratio = percentile(emulated, 50) / percentile(bare, 50);
    const spread = fanOut[2]!.ms / fanOut[0]!.ms;
    console.log(`\nSendCommand p50 / bare docker exec p50: ${ratio.toFixed(2)} (goal <= 1.5)`);
    const spreadWork = fanOutWork[2]!.ms / fanOutWork[0]!.ms;
    console.log(`20 instances / 1 instance, echo hi: ${spread.toFixed(2)} (goal < 2)`);
    console.log(`20 instances / 1 instance, sleep 1: ${spreadWork.toFixed(2)} (goal < 2)`);
    // The 19 extra runs cost at least what they cost the agents alone, on top of one command.
    const best = (fanOut[0]!.ms + floor[2]!.ms - floor[0]!.ms) / fanOut[0]!.ms;
    console.log(
      `best possible 20 / 1 for echo hi on this machine (agents' extra time for 19 more runs added to one command): ${best.toFixed(2)}`,
    );
    console.log(`machine: ${cpus().length} cores`);
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
