// The instance actions of Automation (aws:runCommand, aws:changeInstanceState, aws:createImage)
// called directly, with a hand-built ActionRun, against real containers: what each does to the
// instances, its outputs, how it fails, how it is stopped and how it picks up after a restart.
import { ListCommandsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backgroundContext } from '../src/core/context.js';
import type { Services } from '../src/core/capability.js';
import { instanceActions } from '../src/automation/actions/instances.js';
import {
  StepFailure,
  type AbortReason,
  type ActionDefinition,
  type ActionRun,
} from '../src/automation/model.js';
import { MACHINES, type Machines } from '../src/instances/api.js';
import { eventually, getCommand } from './commands-helpers.js';
import {
  requireDocker,
  startDockerTestServer,
  type DockerTestServer,
  removeImages,
} from './support/docker.js';
import { errorOf } from './support/server.js';

const hasDocker = await requireDocker('automation instance actions');

const FIRST = 'i-0a0000000000000a1';
const SECOND = 'i-0a0000000000000a2';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

interface Harness {
  run: ActionRun;
  abort(reason: AbortReason): void;
  checkpoints: unknown[];
}

/** An ActionRun as the engine would hand one to the action; sleep waits real time (at most 50 ms). */
function harness(
  services: Services,
  action: string,
  inputs: Record<string, unknown>,
  checkpoint?: unknown,
): Harness {
  const controller = new AbortController();
  const checkpoints: unknown[] = [];
  const { signal } = controller;
  const run: ActionRun = {
    ctx: backgroundContext(services, ACCOUNT, REGION, 'StartAutomationExecution'),
    services,
    executionId: randomUUID(),
    stepName: 'step',
    stepExecutionId: randomUUID(),
    action,
    attempt: 1,
    inputs,
    signal,
    ...(checkpoint !== undefined ? { checkpoint } : {}),
    saveCheckpoint: async (value) => {
      checkpoints.push(value);
    },
    now: () => Date.now(),
    sleep: (ms) =>
      new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(new Error(`aborted: ${String(signal.reason)}`));
        const timer = setTimeout(resolve, Math.min(ms, 50));
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(new Error(`aborted: ${String(signal.reason)}`));
        });
      }),
    waitForSignal: () => Promise.reject(new Error('no signals in this test')),
  };
  return { run, abort: (reason) => controller.abort(reason), checkpoints };
}

