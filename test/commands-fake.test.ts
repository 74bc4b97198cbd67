// Run Command's state machine in milliseconds: a MemoryFleet and a fake executor instead of Docker,
// and a frozen FakeClock, so execution timeouts, retries of Delayed instances and delivery timeouts
// happen when the test moves time, and never behind its back. The real-container suites
// (commands*.test.ts) check the same machine end to end.
import {
  CancelCommandCommand,
  GetCommandInvocationCommand,
  ListCommandsCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RUN_COMMAND, type InvocationEnded } from '../src/commands/api.js';
import { backgroundContext } from '../src/core/context.js';
import { FakeClock } from '../src/core/fake-clock.js';
import { MemoryFleet } from '../src/instances/index.js';
import { FakeExecutor } from './support/fake-executor.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const ONE = 'i-0000000000000000a';
const TWO = 'i-0000000000000000b';
const THREE = 'i-0000000000000000c';
const START = Date.parse('2030-01-01T00:00:00Z');

/** Lets the engine's promise chains (store writes, scheduling passes) run. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('Run Command state machine (memory fleet, fake executor, fake clock)', () => {
  let clock: FakeClock;
  let fleet: MemoryFleet;
  let executor: FakeExecutor;
  let server: TestServer;
  let ssm: SSMClient;

  beforeEach(async () => {
    clock = new FakeClock(START);
    fleet = new MemoryFleet([
      { id: ONE, name: 'one', tags: { Role: 'web' } },
      { id: TWO, name: 'two', tags: { Role: 'web' } },
      { id: THREE, name: 'three', tags: { Role: 'web' } },
    ]);
    executor = new FakeExecutor((run) => ({ exitCode: 0, stdout: `ran: ${run.script}` }));
    server = await startTestServer({ clock, fleet, executor });
    ssm = server.client();
  });
  afterEach(async () => server?.stop());

  const send = (commands: string[], extra: Record<string, unknown> = {}, parameters = {}) =>
    ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands, ...parameters },
        ...extra,
      }),
    );
  const invocation = (commandId: string, instanceId: string) =>
    ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }));
  const command = async (commandId: string) =>
    (await ssm.send(new ListCommandsCommand({ CommandId: commandId }))).Commands![0]!;

  it('runs the script on each instance and reports its output', async () => {
    const sent = await send(['echo hi'], { Targets: [{ Key: 'tag:Role', Values: ['web'] }] });
    await settle();
    expect(executor.runs.map((r) => r.containerId).sort()).toEqual([ONE, TWO, THREE]);
    expect(executor.runs[0]!.request.argv[0]).toBe('sh');
    expect(await invocation(sent.Command!.CommandId!, TWO)).toMatchObject({
      Status: 'Success',
      ResponseCode: 0,
      StandardOutputContent: 'ran: echo hi\n',
    });
    expect(await command(sent.Command!.CommandId!)).toMatchObject({ Status: 'Success', CompletedCount: 3 });
  });

  it('kills a step at its execution timeout when the clock reaches it, not before', async () => {
    executor.rule = () => 'wait';
    const sent = await send(['sleep 100'], { InstanceIds: [ONE] }, { executionTimeout: ['10'] });
    const commandId = sent.Command!.CommandId!;
    await executor.started(1);
    // Real time passing does nothing: no timer runs behind the fake clock.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await clock.advance(9_999);
    expect((await invocation(commandId, ONE)).Status).toBe('InProgress');
    expect(executor.runs[0]!.killed).toBe(false);
    await clock.advance(1);
    await settle();
    expect(executor.runs[0]!.killed).toBe(true);
    expect(await invocation(commandId, ONE)).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
      ResponseCode: 137,
      ExecutionElapsedTime: 'PT10S',
    });
  });

  it('retries an instance that went offline once the clock moves on, and delivers when it is back', async () => {
    executor.rule = (run) => (run.containerId === ONE ? 'wait' : { exitCode: 0, stdout: 'late\n' });
    const sent = await send(['work'], { InstanceIds: [ONE, TWO], MaxConcurrency: '1' });
    const commandId = sent.Command!.CommandId!;
    await executor.started(1);
    fleet.setOnline(TWO, false);
    executor.runs[0]!.finish({ exitCode: 0 });
    await settle();
    expect((await invocation(commandId, TWO)).Status).toBe('Delayed');
    fleet.setOnline(TWO, true);
    await settle();
    expect((await invocation(commandId, TWO)).Status).toBe('Delayed');
    await clock.advance(1000);
    await settle();
    expect(await invocation(commandId, TWO)).toMatchObject({
      Status: 'Success',
      StandardOutputContent: 'late\n',
    });
  });

  it('times out delivery when the clock passes ExpiresAfter', async () => {
    executor.rule = () => 'wait';
    const sent = await send(['work'], {
      InstanceIds: [ONE, TWO],
      MaxConcurrency: '1',
      MaxErrors: '1',
      TimeoutSeconds: 30,
    });
    const commandId = sent.Command!.CommandId!;
    await executor.started(1);
    fleet.setOnline(TWO, false);
    // The running step reaches its own execution timeout (3600 s) first; then the offline instance
    // is retried, every second of clock time, until the command expires 30 s later.
    await clock.advance(3600_000);
    await settle();
    expect(executor.runs[0]!.killed).toBe(true);
    expect(await invocation(commandId, ONE)).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'ExecutionTimedOut',
    });
    expect((await invocation(commandId, TWO)).Status).toBe('Delayed');
    await clock.advanceTo(sent.Command!.ExpiresAfter!);
    await settle();
    expect(await invocation(commandId, TWO)).toMatchObject({
      Status: 'TimedOut',
      StatusDetails: 'DeliveryTimedOut',
    });
    expect(await command(commandId)).toMatchObject({
      CompletedCount: 2,
      ErrorCount: 1,
      DeliveryTimedOutCount: 1,
    });
    expect(executor.runs).toHaveLength(1);
  });

  it('stops sending once errors exceed MaxErrors: the rest are Terminated', async () => {
    executor.rule = () => ({ exitCode: 3, stderr: 'boom\n' });
    const sent = await send(['false'], {
      InstanceIds: [ONE, TWO, THREE],
      MaxConcurrency: '1',
      MaxErrors: '0',
    });
    await settle();
    const commandId = sent.Command!.CommandId!;
    expect(executor.runs).toHaveLength(1);
    expect(await invocation(commandId, ONE)).toMatchObject({ Status: 'Failed', ResponseCode: 3 });
    expect(await invocation(commandId, TWO)).toMatchObject({
      Status: 'Cancelled',
      StatusDetails: 'Terminated',
    });
    expect(await command(commandId)).toMatchObject({ Status: 'Failed', ErrorCount: 1, CompletedCount: 3 });
  });

  it('cancels a running invocation by killing its process', async () => {
    executor.rule = () => 'wait';
    const sent = await send(['sleep 100'], { InstanceIds: [ONE] });
    await executor.started(1);
    await ssm.send(new CancelCommandCommand({ CommandId: sent.Command!.CommandId }));
    await settle();
    expect(executor.runs[0]!.killed).toBe(true);
    expect(await invocation(sent.Command!.CommandId!, ONE)).toMatchObject({
      Status: 'Cancelled',
      ResponseCode: 137,
    });
  });

  it('offers Run Command to other capabilities: send, and hear each invocation and the command end', async () => {
    const runCommand = server.ssm.runtime.services.registry.get(RUN_COMMAND);
    const ended: InvocationEnded[] = [];
    const unsubscribe = runCommand.onInvocationEnded((e) => ended.push(e));
    fleet.setOnline(THREE, false);
    const ctx = backgroundContext(server.ssm.runtime.services, '000000000000', 'us-east-1', 'Test');
    const sent = await runCommand.send(ctx, {
      DocumentName: 'AWS-RunShellScript',
      Parameters: { commands: ['echo contract'] },
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
    });
    const result = await runCommand.whenEnded({
      accountId: '000000000000',
      region: 'us-east-1',
      commandId: sent.CommandId!,
    });
    expect(result).toMatchObject({ status: 'Success', statusDetails: 'Success' });
    expect(result!.invocations.map((i) => [i.instanceId, i.statusDetails]).sort()).toEqual([
      [ONE, 'Success'],
      [TWO, 'Success'],
      [THREE, 'Undeliverable'],
    ]);
    expect(result!.invocations.find((i) => i.instanceId === ONE)!.plugins[0]!.stdout).toBe(
      'ran: echo contract\n',
    );
    await settle();
    expect(ended.map((e) => e.instanceId).sort()).toEqual([ONE, TWO, THREE]);
    unsubscribe();
    // Listed like any command, with the same errors as SendCommand.
    expect((await command(sent.CommandId!)).DocumentName).toBe('AWS-RunShellScript');
    const error = await errorOf(() => runCommand.send(ctx, { DocumentName: 'Nope', InstanceIds: [ONE] }));
    expect(error.name).toBe('InvalidDocument');
  });
});
