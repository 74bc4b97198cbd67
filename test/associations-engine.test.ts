// State Manager's engine in milliseconds: a MemoryFleet, a fake executor and a frozen FakeClock, so
// runs at creation, on a schedule, on new targets and after a restart happen when the test moves
// time. test/associations-docker.test.ts runs the same engine against real containers.
import {
  AddTagsToResourceCommand,
  CreateAssociationCommand,
  DescribeAssociationCommand,
  DescribeAssociationExecutionTargetsCommand,
  DescribeAssociationExecutionsCommand,
  DescribeInstanceAssociationsStatusCommand,
  GetCommandInvocationCommand,
  ListComplianceItemsCommand,
  StartAssociationsOnceCommand,
  type CreateAssociationRequest,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { MemoryFleet } from '../src/instances/index.js';
import {
  associationExecutions,
  createWebAssociation,
  settledExecutions as settled,
} from './associations-helpers.js';
import { eventually } from './commands-helpers.js';
import { FakeExecutor } from './support/fake-executor.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const ONE = 'i-0000000000000000a';
const TWO = 'i-0000000000000000b';
const THREE = 'i-0000000000000000c';
const HYBRID = 'mi-0000000000000000d';
const START = Date.parse('2030-01-01T00:00:00Z');
const MINUTE = 60_000;

/** How long eventually waits for the engine's runs (they go on after the request that started them), and how often it looks. */
const WAIT_MS = 3000;
const POLL_MS = 5;

describe('State Manager engine (memory fleet, fake executor, fake clock)', () => {
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
      { id: THREE, name: 'three', tags: { Role: 'web' }, state: 'stopped' },
      { id: HYBRID, name: 'edge' },
    ]);
    executor = new FakeExecutor((run) =>
      run.script.includes('fail') && run.containerId === TWO
        ? { exitCode: 3, stderr: 'broken' }
        : { exitCode: 0, stdout: `ran on ${run.containerId}` },
    );
    server = await startTestServer({ clock, fleet, executor });
    ssm = server.client();
  });
  afterEach(async () => server?.stop());

  const create = (extra: Partial<CreateAssociationRequest> = {}, commands = ['echo hi']) =>
    createWebAssociation(ssm, commands, extra);
  const executions = (id: string) => associationExecutions(ssm, id);
  const settledExecutions = (id: string, count: number) => settled(ssm, id, count, WAIT_MS, POLL_MS);
  const targets = async (id: string, executionId: string) =>
    (
      await ssm.send(
        new DescribeAssociationExecutionTargetsCommand({ AssociationId: id, ExecutionId: executionId }),
      )
    ).AssociationExecutionTargets!;

  it('runs at creation on every target, records the execution and its targets, and reads as AWS shows it', async () => {
    const id = await create({ AssociationName: 'hello' });
    const [execution] = await settledExecutions(id, 1);
    expect(execution).toMatchObject({
      AssociationId: id,
      AssociationVersion: '1',
      Status: 'Success',
      DetailedStatus: 'Success',
      ResourceCountByStatus: '{Success=2}',
    });
    const list = await targets(id, execution!.ExecutionId!);
    expect(list.map((t) => t.ResourceId)).toEqual([ONE, TWO]);
    expect(list[0]).toMatchObject({
      ResourceType: 'ManagedInstance',
      Status: 'Success',
      DetailedStatus: 'Success',
    });
    expect(list[0]!.OutputSource!.OutputSourceType).toBe('RunCommand');
    const output = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: list[0]!.OutputSource!.OutputSourceId!, InstanceId: ONE }),
    );
    expect(output).toMatchObject({ Status: 'Success', StandardOutputContent: `ran on ${ONE}` });

    const described = (await ssm.send(new DescribeAssociationCommand({ AssociationId: id })))
      .AssociationDescription!;
    expect(described.Overview).toEqual({
      Status: 'Success',
      DetailedStatus: 'Success',
      AssociationStatusAggregatedCount: { Success: 2 },
    });
    expect(described.LastExecutionDate).toEqual(new Date(START));
    expect(described.LastSuccessfulExecutionDate).toEqual(new Date(START));

    const status = await ssm.send(new DescribeInstanceAssociationsStatusCommand({ InstanceId: ONE }));
    expect(status.InstanceAssociationStatusInfos).toEqual([
      {
        AssociationId: id,
        AssociationName: 'hello',
        Name: 'AWS-RunShellScript',
        DocumentVersion: '1',
        AssociationVersion: '1',
        InstanceId: ONE,
        ExecutionDate: new Date(START),
        Status: 'Success',
        DetailedStatus: 'Success',
        ExecutionSummary: '1 out of 1 plugin processed, 1 success, 0 failed, 0 timedout, 0 skipped. ',
      },
    ]);
  });

  it('runs again when the rate comes round, and not before', async () => {
    const id = await create();
    await settledExecutions(id, 1);
    await clock.advance(30 * MINUTE - 1000);
    expect(await executions(id)).toHaveLength(1);
    await clock.advance(1000);
    const list = await settledExecutions(id, 2);
    expect(list[0]!.CreatedTime).toEqual(new Date(START + 30 * MINUTE));
    await clock.advance(30 * MINUTE);
    await settledExecutions(id, 3);
  });

  it('waits for the cron time with ApplyOnlyAtCronInterval', async () => {
    const id = await create({ ScheduleExpression: 'cron(0 2 ? * * *)', ApplyOnlyAtCronInterval: true });
    await clock.advance(0);
    expect(await executions(id)).toEqual([]);
    await clock.advance(2 * 60 * MINUTE - 1000);
    expect(await executions(id)).toEqual([]);
    await clock.advance(1000);
    const [execution] = await settledExecutions(id, 1);
    expect(execution!.CreatedTime).toEqual(new Date(START + 2 * 60 * MINUTE));
  });

  it('fails the execution when a target fails, with the agent summary and NON_COMPLIANT', async () => {
    const id = await create({}, ['echo fail']);
    const [execution] = await settledExecutions(id, 1);
    expect(execution).toMatchObject({
      Status: 'Failed',
      DetailedStatus: 'Failed',
      ResourceCountByStatus: '{Failed=1, Success=1}',
    });
    const failed = await ssm.send(
      new DescribeAssociationExecutionTargetsCommand({
        AssociationId: id,
        ExecutionId: execution!.ExecutionId!,
        Filters: [{ Key: 'Status', Value: 'Failed' }],
      }),
    );
    expect(failed.AssociationExecutionTargets!.map((t) => [t.ResourceId, t.DetailedStatus])).toEqual([
      [TWO, 'Failed'],
    ]);
    const [info] = (await ssm.send(new DescribeInstanceAssociationsStatusCommand({ InstanceId: TWO })))
      .InstanceAssociationStatusInfos!;
    expect(info).toMatchObject({
      Status: 'Failed',
      ErrorCode: 'ExecutionError',
      ExecutionSummary:
        '1 out of 1 plugin processed, 0 success, 1 failed, 0 timedout, 0 skipped. \nThe operation aws:runShellScript failed because broken\nfailed to run commands: exit status 3.',
    });
    const overview = (await ssm.send(new DescribeAssociationCommand({ AssociationId: id })))
      .AssociationDescription!.Overview;
    expect(overview).toEqual({
      Status: 'Failed',
      DetailedStatus: 'Failed',
      AssociationStatusAggregatedCount: { Failed: 1, Success: 1 },
    });
    const items = await eventually(
      () =>
        ssm.send(new ListComplianceItemsCommand({ ResourceIds: [TWO], ResourceTypes: ['ManagedInstance'] })),
      (answer) => (answer.ComplianceItems ?? []).length > 0,
      WAIT_MS,
      POLL_MS,
    );
    expect(items.ComplianceItems![0]).toMatchObject({
      ComplianceType: 'Association',
      ResourceId: TWO,
      Id: id,
      Status: 'NON_COMPLIANT',
      Severity: 'UNSPECIFIED',
      Details: { DocumentName: 'AWS-RunShellScript', DocumentVersion: '1' },
    });
  });

  it('applies the association to an instance as soon as it arrives (its machine starts)', async () => {
    const id = await create({ ScheduleExpression: 'rate(1 day)' });
    await settledExecutions(id, 1);
    fleet.setState(THREE, 'online');
    const [latest] = await settledExecutions(id, 2);
    expect((await targets(id, latest!.ExecutionId!)).map((t) => t.ResourceId)).toEqual([THREE]);
    const described = (await ssm.send(new DescribeAssociationCommand({ AssociationId: id })))
      .AssociationDescription!;
    expect(described.Overview!.AssociationStatusAggregatedCount).toEqual({ Success: 3 });
    // Nothing more happens while nothing changes.
    await clock.advance(10 * MINUTE);
    expect(await executions(id)).toHaveLength(2);
  });

  it('applies the association to an instance that newly matches by tag within the agent polling period', async () => {
    const id = await create({
      ScheduleExpression: 'rate(1 day)',
      Targets: [{ Key: 'tag:Tier', Values: ['gold'] }],
    });
    const [first] = await settledExecutions(id, 1);
    expect(await targets(id, first!.ExecutionId!)).toEqual([]);
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'ManagedInstance',
        ResourceId: HYBRID,
        Tags: [{ Key: 'Tier', Value: 'gold' }],
      }),
    );
    await clock.advance(10 * MINUTE - 1000);
    expect(await executions(id)).toHaveLength(1);
    await clock.advance(1000);
    const [latest] = await settledExecutions(id, 2);
    expect((await targets(id, latest!.ExecutionId!)).map((t) => t.ResourceId)).toEqual([HYBRID]);
  });

  it('runs on demand with StartAssociationsOnce', async () => {
    const id = await create({ ScheduleExpression: 'rate(1 day)' });
    await settledExecutions(id, 1);
    await ssm.send(new StartAssociationsOnceCommand({ AssociationIds: [id] }));
    await settledExecutions(id, 2);
  });

  it('filters and pages executions and targets', async () => {
    const id = await create();
    await settledExecutions(id, 1);
    await clock.advance(30 * MINUTE);
    const all = await settledExecutions(id, 2);
    const first = await ssm.send(
      new DescribeAssociationExecutionsCommand({ AssociationId: id, MaxResults: 1 }),
    );
    expect(first.AssociationExecutions!.map((e) => e.ExecutionId)).toEqual([all[0]!.ExecutionId]);
    const second = await ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        MaxResults: 1,
        NextToken: first.NextToken,
      }),
    );
    expect(second.AssociationExecutions!.map((e) => e.ExecutionId)).toEqual([all[1]!.ExecutionId]);
    expect(second.NextToken).toBeUndefined();
    const later = await ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        Filters: [
          { Key: 'CreatedTime', Value: new Date(START + MINUTE).toISOString(), Type: 'GREATER_THAN' },
        ],
      }),
    );
    expect(later.AssociationExecutions!.map((e) => e.ExecutionId)).toEqual([all[0]!.ExecutionId]);
    const byId = await ssm.send(
      new DescribeAssociationExecutionsCommand({
        AssociationId: id,
        Filters: [{ Key: 'ExecutionId', Value: all[1]!.ExecutionId!, Type: 'EQUAL' }],
      }),
    );
    expect(byId.AssociationExecutions).toHaveLength(1);
    const page = await ssm.send(
      new DescribeAssociationExecutionTargetsCommand({
        AssociationId: id,
        ExecutionId: all[0]!.ExecutionId!,
        MaxResults: 1,
      }),
    );
    expect(page.AssociationExecutionTargets!.map((t) => t.ResourceId)).toEqual([ONE]);
    expect(page.NextToken).toBeDefined();
  });

  it("answers AWS's errors", async () => {
    const id = await create();
    await settledExecutions(id, 1);
    const missing = '00000000-0000-4000-8000-000000000000';
    expect(
      (await errorOf(() => ssm.send(new StartAssociationsOnceCommand({ AssociationIds: [missing] })))).name,
    ).toBe('AssociationDoesNotExist');
    expect(
      (await errorOf(() => ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: missing }))))
        .name,
    ).toBe('AssociationDoesNotExist');
    expect(
      (
        await errorOf(() =>
          ssm.send(
            new DescribeAssociationExecutionTargetsCommand({ AssociationId: id, ExecutionId: missing }),
          ),
        )
      ).name,
    ).toBe('AssociationExecutionDoesNotExist');
    expect(
      (
        await errorOf(() =>
          ssm.send(
            new DescribeAssociationExecutionTargetsCommand({ AssociationId: missing, ExecutionId: missing }),
          ),
        )
      ).name,
    ).toBe('AssociationDoesNotExist');
    expect(
      (
        await errorOf(() =>
          ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id, NextToken: 'nope' })),
        )
      ).name,
    ).toBe('InvalidNextToken');
    expect(
      (
        await errorOf(() =>
          ssm.send(new DescribeInstanceAssociationsStatusCommand({ InstanceId: ONE, NextToken: 'bm9wZQ' })),
        )
      ).name,
    ).toBe('InvalidNextToken');
    expect(
      (
        await errorOf(() =>
          ssm.send(new DescribeInstanceAssociationsStatusCommand({ InstanceId: 'i-0000000000000000f' })),
        )
      ).name,
    ).toBe('InvalidInstanceId');
    const badTime = await errorOf(() =>
      ssm.send(
        new DescribeAssociationExecutionsCommand({
          AssociationId: id,
          Filters: [{ Key: 'CreatedTime', Value: 'yesterday', Type: 'LESS_THAN' }],
        }),
      ),
    );
    expect(badTime.name).toBe('ValidationException');
    // An instance with no associations answers an empty list.
    expect(
      (await ssm.send(new DescribeInstanceAssociationsStatusCommand({ InstanceId: ONE })))
        .InstanceAssociationStatusInfos,
    ).toHaveLength(1);
  });
});