describe.skipIf(!hasDocker)('Automation instance actions', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let services: Services;
  let actions: Record<string, ActionDefinition>;
  let machines: Machines;
  const images: string[] = [];

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'first', id: FIRST, tags: { Role: 'app' } },
        { name: 'second', id: SECOND, tags: { Role: 'app' } },
      ],
    });
    ssm = server.client();
    services = server.ssm.runtime.services;
    actions = instanceActions(services);
    machines = services.registry.get(MACHINES);
  });
  afterAll(async () => {
    await server?.stop();
    if (server) await removeImages(server.docker, images);
  });

  const action = (name: string) => actions[name]!;
  const commandCount = async () => (await ssm.send(new ListCommandsCommand({}))).Commands?.length ?? 0;

  describe('aws:runCommand', () => {
    it('runs the command and answers CommandId, Status, ResponseCode, Output and OutputPayload', async () => {
      const { run, checkpoints } = harness(services, 'aws:runCommand', {
        DocumentName: 'AWS-RunShellScript',
        // A StringList parameter inside a list, as runbooks write `- '{{ InstanceIds }}'`.
        InstanceIds: [[FIRST]],
        Parameters: { commands: ['echo hello from $(hostname)'] },
        Comment: 'from a runbook',
        TimeoutSeconds: '60',
      });
      const result = await action('aws:runCommand').run(run);
      const commandId = (checkpoints[0] as { commandId: string }).commandId;
      expect(result.outputs).toEqual({
        CommandId: commandId,
        Status: 'Success',
        ResponseCode: 0,
        Output: 'hello from first\n',
        OutputPayload: JSON.stringify({
          Status: 'Success',
          ResponseCode: 0,
          Output: 'hello from first\n',
          CommandId: commandId,
        }),
      });
      expect(await getCommand(ssm, commandId)).toMatchObject({
        Comment: 'from a runbook',
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [FIRST],
      });
    });

    it('answers no Output or ResponseCode for a command on several instances (by tag)', async () => {
      const { run } = harness(services, 'aws:runCommand', {
        DocumentName: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:Role', Values: ['app'] }],
        Parameters: { commands: 'true' },
      });
      const result = await action('aws:runCommand').run(run);
      expect(Object.keys(result.outputs).sort()).toEqual(['CommandId', 'OutputPayload', 'Status']);
      expect(result.outputs['Status']).toBe('Success');
    });

    it('fails the step, as AWS words it, when the command fails', async () => {
      const { run } = harness(services, 'aws:runCommand', {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [FIRST],
        Parameters: { commands: ['echo partial', 'echo broken >&2', 'exit 3'] },
      });
      const error = await errorOf(() => action('aws:runCommand').run(run));
      expect(error).toBeInstanceOf(StepFailure);
      expect(error.message).toMatch(
        /^Step fails when it is verifying the command has completed\. Command [0-9a-f-]{36} returns unexpected invocation result: \n\{Status=\[Failed\], ResponseCode=\[3\], Output=\[partial\n\n----------ERROR-------\nbroken\n/,
      );
      expect(error.message).toMatch(
        /CommandId=\[[0-9a-f-]{36}\]\}\. Please refer to Automation Service Troubleshooting Guide for more diagnosis details\.$/,
      );
    });

    it('fails the step with the service error when SendCommand refuses the command', async () => {
      const { run } = harness(services, 'aws:runCommand', {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: ['i-00000000000000bad'],
        Parameters: { commands: ['true'] },
      });
      const error = await errorOf(() => action('aws:runCommand').run(run));
      expect(error).toBeInstanceOf(StepFailure);
      expect(error.message).toMatch(
        /^Step fails when it is Execute\/Cancelling action\. .*\(Service: AmazonSSM; Status Code: 400; Error Code: InvalidInstanceId; Request ID: [0-9a-f-]+\)\./,
      );
    });

    it('waits for the command it sent before a restart instead of sending another', async () => {
      const first = harness(services, 'aws:runCommand', {
        DocumentName: 'AWS-RunShellScript',
        InstanceIds: [SECOND],
        Parameters: { commands: ['sleep 1; echo once'] },
      });
      const running = action('aws:runCommand').run(first.run);
      await eventually(
        async () => first.checkpoints.length,
        (n) => n === 1,
        10_000,
        20,
      );
      // The emulator stops: the step is aborted without cancelling the command.
      first.abort('shutdown');
      await expect(running).rejects.toThrow(/aborted/);
      const before = await commandCount();
      const resumed = harness(services, 'aws:runCommand', first.run.inputs, first.checkpoints[0]);
      const result = await action('aws:runCommand').run(resumed.run);
      expect(result.outputs).toMatchObject({ Status: 'Success', Output: 'once\n' });
      expect(result.outputs['CommandId']).toBe((first.checkpoints[0] as { commandId: string }).commandId);
      expect(await commandCount()).toBe(before);
      expect(resumed.checkpoints).toEqual([]);
    });

    it('cancels the command when the step is cancelled or times out', async () => {
      for (const reason of ['cancel', 'timeout'] as const) {
        const { run, abort, checkpoints } = harness(services, 'aws:runCommand', {
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: [FIRST],
          Parameters: { commands: ['sleep 60'] },
        });
        const running = action('aws:runCommand').run(run);
        await eventually(
          async () => checkpoints.length,
          (n) => n === 1,
          10_000,
          20,
        );
        abort(reason);
        await expect(running).rejects.toThrow(reason);
        const commandId = (checkpoints[0] as { commandId: string }).commandId;
        await eventually(
          () => getCommand(ssm, commandId),
          (c) => c.Status === 'Cancelled',
          15_000,
        );
      }
    });

    it('checks its inputs when the runbook starts', () => {
      const { validate } = action('aws:runCommand');
      expect(() => validate!({ InstanceIds: ['i-1'] })).toThrow('requires input DocumentName');
      expect(() => validate!({ DocumentName: 'AWS-RunShellScript' })).toThrow('InstanceIds or Targets');
      expect(() => validate!({ DocumentName: 'x', Targets: '{{ Targets }}' })).not.toThrow();
    });
  });

  describe('aws:changeInstanceState', () => {
    const change = (inputs: Record<string, unknown>) => {
      const h = harness(services, 'aws:changeInstanceState', inputs);
      return { ...h, done: action('aws:changeInstanceState').run(h.run) };
    };

    it('stops and starts instances and waits for the state; running it again changes nothing', async () => {
      const stopped = await change({ InstanceIds: [SECOND], DesiredState: 'stopped' }).done;
      expect(stopped.outputs).toEqual({});
      expect(await machines.state(ACCOUNT, REGION, SECOND)).toBe('stopped');
      expect(await server.fleetApi.get(ACCOUNT, REGION, SECOND)).toBeUndefined();
      await change({ InstanceIds: [SECOND], DesiredState: 'stopped', Force: true }).done;

      await change({ InstanceIds: SECOND, DesiredState: 'running' }).done;
      expect(await machines.state(ACCOUNT, REGION, SECOND)).toBe('running');
      expect((await server.fleetApi.get(ACCOUNT, REGION, SECOND))?.online).toBe(true);
      await change({ InstanceIds: [SECOND], DesiredState: 'running' }).done;
    });

    it('with CheckStateOnly, only waits until the instance is in the state', async () => {
      const waiting = change({ InstanceIds: [SECOND], DesiredState: 'stopped', CheckStateOnly: 'true' });
      let settled = false;
      void waiting.done.then(
        () => (settled = true),
        () => (settled = true),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      expect(await machines.state(ACCOUNT, REGION, SECOND)).toBe('running');
      await machines.stop(ACCOUNT, REGION, SECOND);
      await waiting.done;
      await machines.start(ACCOUNT, REGION, SECOND);

      // Stopped when its timeout passes.
      const never = change({ InstanceIds: [SECOND], DesiredState: 'stopped', CheckStateOnly: true });
      await new Promise((resolve) => setTimeout(resolve, 100));
      never.abort('timeout');
      await expect(never.done).rejects.toThrow('timeout');
      expect(await machines.state(ACCOUNT, REGION, SECOND)).toBe('running');
    });

    it('terminates an instance; an unknown one fails the step', async () => {
      const extra = await server.admin.add({ name: 'doomed' });
      await change({ InstanceIds: [extra.instanceId], DesiredState: 'terminated' }).done;
      expect(await machines.state(ACCOUNT, REGION, extra.instanceId)).toBe('terminated');
      await change({ InstanceIds: [extra.instanceId], DesiredState: 'terminated' }).done;
      const error = await errorOf(
        () => change({ InstanceIds: [extra.instanceId], DesiredState: 'running' }).done,
      );
      expect(error.message).toContain('Error Code: IncorrectInstanceState');

      const unknown = await errorOf(
        () => change({ InstanceIds: ['i-00000000000000bad'], DesiredState: 'stopped' }).done,
      );
      expect(unknown).toBeInstanceOf(StepFailure);
      expect(unknown.message).toContain("The instance ID 'i-00000000000000bad' does not exist");
      expect(() =>
        action('aws:changeInstanceState').validate!({ InstanceIds: [FIRST], DesiredState: 'asleep' }),
      ).toThrow('DesiredState must be one of running, stopped, terminated');
    });
  });

  describe('aws:createImage', () => {
    it('images the instance and answers ImageId and ImageState', async () => {
      const { run } = harness(services, 'aws:createImage', {
        InstanceId: FIRST,
        ImageName: `${FIRST}_${randomUUID()}`,
        ImageDescription: 'made by aws:createImage',
        NoReboot: true,
      });
      const result = await action('aws:createImage').run(run);
      const imageId = result.outputs['ImageId'] as string;
      images.push(`ssm-local/image:${imageId}`);
      expect(result.outputs).toEqual({
        ImageId: expect.stringMatching(/^ami-[0-9a-f]{17}$/),
        ImageState: 'available',
        OutputPayload: JSON.stringify({ ImageId: imageId, ImageState: 'available' }),
      });
      const inspected = await server.docker.getImage(`ssm-local/image:${imageId}`).inspect();
      expect(inspected.Comment).toBe('made by aws:createImage');
      expect(await machines.image(ACCOUNT, REGION, imageId)).toMatchObject({ sourceInstanceId: FIRST });

      const taken = harness(services, 'aws:createImage', {
        InstanceId: FIRST,
        ImageName: run.inputs['ImageName'],
      });
      const error = await errorOf(() => action('aws:createImage').run(taken.run));
      expect(error.message).toContain('Error Code: InvalidAMIName.Duplicate');
    });
  });
});
