// Run Command's control over execution, against real containers: CancelCommand kills the process,
// execution timeouts, MaxConcurrency and MaxErrors, containers that die, instances that are offline
// (paused) or stopped (no managed node then), delivery timeouts (with an injected clock) and reboot
// requests.
import { CancelCommandCommand, ListCommandInvocationsCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { errorOf } from './support/server.js';
import {
  commandSettled,
  dockerExec,
  eventually,
  getCommand,
  getInvocation,
  processes,
  runShell,
  settled,
} from './commands-helpers.js';

const hasDocker = await requireDocker('Run Command');

/**
 * Real time, which the test can move forward to reach delivery deadlines without waiting for them:
 * advancing fires what falls due (a command's expiry) at once, on the emulator's scheduler.
 */
const clock = new FakeClock(Date.now(), { running: true });

describe.skipIf(!hasDocker)('Run Command control', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let one: string;
  let two: string;
  const container = (instanceId: string) =>
    server.instances.find((i) => i.instanceId === instanceId)!.containerId;

  /** What the fleet says of the instance: online, offline (ConnectionLost) or absent (stopped i-). */
  async function fleetView(instanceId: string): Promise<'online' | 'offline' | 'absent'> {
    const { defaultAccountId, defaultRegion } = server.ssm.runtime.services.config;
    const instance = await server.fleetApi.get(defaultAccountId, defaultRegion, instanceId);
    return instance ? (instance.online ? 'online' : 'offline') : 'absent';
  }

  async function online(instanceId: string, wanted: boolean): Promise<void> {
    await eventually(
      () => fleetView(instanceId),
      (view) => (view === 'online') === wanted,
      60_000,
      200,
    );
  }

  /** Stops the container: a stopped i- instance is no managed node, so the fleet no longer lists it. */
  async function stopInstance(instanceId: string): Promise<void> {
    await server.docker.getContainer(container(instanceId)).stop({ t: 0 });
    await eventually(
      () => fleetView(instanceId),
      (view) => view === 'absent',
      60_000,
      200,
    );
  }

  async function startInstance(instanceId: string): Promise<void> {
    await server.docker.getContainer(container(instanceId)).start();
    await online(instanceId, true);
  }

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'a-one', tags: { Group: 'control' } },
        { name: 'b-two', tags: { Group: 'control' } },
      ],
      options: { clock },
    });
    ssm = server.client();
    [one, two] = server.instanceIds as [string, string];
  });
  afterAll(async () => server?.stop());

  describe('CancelCommand', () => {
    it('kills the running process in the container: Cancelling, then Cancelled', async () => {
      const command = await runShell(ssm, ['echo started', 'sleep 313'], { InstanceIds: [one] });
      await settled(ssm, command.CommandId!, one, ['InProgress']);
      await eventually(
        () => processes(server.docker, container(one)),
        (list) => list.some((p) => p === 'sleep 313'),
      );
      await ssm.send(new CancelCommandCommand({ CommandId: command.CommandId }));
      const right = await getInvocation(ssm, command.CommandId!, one);
      expect(['Cancelling', 'Cancelled']).toContain(right.Status);
      const done = await settled(ssm, command.CommandId!, one);
      expect(done).toMatchObject({
        Status: 'Cancelled',
        StatusDetails: 'Cancelled',
        ResponseCode: 137,
        StandardOutputContent: 'started\n',
        StandardErrorContent: '',
      });
      expect((await processes(server.docker, container(one))).some((p) => p.includes('sleep 313'))).toBe(
        false,
      );
      expect(await commandSettled(ssm, command.CommandId!)).toMatchObject({
        Status: 'Cancelled',
        StatusDetails: 'Cancelled',
        CompletedCount: 1,
        ErrorCount: 0,
      });
    });

    it('cancels an invocation not yet sent at once, and it never runs', async () => {
      const command = await runShell(ssm, ['sleep 2', 'echo ran > /tmp/cancel-marker'], {
        InstanceIds: [one, two],
        MaxConcurrency: '1',
      });
      await settled(ssm, command.CommandId!, one, ['InProgress']);
      await ssm.send(new CancelCommandCommand({ CommandId: command.CommandId, InstanceIds: [two] }));
      expect(await getInvocation(ssm, command.CommandId!, two)).toMatchObject({
        Status: 'Cancelled',
        StatusDetails: 'Cancelled',
        ResponseCode: -1,
        ExecutionStartDateTime: '',
        ExecutionElapsedTime: '',
        ExecutionEndDateTime: '',
      });
      expect((await settled(ssm, command.CommandId!, one)).Status).toBe('Success');
      expect(
        await dockerExec(server.docker, container(two), ['sh', '-c', 'cat /tmp/cancel-marker || echo none']),
      ).toBe('none\n');
    });

    it('answers InvalidCommandId, DuplicateInstanceId and InvalidInstanceId', async () => {
      const unknown = await errorOf(() =>
        ssm.send(new CancelCommandCommand({ CommandId: '00000000-0000-0000-0000-000000000000' })),
      );
      expect(unknown.name).toBe('InvalidCommandId');
      const command = await runShell(ssm, ['true'], { InstanceIds: [one] });
      const duplicate = await errorOf(() =>
        ssm.send(new CancelCommandCommand({ CommandId: command.CommandId, InstanceIds: [one, one] })),
      );
      expect(duplicate.name).toBe('DuplicateInstanceId');
      const other = await errorOf(() =>
        ssm.send(new CancelCommandCommand({ CommandId: command.CommandId, InstanceIds: [two] })),
      );
      expect(other.name).toBe('InvalidInstanceId');
      await settled(ssm, command.CommandId!, one);
      // Cancelling a finished command changes nothing.
      await ssm.send(new CancelCommandCommand({ CommandId: command.CommandId }));
      expect(await commandSettled(ssm, command.CommandId!)).toMatchObject({ Status: 'Success' });
      expect((await getInvocation(ssm, command.CommandId!, one)).Status).toBe('Success');
    });
  });

  it('stops a step at its executionTimeout: TimedOut / ExecutionTimedOut, process killed', async () => {
    const command = await runShell(ssm, ['echo before', 'sleep 317'], {
      InstanceIds: [two],
      executionTimeout: '5',
    });
    const started = Date.now();
    const done = await settled(ssm, command.CommandId!, two, undefined, 20_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    expect(done).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: 137,
      StandardOutputContent: 'before\n',
      StandardErrorContent: '',
    });
    expect((await processes(server.docker, container(two))).some((p) => p.includes('sleep 317'))).toBe(false);
    expect(await commandSettled(ssm, command.CommandId!)).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ErrorCount: 1,
    });
  });

  describe('MaxConcurrency', () => {
    const timed = ['date +%s%N', 'sleep 1', 'date +%s%N'];
    /** [start, end] in nanoseconds, as each instance printed them. */
    const spans = async (commandId: string): Promise<[[number, number], [number, number]]> => {
      const out = await Promise.all([one, two].map((id) => getInvocation(ssm, commandId, id)));
      const [a, b] = out.map(
        (inv) => inv.StandardOutputContent!.trim().split('\n').map(Number) as [number, number],
      );
      return [a!, b!];
    };

    it('runs one at a time with MaxConcurrency 1 (and 50% of two)', async () => {
      for (const maxConcurrency of ['1', '50%']) {
        const command = await runShell(ssm, timed, {
          InstanceIds: [one, two],
          MaxConcurrency: maxConcurrency,
        });
        expect((await commandSettled(ssm, command.CommandId!)).Status).toBe('Success');
        const [[startA, endA], [startB, endB]] = await spans(command.CommandId!);
        expect(startB >= endA || startA >= endB).toBe(true);
      }
    });

    it('runs all at once by default', async () => {
      const command = await runShell(ssm, timed, { InstanceIds: [one, two] });
      expect((await commandSettled(ssm, command.CommandId!)).Status).toBe('Success');
      const [[startA, endA], [startB, endB]] = await spans(command.CommandId!);
      expect(startB < endA && startA < endB).toBe(true);
    });
  });

  describe('MaxErrors', () => {
    it('once errors exceed MaxErrors, invocations not yet sent are Terminated', async () => {
      const command = await runShell(ssm, ['exit 1'], {
        InstanceIds: [one, two],
        MaxConcurrency: '1',
        MaxErrors: '0',
      });
      const done = await commandSettled(ssm, command.CommandId!);
      expect(done).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Failed',
        CompletedCount: 2,
        ErrorCount: 1,
      });
      expect(await getInvocation(ssm, command.CommandId!, one)).toMatchObject({
        Status: 'Failed',
        ResponseCode: 1,
      });
      expect(await getInvocation(ssm, command.CommandId!, two)).toMatchObject({
        Status: 'Cancelled',
        StatusDetails: 'Terminated',
        ResponseCode: -1,
      });
    });

    it('errors within MaxErrors make the command Incomplete', async () => {
      const command = await runShell(ssm, [`[ "$AWS_SSM_INSTANCE_ID" = "${two}" ] && exit 9`, 'exit 0'], {
        InstanceIds: [one, two],
        MaxErrors: '1',
      });
      const done = await commandSettled(ssm, command.CommandId!);
      expect(done).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Incomplete',
        CompletedCount: 2,
        ErrorCount: 1,
      });
      expect((await getInvocation(ssm, command.CommandId!, two)).ResponseCode).toBe(9);
    });
  });

  it('reboots on exit 194 and runs the step again', async () => {
    const command = await runShell(
      ssm,
      [
        'if [ -f /tmp/rebooted-once ]; then echo after reboot; rm /tmp/rebooted-once; exit 0; fi',
        'touch /tmp/rebooted-once',
        'exit 194',
      ],
      { InstanceIds: [one] },
    );
    const done = await settled(ssm, command.CommandId!, one, undefined, 60_000);
    expect(done).toMatchObject({
      Status: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'after reboot\n',
    });
    await online(one, true);
  });

  it('ends the invocation as Failed promptly when the container dies mid-command', async () => {
    const command = await runShell(ssm, ['echo alive', 'sleep 300'], { InstanceIds: [two] });
    await settled(ssm, command.CommandId!, two, ['InProgress']);
    await eventually(
      () => processes(server.docker, container(two)),
      (list) => list.includes('sleep 300'),
    );
    const killedAt = Date.now();
    await server.docker.getContainer(container(two)).kill();
    const done = await settled(ssm, command.CommandId!, two, undefined, 10_000);
    expect(Date.now() - killedAt).toBeLessThan(5_000);
    expect(done).toMatchObject({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: -1,
      StandardOutputContent: 'alive\n',
      StandardErrorContent: 'failed to run commands: signal: killed',
    });
    await startInstance(two);
  });

  it('an offline (paused) instance reached by tag is Undeliverable and does not fail the command', async () => {
    await server.docker.getContainer(container(two)).pause();
    try {
      // The fleet learns of the pause from the engine's events: not always before pause() returns.
      await online(two, false);
      expect(await fleetView(two)).toBe('offline');
      const command = await runShell(ssm, ['true'], { Targets: [{ Key: 'tag:Group', Values: ['control'] }] });
      expect(command.TargetCount).toBe(2);
      expect(await getInvocation(ssm, command.CommandId!, two)).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Undeliverable',
        ResponseCode: -1,
      });
      expect(await commandSettled(ssm, command.CommandId!)).toMatchObject({
        Status: 'Success',
        CompletedCount: 2,
        ErrorCount: 0,
      });
      // Named by id, an offline instance is refused.
      const error = await errorOf(() => runShell(ssm, ['true'], { InstanceIds: [two] }));
      expect(error.name).toBe('InvalidInstanceId');
    } finally {
      await server.docker.getContainer(container(two)).unpause();
    }
    await online(two, true);
  });

  it('a stopped instance is no managed node: no tag reaches it, and by id it is not in a valid state', async () => {
    await stopInstance(two);
    try {
      const command = await runShell(ssm, ['true'], { Targets: [{ Key: 'tag:Group', Values: ['control'] }] });
      expect(command.TargetCount).toBe(1);
      expect((await commandSettled(ssm, command.CommandId!)).Status).toBe('Success');
      const missing = await errorOf(() => getInvocation(ssm, command.CommandId!, two));
      expect(missing.name).toBe('InvocationDoesNotExist');
      const error = await errorOf(() => runShell(ssm, ['true'], { InstanceIds: [one, two] }));
      expect(error.name).toBe('InvalidInstanceId');
      expect(error.message).toBe(`Instances [[${two}]] not in a valid state for account 000000000000`);
    } finally {
      await startInstance(two);
    }
  });

  it('an instance that is offline at its turn is Delayed, and runs the command once it is back', async () => {
    const command = await runShell(ssm, ['sleep 2', 'echo delivered'], {
      InstanceIds: [one, two],
      MaxConcurrency: '1',
    });
    await settled(ssm, command.CommandId!, one, ['InProgress']);
    await stopInstance(two);
    try {
      expect((await settled(ssm, command.CommandId!, two, ['Delayed'])).StatusDetails).toBe('Delayed');
    } finally {
      await startInstance(two);
    }
    expect(await settled(ssm, command.CommandId!, two)).toMatchObject({
      Status: 'Success',
      StandardOutputContent: 'delivered\n',
    });
    expect((await commandSettled(ssm, command.CommandId!)).Status).toBe('Success');
  });

  it('an instance that goes offline before its turn is Delayed, then DeliveryTimedOut when the command expires', async () => {
    const command = await runShell(ssm, ['sleep 2'], {
      InstanceIds: [one, two],
      MaxConcurrency: '1',
      TimeoutSeconds: 30,
    });
    await settled(ssm, command.CommandId!, one, ['InProgress']);
    await stopInstance(two);
    try {
      expect((await settled(ssm, command.CommandId!, one)).Status).toBe('Success');
      expect((await settled(ssm, command.CommandId!, two, ['Delayed'])).StatusDetails).toBe('Delayed');
      expect((await getCommand(ssm, command.CommandId!)).Status).toBe('InProgress');
      // Past ExpiresAfter (30 s delivery + 3600 s execution) without waiting for it: the expiry runs
      // when the clock reaches it, not when a retry happens to look.
      await clock.advanceTo(command.ExpiresAfter!.getTime() + 1000);
      expect(await getInvocation(ssm, command.CommandId!, two)).toMatchObject({ Status: 'TimedOut' });
      const timedOut = await settled(ssm, command.CommandId!, two, undefined, 10_000);
      expect(timedOut).toMatchObject({
        Status: 'TimedOut',
        StatusDetails: 'DeliveryTimedOut',
        ResponseCode: -1,
      });
      expect(await commandSettled(ssm, command.CommandId!)).toMatchObject({
        Status: 'TimedOut',
        StatusDetails: 'DeliveryTimedOut',
        CompletedCount: 2,
        ErrorCount: 0,
        DeliveryTimedOutCount: 1,
      });
      const listed = await ssm.send(
        new ListCommandInvocationsCommand({
          CommandId: command.CommandId,
          Filters: [{ key: 'Status', value: 'DeliveryTimedOut' }],
        }),
      );
      expect(listed.CommandInvocations!.map((i) => i.InstanceId)).toEqual([two]);
    } finally {
      await startInstance(two);
    }
  });
});