describe('State Manager engine across a restart', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssm-local-associations-'));
  const dataPath = join(folder, 'ssm-local.json');
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it('settles what was running, runs a missed run once, and keeps the schedule', async () => {
    const fleet = new MemoryFleet([{ id: ONE, name: 'one', tags: { Role: 'web' } }]);
    const executor = new FakeExecutor(() => 'wait');
    let server = await startTestServer({ clock: new FakeClock(START), fleet, executor, dataPath });
    let ssm = server.client();
    const id = (
      await ssm.send(
        new CreateAssociationCommand({
          Name: 'AWS-RunShellScript',
          Targets: [{ Key: 'InstanceIds', Values: [ONE] }],
          Parameters: { commands: ['sleep 100'] },
          ScheduleExpression: 'rate(30 minutes)',
        }),
      )
    ).AssociationDescription!.AssociationId!;
    await executor.started(1);
    await eventually(
      () => ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id })),
      (r) => r.AssociationExecutions![0]?.Status === 'InProgress',
      WAIT_MS,
      POLL_MS,
    );
    await server.stop();

    // Two hours later: four slots were missed; one run makes up for them.
    const clock = new FakeClock(START + 120 * MINUTE);
    executor.rule = () => ({ exitCode: 0, stdout: 'back' });
    server = await startTestServer({ clock, fleet, executor, dataPath });
    ssm = server.client();
    const list = await eventually(
      async () =>
        (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id })))
          .AssociationExecutions!,
      (l) => l.length === 2 && l.every((e) => e.Status === 'Success' || e.Status === 'Failed'),
      WAIT_MS,
      POLL_MS,
    );
    expect(list.map((e) => e.Status)).toEqual(['Success', 'Failed']);
    expect(list[0]!.CreatedTime).toEqual(new Date(START + 120 * MINUTE));
    await clock.advance(30 * MINUTE - 1000);
    expect(
      (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id }))).AssociationExecutions,
    ).toHaveLength(2);
    await clock.advance(1000);
    await eventually(
      async () =>
        (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id })))
          .AssociationExecutions!,
      (l) => l.length === 3,
      WAIT_MS,
      POLL_MS,
    );
    await server.stop();
  });
});
