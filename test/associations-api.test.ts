// The association API over stored associations (create, describe, list, update and its versions,
// delete, effective associations, the legacy status, tags) against a real server with a memory
// fleet, a fake executor and a frozen clock. What runs (executions, statuses) is the engine's and
// is not asserted here.
import {
  AddTagsToResourceCommand,
  CreateAssociationBatchCommand,
  CreateAssociationCommand,
  type CreateAssociationCommandInput,
  CreateDocumentCommand,
  DeleteAssociationCommand,
  DescribeAssociationCommand,
  DescribeEffectiveInstanceAssociationsCommand,
  ListAssociationsCommand,
  ListAssociationVersionsCommand,
  ListTagsForResourceCommand,
  type SSMClient,
  UpdateAssociationCommand,
  UpdateAssociationStatusCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { MemoryFleet } from '../src/instances/index.js';
import { FakeExecutor } from './support/fake-executor.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const WEB1 = 'i-0000000000000000a';
const WEB2 = 'i-0000000000000000b';
const DB = 'i-0000000000000000c';
const START = Date.parse('2030-01-01T00:00:00Z');
const RUN = { Name: 'AWS-RunShellScript', Parameters: { commands: ['echo hi'] } };

describe('association API', () => {
  let clock: FakeClock;
  let server: TestServer;
  let ssm: SSMClient;

  beforeEach(async () => {
    clock = new FakeClock(START);
    const fleet = new MemoryFleet([
      { id: WEB1, name: 'web-1', tags: { Role: 'web', Env: 'prod' } },
      { id: WEB2, name: 'web-2', tags: { Role: 'web' } },
      { id: DB, name: 'db', tags: { Role: 'db', Backup: 'yes' } },
    ]);
    const executor = new FakeExecutor(() => ({ exitCode: 0, stdout: 'ok\n' }));
    server = await startTestServer({ clock, fleet, executor });
    ssm = server.client();
  });
  afterEach(async () => server?.stop());

  const create = async (input: Partial<CreateAssociationCommandInput> = {}) =>
    (
      await ssm.send(
        new CreateAssociationCommand({ ...RUN, Targets: [{ Key: 'tag:Role', Values: ['web'] }], ...input }),
      )
    ).AssociationDescription!;
  const describeById = async (id: string, version?: string) =>
    (await ssm.send(new DescribeAssociationCommand({ AssociationId: id, AssociationVersion: version })))
      .AssociationDescription!;
  const fails = async (input: Partial<CreateAssociationCommandInput>) =>
    errorOf(() =>
      ssm.send(new CreateAssociationCommand({ ...RUN, ...input } as CreateAssociationCommandInput)),
    );

  it('creates an association with AWS defaults and describes it', async () => {
    const created = await create({ AssociationName: 'web-hello', ScheduleExpression: 'rate(30 minutes)' });
    expect(created).toMatchObject({
      Name: 'AWS-RunShellScript',
      AssociationVersion: '1',
      DocumentVersion: '$DEFAULT',
      ApplyOnlyAtCronInterval: false,
      Overview: { Status: 'Pending', DetailedStatus: 'Creating' },
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      Parameters: { commands: ['echo hi'] },
      ScheduleExpression: 'rate(30 minutes)',
      AssociationName: 'web-hello',
    });
    expect(created.AssociationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created.Date).toEqual(new Date(START));
    expect(created.LastUpdateAssociationDate).toEqual(new Date(START));
    expect(created.InstanceId).toBeUndefined();
    expect(created.Status).toBeUndefined();
    const described = await describeById(created.AssociationId!);
    expect(described).toMatchObject({ AssociationId: created.AssociationId, Name: 'AWS-RunShellScript' });
  });

  it('spells the InstanceIds key as AWS does and accepts *', async () => {
    const created = await create({ Targets: [{ Key: 'instanceids', Values: ['*'] }] });
    expect(created.Targets).toEqual([{ Key: 'InstanceIds', Values: ['*'] }]);
  });

  it('supports the legacy InstanceId form: Status Associated, Name+InstanceId lookups, one per pair', async () => {
    const created = await create({ Targets: undefined, InstanceId: DB });
    expect(created).toMatchObject({
      InstanceId: DB,
      Targets: [{ Key: 'InstanceIds', Values: [DB] }],
      Status: { Name: 'Associated', Message: 'Associated with AWS-RunShellScript' },
    });
    const byPair = await ssm.send(
      new DescribeAssociationCommand({ Name: 'AWS-RunShellScript', InstanceId: DB }),
    );
    expect(byPair.AssociationDescription!.AssociationId).toBe(created.AssociationId);

    const again = await fails({ InstanceId: DB });
    expect(again.name).toBe('AssociationAlreadyExists');
    // With Targets, the same document and instance may be associated again.
    await create({ Targets: [{ Key: 'InstanceIds', Values: [DB] }] });
    await create({ Targets: [{ Key: 'InstanceIds', Values: [DB] }] });

    const status = await ssm.send(
      new UpdateAssociationStatusCommand({
        Name: 'AWS-RunShellScript',
        InstanceId: DB,
        AssociationStatus: { Date: new Date(START + 5000), Name: 'Success', Message: 'all good' },
      }),
    );
    expect(status.AssociationDescription!.Status).toEqual({
      Date: new Date(START + 5000),
      Name: 'Success',
      Message: 'all good',
    });
    const unchanged = await errorOf(() =>
      ssm.send(
        new UpdateAssociationStatusCommand({
          Name: 'AWS-RunShellScript',
          InstanceId: DB,
          AssociationStatus: { Date: new Date(START + 6000), Name: 'Success', Message: 'all good' },
        }),
      ),
    );
    expect(unchanged.name).toBe('StatusUnchanged');
    const missing = await errorOf(() =>
      ssm.send(
        new UpdateAssociationStatusCommand({
          Name: 'AWS-RunShellScript',
          InstanceId: WEB1,
          AssociationStatus: { Date: new Date(), Name: 'Failed', Message: 'x' },
        }),
      ),
    );
    expect(missing.name).toBe('AssociationDoesNotExist');

    await ssm.send(new DeleteAssociationCommand({ Name: 'AWS-RunShellScript', InstanceId: DB }));
    const gone = await errorOf(() =>
      ssm.send(new DescribeAssociationCommand({ Name: 'AWS-RunShellScript', InstanceId: DB })),
    );
    expect(gone.name).toBe('AssociationDoesNotExist');
  });

  it('refuses a legacy InstanceId that is no managed instance', async () => {
    const error = await fails({ InstanceId: 'i-0000000000000000f' });
    expect(error.name).toBe('InvalidInstanceId');
  });

  it('answers AssociationDoesNotExist with AWS text', async () => {
    const id = '11111111-2222-3333-4444-555555555555';
    const error = await errorOf(() => ssm.send(new DescribeAssociationCommand({ AssociationId: id })));
    expect(error.name).toBe('AssociationDoesNotExist');
    expect(error.message).toBe(`Association ${id} does not exist.`);
    for (const send of [
      () => ssm.send(new UpdateAssociationCommand({ AssociationId: id })),
      () => ssm.send(new DeleteAssociationCommand({ AssociationId: id })),
      () => ssm.send(new ListAssociationVersionsCommand({ AssociationId: id })),
      () => ssm.send(new DescribeAssociationCommand({})),
    ]) {
      expect((await errorOf(send)).name).toBe('AssociationDoesNotExist');
    }
  });

  it('updates to a new version each time, resetting omitted members but keeping Name and Targets', async () => {
    const created = await create({ AssociationName: 'first', ScheduleExpression: 'rate(1 hour)' });
    const id = created.AssociationId!;
    await clock.advance(60_000);
    const updated = (
      await ssm.send(
        new UpdateAssociationCommand({
          AssociationId: id,
          Parameters: { commands: ['echo two'] },
          AssociationVersion: '1',
        }),
      )
    ).AssociationDescription!;
    expect(updated).toMatchObject({
      AssociationVersion: '2',
      Name: 'AWS-RunShellScript',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      Parameters: { commands: ['echo two'] },
      DocumentVersion: '$DEFAULT',
      Overview: { Status: 'Pending', DetailedStatus: 'Creating' },
    });
    expect(updated.AssociationName).toBeUndefined();
    expect(updated.ScheduleExpression).toBeUndefined();
    expect(updated.Date).toEqual(new Date(START));
    expect(updated.LastUpdateAssociationDate!.getTime()).toBeGreaterThan(START);

    const stale = await errorOf(() =>
      ssm.send(new UpdateAssociationCommand({ AssociationId: id, ...RUN, AssociationVersion: '1' })),
    );
    expect(stale.name).toBe('InvalidAssociationVersion');
    await ssm.send(
      new UpdateAssociationCommand({ AssociationId: id, ...RUN, AssociationVersion: '$LATEST' }),
    );

    const versions = (await ssm.send(new ListAssociationVersionsCommand({ AssociationId: id })))
      .AssociationVersions!;
    expect(versions.map((v) => v.AssociationVersion)).toEqual(['1', '2', '3']);
    expect(versions[0]).toMatchObject({ AssociationName: 'first', ScheduleExpression: 'rate(1 hour)' });
    expect(versions[1]!.Parameters).toEqual({ commands: ['echo two'] });
    const page = await ssm.send(new ListAssociationVersionsCommand({ AssociationId: id, MaxResults: 2 }));
    expect(page.AssociationVersions!.map((v) => v.AssociationVersion)).toEqual(['1', '2']);
    const rest = await ssm.send(
      new ListAssociationVersionsCommand({ AssociationId: id, MaxResults: 2, NextToken: page.NextToken }),
    );
    expect(rest.AssociationVersions!.map((v) => v.AssociationVersion)).toEqual(['3']);
    expect(rest.NextToken).toBeUndefined();

    expect((await describeById(id, '1')).AssociationName).toBe('first');
    expect((await describeById(id, '$LATEST')).AssociationVersion).toBe('3');
    const noSuch = await errorOf(() => describeById(id, '9'));
    expect(noSuch.name).toBe('InvalidAssociationVersion');
  });

  it('validates an update as a create: document, parameters and schedule', async () => {
    const { AssociationId } = await create();
    const cases: [Partial<CreateAssociationCommandInput>, string][] = [
      [{ Name: 'No-Such-Document' }, 'InvalidDocument'],
      [{ Parameters: { nope: ['x'] } }, 'InvalidParameters'],
      [{ ScheduleExpression: 'rate(5 minutes)' }, 'InvalidSchedule'],
      [{ Targets: [{ Key: 'Bogus', Values: ['x'] }] }, 'InvalidTarget'],
    ];
    for (const [input, code] of cases) {
      const error = await errorOf(() =>
        ssm.send(new UpdateAssociationCommand({ AssociationId, ...RUN, ...input } as never)),
      );
      expect(error.name, JSON.stringify(input)).toBe(code);
    }
    expect((await describeById(AssociationId!)).AssociationVersion).toBe('1');
  });

  it('validates creates as AWS does', async () => {
    const cases: [Partial<CreateAssociationCommandInput>, string, string?][] = [
      [{ Name: 'No-Such-Document', Targets: [{ Key: 'tag:Role', Values: ['web'] }] }, 'InvalidDocument'],
      [{ DocumentVersion: '99', Targets: [{ Key: 'tag:Role', Values: ['web'] }] }, 'InvalidDocumentVersion'],
      [{ Parameters: {}, Targets: [{ Key: 'tag:Role', Values: ['web'] }] }, 'InvalidParameters'],
      [{}, 'InvalidTarget', 'Instance ID or targets must be specified'],
      [{ Targets: [{ Key: 'ResourceGroup', Values: ['x'] }] }, 'InvalidTarget', 'Unsupported Target Type'],
      [{ Targets: [{ Key: 'tag:Role', Values: [] }] }, 'InvalidTarget'],
      [{ Targets: [{ Key: 'InstanceIds', Values: ['*', WEB1] }] }, 'InvalidTarget'],
      [{ Targets: [{ Key: 'InstanceIds', Values: ['web-1'] }] }, 'InvalidTarget'],
      [
        {
          Targets: [
            { Key: 'InstanceIds', Values: [WEB1] },
            { Key: 'tag:Role', Values: ['web'] },
          ],
        },
        'InvalidTarget',
      ],
      [{ InstanceId: WEB1, Targets: [{ Key: 'tag:Role', Values: ['web'] }] }, 'InvalidTarget'],
      [
        { Targets: [{ Key: 'tag:Role', Values: ['web'] }], TargetMaps: [{ InstanceId: [WEB1] }] },
        'InvalidTargetMaps',
        "Both Targets and TargetMaps can't be specified together.",
      ],
      [
        { Targets: [{ Key: 'tag:Role', Values: ['web'] }], ScheduleExpression: 'every day' },
        'InvalidSchedule',
      ],
      [
        { Targets: [{ Key: 'tag:Role', Values: ['web'] }], ScheduleExpression: 'rate(10 minutes)' },
        'InvalidSchedule',
      ],
      [
        {
          Targets: [{ Key: 'tag:Role', Values: ['web'] }],
          ScheduleExpression: 'rate(1 day)',
          ScheduleOffset: 2,
        },
        'InvalidSchedule',
      ],
      [{ Targets: [{ Key: 'tag:Role', Values: ['web'] }], ScheduleOffset: 2 }, 'InvalidSchedule'],
      [
        {
          Targets: [{ Key: 'tag:Role', Values: ['web'] }],
          ScheduleExpression: 'rate(1 day)',
          ApplyOnlyAtCronInterval: true,
        },
        'InvalidSchedule',
      ],
      [
        {
          Targets: [{ Key: 'tag:Role', Values: ['web'] }],
          OutputLocation: { S3Location: { OutputS3KeyPrefix: 'x' } },
        },
        'InvalidOutputLocation',
      ],
      [
        { Targets: [{ Key: 'tag:Role', Values: ['web'] }], Tags: [{ Key: 'aws:reserved', Value: 'x' }] },
        'InvalidTag',
      ],
      [{ Targets: [{ Key: 'tag:Role', Values: ['web'] }], MaxErrors: 'lots' }, 'ValidationException'],
      [{ Targets: [{ Key: 'tag:Role', Values: ['web'] }], MaxConcurrency: '0' }, 'ValidationException'],
    ];
    for (const [input, code, message] of cases) {
      const error = await fails(input);
      expect(error.name, JSON.stringify(input)).toBe(code);
      if (message !== undefined) expect(error.message).toBe(message);
    }
    expect((await ssm.send(new ListAssociationsCommand({}))).Associations).toEqual([]);
  });

  it('accepts cron schedules with an offset and ApplyOnlyAtCronInterval', async () => {
    const created = await create({
      ScheduleExpression: 'cron(0 2 ? * THU#2 *)',
      ScheduleOffset: 2,
      ApplyOnlyAtCronInterval: true,
      MaxConcurrency: '50%',
      MaxErrors: '0',
      ComplianceSeverity: 'HIGH',
      OutputLocation: { S3Location: { OutputS3BucketName: 'my-bucket', OutputS3KeyPrefix: 'out' } },
    });
    expect(created).toMatchObject({
      ScheduleOffset: 2,
      ApplyOnlyAtCronInterval: true,
      MaxConcurrency: '50%',
      MaxErrors: '0',
      ComplianceSeverity: 'HIGH',
      OutputLocation: { S3Location: { OutputS3BucketName: 'my-bucket', OutputS3KeyPrefix: 'out' } },
    });
  });

  it('creates in batches, reporting failed entries as AWS does', async () => {
    const result = await ssm.send(
      new CreateAssociationBatchCommand({
        Entries: [
          { ...RUN, InstanceId: WEB1 },
          { ...RUN, InstanceId: WEB1 },
          { Name: 'No-Such-Document', InstanceId: WEB2 },
        ],
      }),
    );
    expect(result.Successful!.map((s) => s.InstanceId)).toEqual([WEB1]);
    expect(result.Failed).toEqual([
      { Entry: { ...RUN, InstanceId: WEB1 }, Message: 'Association Already Exists', Fault: 'Client' },
      {
        Entry: { Name: 'No-Such-Document', InstanceId: WEB2 },
        Message: 'The specified document does not exist.',
        Fault: 'Client',
      },
    ]);
  });

  it('lists associations oldest first, filtered and paginated', async () => {
    const a = await create({ AssociationName: 'alpha' });
    const b = await create({ AssociationName: 'beta', Targets: [{ Key: 'InstanceIds', Values: [DB] }] });
    const c = await create({ Targets: undefined, InstanceId: WEB2 });
    const list = async (filters?: { key: string; value: string }[]) =>
      (
        await ssm.send(new ListAssociationsCommand({ AssociationFilterList: filters as never }))
      ).Associations!.map((x) => x.AssociationId);
    expect(await list()).toEqual([a.AssociationId, b.AssociationId, c.AssociationId]);
    expect(await list([{ key: 'AssociationName', value: 'beta' }])).toEqual([b.AssociationId]);
    expect(await list([{ key: 'AssociationId', value: a.AssociationId! }])).toEqual([a.AssociationId]);
    expect(await list([{ key: 'InstanceId', value: DB }])).toEqual([b.AssociationId]);
    expect(await list([{ key: 'InstanceId', value: WEB2 }])).toEqual([c.AssociationId]);
    expect(await list([{ key: 'Name', value: 'AWS-RunShellScript' }])).toHaveLength(3);
    expect(await list([{ key: 'Name', value: 'Other' }])).toEqual([]);
    // The engine moves the overview on; the filter follows whatever it says now.
    const listed = (await ssm.send(new ListAssociationsCommand({}))).Associations!;
    for (const status of ['Pending', 'Success', 'Failed']) {
      expect(await list([{ key: 'AssociationStatusName', value: status }])).toEqual(
        listed.filter((x) => x.Overview!.Status === status).map((x) => x.AssociationId),
      );
    }
    expect(
      await list([
        { key: 'AssociationName', value: 'alpha' },
        { key: 'AssociationName', value: 'beta' },
      ]),
    ).toEqual([a.AssociationId, b.AssociationId]);
    expect(
      await list([
        { key: 'AssociationName', value: 'alpha' },
        { key: 'InstanceId', value: DB },
      ]),
    ).toEqual([]);
    expect(await list([{ key: 'LastExecutedBefore', value: '2029-12-31T00:00:00Z' }])).toEqual([]);
    const badDate = await errorOf(() =>
      ssm.send(
        new ListAssociationsCommand({ AssociationFilterList: [{ key: 'LastExecutedAfter', value: 'soon' }] }),
      ),
    );
    expect(badDate.name).toBe('ValidationException');

    const first = await ssm.send(new ListAssociationsCommand({ MaxResults: 2 }));
    expect(first.Associations!.map((x) => x.AssociationId)).toEqual([a.AssociationId, b.AssociationId]);
    expect(first.Associations![0]).toMatchObject({
      Name: 'AWS-RunShellScript',
      AssociationVersion: '1',
      DocumentVersion: '$DEFAULT',
      AssociationName: 'alpha',
    });
    const second = await ssm.send(new ListAssociationsCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(second.Associations!.map((x) => x.AssociationId)).toEqual([c.AssociationId]);
    expect(second.NextToken).toBeUndefined();
    const bad = await errorOf(() => ssm.send(new ListAssociationsCommand({ NextToken: 'garbage' })));
    expect(bad.name).toBe('InvalidNextToken');
  });

  it('deletes an association with all its versions', async () => {
    const { AssociationId } = await create();
    await ssm.send(new UpdateAssociationCommand({ AssociationId, ...RUN }));
    await ssm.send(new DeleteAssociationCommand({ AssociationId }));
    expect((await errorOf(() => describeById(AssociationId!))).name).toBe('AssociationDoesNotExist');
    expect((await ssm.send(new ListAssociationsCommand({}))).Associations).toEqual([]);
    const tags = await errorOf(() =>
      ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Association', ResourceId: AssociationId! })),
    );
    expect(tags.name).toBe('InvalidResourceId');
  });

  it('describes the associations that target an instance now, with the document content', async () => {
    const byTag = await create();
    const all = await create({ Targets: [{ Key: 'InstanceIds', Values: ['*'] }] });
    const byKey = await create({ Targets: [{ Key: 'tag-key', Values: ['Backup'] }] });
    const both = await create({
      Targets: [
        { Key: 'tag:Role', Values: ['web', 'db'] },
        { Key: 'tag:Env', Values: ['prod'] },
      ],
    });
    const legacy = await create({ Targets: undefined, InstanceId: DB });
    const effective = async (instanceId: string) =>
      (await ssm.send(new DescribeEffectiveInstanceAssociationsCommand({ InstanceId: instanceId })))
        .Associations!;
    const web1 = await effective(WEB1);
    expect(web1.map((x) => x.AssociationId)).toEqual([
      byTag.AssociationId,
      all.AssociationId,
      both.AssociationId,
    ]);
    expect(web1[0]).toMatchObject({ InstanceId: WEB1, AssociationVersion: '1' });
    expect(JSON.parse(web1[0]!.Content!)).toMatchObject({ schemaVersion: expect.any(String) });
    expect((await effective(DB)).map((x) => x.AssociationId)).toEqual([
      all.AssociationId,
      byKey.AssociationId,
      legacy.AssociationId,
    ]);

    const page = await ssm.send(
      new DescribeEffectiveInstanceAssociationsCommand({ InstanceId: WEB1, MaxResults: 2 }),
    );
    expect(page.Associations).toHaveLength(2);
    const rest = await ssm.send(
      new DescribeEffectiveInstanceAssociationsCommand({
        InstanceId: WEB1,
        MaxResults: 2,
        NextToken: page.NextToken,
      }),
    );
    expect(rest.Associations!.map((x) => x.AssociationId)).toEqual([both.AssociationId]);

    const unknown = await errorOf(() =>
      ssm.send(new DescribeEffectiveInstanceAssociationsCommand({ InstanceId: 'i-0000000000000000f' })),
    );
    expect(unknown.name).toBe('InvalidInstanceId');
  });

  it('tags associations at creation and through the tagging operations', async () => {
    const { AssociationId } = await create({ Tags: [{ Key: 'team', Value: 'ops' }] });
    const read = async () =>
      (
        await ssm.send(
          new ListTagsForResourceCommand({ ResourceType: 'Association', ResourceId: AssociationId! }),
        )
      ).TagList;
    expect(await read()).toEqual([{ Key: 'team', Value: 'ops' }]);
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Association',
        ResourceId: AssociationId!,
        Tags: [{ Key: 'env', Value: 'prod' }],
      }),
    );
    expect(await read()).toEqual([
      { Key: 'team', Value: 'ops' },
      { Key: 'env', Value: 'prod' },
    ]);
  });

  it('checks parameters against the document, with its own declarations', async () => {
    await ssm.send(
      new CreateDocumentCommand({
        Name: 'Greet',
        DocumentType: 'Command',
        Content: JSON.stringify({
          schemaVersion: '2.2',
          parameters: { who: { type: 'String', allowedValues: ['world', 'team'] } },
          mainSteps: [
            { action: 'aws:runShellScript', name: 'greet', inputs: { runCommand: ['echo {{ who }}'] } },
          ],
        }),
      }),
    );
    const targets = [{ Key: 'tag:Role', Values: ['web'] }];
    const ok = await create({ Name: 'Greet', Parameters: { who: ['team'] }, Targets: targets });
    expect(ok.Name).toBe('Greet');
    const bad = await fails({ Name: 'Greet', Parameters: { who: ['moon'] }, Targets: targets });
    expect(bad.name).toBe('InvalidParameters');
  });
});
