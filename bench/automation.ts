// Automation speed, against real containers:
// - the engine's overhead per step: a 50-step runbook of aws:sleep PT0S steps, from
//   StartAutomationExecution until GetAutomationExecution reads Success, divided by 50 (and the
//   same from the execution's own start and end times);
// - an aws:runCommand step (AWS-RunShellScript `echo hi`, one instance) beside a bare SendCommand of
//   the same script, each until it is seen Success (both polled every 5 ms);
// - AWS-RestartEC2Instance on one instance beside a bare `docker restart` of its container.
//   npx tsx bench/automation.ts [--runs 10]
import {
  CreateDocumentCommand,
  GetAutomationExecutionCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  StartAutomationExecutionCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { LABEL } from '../src/docker/containers.js';
import { median, printMarkdownTable, sleep, startFleetEmulator } from './support.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 10;
const STEPS = 50;
const POLL_MS = 5;

const ms = (value: number): string => value.toFixed(1);

async function untilAutomationEnds(ssm: SSMClient, id: string): Promise<{ wall: number; own: number }> {
  const started = performance.now();
  for (;;) {
    const { AutomationExecution: e } = await ssm.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
    );
    const status = e?.AutomationExecutionStatus;
    if (status === 'Success') {
      const own = (e?.ExecutionEndTime?.getTime() ?? 0) - (e?.ExecutionStartTime?.getTime() ?? 0);
      return { wall: performance.now() - started, own };
    }
    if (status !== 'Pending' && status !== 'InProgress' && status !== 'Waiting') {
      throw new Error(`automation ${id} ended ${status}: ${e?.FailureMessage ?? ''}`);
    }
    await sleep(POLL_MS);
  }
}

async function runbook(ssm: SSMClient, name: string, content: object): Promise<void> {
  await ssm.send(
    new CreateDocumentCommand({
      Name: name,
      DocumentType: 'Automation',
      DocumentFormat: 'JSON',
      Content: JSON.stringify(content),
    }),
  );
}

async function timeAutomation(ssm: SSMClient, name: string, parameters?: Record<string, string[]>) {
  const started = performance.now();
  const { AutomationExecutionId } = await ssm.send(
    new StartAutomationExecutionCommand({
      DocumentName: name,
      ...(parameters ? { Parameters: parameters } : {}),
    }),
  );
  const ended = await untilAutomationEnds(ssm, AutomationExecutionId!);
  return { wall: performance.now() - started, own: ended.own };
}

async function timeSendCommand(ssm: SSMClient, instanceId: string): Promise<number> {
  const started = performance.now();
  const { Command } = await ssm.send(
    new SendCommandCommand({
      DocumentName: 'AWS-RunShellScript',
      InstanceIds: [instanceId],
      Parameters: { commands: ['echo hi'] },
    }),
  );
  for (;;) {
    try {
      const inv = await ssm.send(
        new GetCommandInvocationCommand({ CommandId: Command!.CommandId!, InstanceId: instanceId }),
      );
      if (inv.Status === 'Success') return performance.now() - started;
      if (!['Pending', 'InProgress', 'Delayed'].includes(inv.Status ?? '')) {
        throw new Error(`command ended ${inv.Status}`);
      }
    } catch (error) {
      if ((error as Error).name !== 'InvocationDoesNotExist') throw error;
    }
    await sleep(POLL_MS);
  }
}

async function main(): Promise<void> {
  const { ssm, fleet, ids, docker, stop } = await startFleetEmulator({ prefix: 'auto', size: 1 });
  try {
    const instanceId = ids[0]!;
    await runbook(ssm, 'Bench-Sleeps', {
      schemaVersion: '0.3',
      mainSteps: Array.from({ length: STEPS }, (_, i) => ({
        name: `sleep${i + 1}`,
        action: 'aws:sleep',
        inputs: { Duration: 'PT0S' },
      })),
    });
    await runbook(ssm, 'Bench-RunCommand', {
      schemaVersion: '0.3',
      parameters: { InstanceId: { type: 'String' } },
      mainSteps: [
        {
          name: 'run',
          action: 'aws:runCommand',
          inputs: {
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: ['{{ InstanceId }}'],
            Parameters: { commands: ['echo hi'] },
          },
        },
      ],
    });

    // Warm up: the first of each pays for lazy work (document parsing, the agent's first script).
    await timeAutomation(ssm, 'Bench-Sleeps');
    await timeAutomation(ssm, 'Bench-RunCommand', { InstanceId: [instanceId] });
    await timeSendCommand(ssm, instanceId);

    const sleepsWall: number[] = [];
    const sleepsOwn: number[] = [];
    const stepRuns: number[] = [];
    const bareRuns: number[] = [];
    for (let i = 0; i < runs; i++) {
      const sleeps = await timeAutomation(ssm, 'Bench-Sleeps');
      sleepsWall.push(sleeps.wall / STEPS);
      sleepsOwn.push(sleeps.own / STEPS);
      stepRuns.push((await timeAutomation(ssm, 'Bench-RunCommand', { InstanceId: [instanceId] })).wall);
      bareRuns.push(await timeSendCommand(ssm, instanceId));
    }

    const [container] = await docker.listContainers({
      filters: { label: [`${LABEL.fleet}=${fleet}`, `${LABEL.instanceId}=${instanceId}`] },
    });
    const restartRuns: number[] = [];
    const dockerRuns: number[] = [];
    const restarts = Math.min(runs, 3);
    for (let i = 0; i < restarts; i++) {
      restartRuns.push(
        (await timeAutomation(ssm, 'AWS-RestartEC2Instance', { InstanceId: [instanceId] })).wall,
      );
      await sleep(2000);
      const started = performance.now();
      await docker.getContainer(container!.Id).restart();
      dockerRuns.push(performance.now() - started);
      await sleep(2000);
    }

    const stepMedian = median(stepRuns);
    const bareMedian = median(bareRuns);
    printMarkdownTable(
      ['measure', 'median', 'min', 'max'],
      [
        [`engine overhead per step (${STEPS} aws:sleep PT0S, wall)`, ...stats(sleepsWall)],
        [`engine overhead per step (execution's own times)`, ...stats(sleepsOwn)],
        ['aws:runCommand step, start to Success', ...stats(stepRuns)],
        ['bare SendCommand, send to Success', ...stats(bareRuns)],
        ['AWS-RestartEC2Instance, start to Success', ...stats(restartRuns)],
        ['bare docker restart', ...stats(dockerRuns)],
      ],
    );
    console.log(
      `\naws:runCommand step / bare SendCommand: ${(stepMedian / bareMedian).toFixed(2)}x (goal within 1.5x); ` +
        `per-step overhead goal under 5 ms; ${runs} runs (${restarts} restarts), polled every ${POLL_MS} ms.`,
    );
  } finally {
    await stop();
  }
}

function stats(values: number[]): string[] {
  return [ms(median(values)), ms(Math.min(...values)), ms(Math.max(...values))];
}

await main();
