// The instances capability over a MemoryFleet and a fake executor: no Docker, no containers, so the
// operations, the fleet's administration, its engine retry and what stopped and silent instances
// are to SSM and Run Command run in milliseconds on a FakeClock.
import {
  AddTagsToResourceCommand,
  CreateActivationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  DeregisterManagedInstanceCommand,
  DescribeActivationsCommand,
  DescribeInstanceInformationCommand,
  GetConnectionStatusCommand,
  ListTagsForResourceCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import type { InstanceExecutor } from '../src/docker/executor.js';
import { EXECUTOR, FLEET, FLEET_ADMIN } from '../src/instances/api.js';
import { instancesCapability, MemoryFleet, type MemoryInstance } from '../src/instances/index.js';
import { tagsCapability } from '../src/tags/index.js';
import { FakeExecutor } from './support/fake-executor.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const WEB_1 = 'i-0000000000000000a';
const WEB_2 = 'i-0000000000000000b';
const DB = 'mi-0000000000000000c';
const START = Date.parse('2024-05-01T12:00:00Z');

/** Runs nothing: answers which handle it was given, which is all these tests need of it. */
const fakeExecutor: InstanceExecutor = {
  available: async () => true,
  exec: async (containerId) => ({
    result: Promise.resolve({ exitCode: 0, stdout: containerId, stderr: '', containerLost: false }),
    kill: async () => undefined,
  }),
};

const declared = (): MemoryInstance[] => [
  { id: WEB_1, name: 'web-1', tags: { Role: 'web' }, ipAddress: '10.0.0.1' },
  { id: WEB_2, name: 'web-2', tags: { Role: 'web', Tier: 'front' } },
  {
    id: DB,
    name: 'db-1',
    tags: [{ Key: 'Role', Value: 'db' }],
    iamRole: 'SSMServiceRole',
    platformName: 'Ubuntu',
    platformVersion: '22.04',
    ipAddress: '10.0.0.3',
  },
  // Enough for a second page at the smallest page size (5).
  ...[1, 2, 3].map((n) => ({ id: `i-000000000000000f${n}`, name: `filler-${n}`, tags: { Role: 'filler' } })),
];

async function startMemoryServer(fleet: MemoryFleet, clock: FakeClock): Promise<TestServer> {
  const server = await startTestServer({
    clock,
    capabilities: [tagsCapability(), instancesCapability({ fleet, executor: fakeExecutor })],
  });
  await server.ssm.runtime.services.registry.get(FLEET).whenReady();
  return server;
}

describe('instances over a MemoryFleet', () => {
  const clock = new FakeClock(START);
  const fleet = new MemoryFleet(declared());
  let server: TestServer;
  let ssm: SSMClient;
  const describeAll = async (Filters?: InstanceInformationStringFilter[]): Promise<InstanceInformation[]> =>
    (await ssm.send(new DescribeInstanceInformationCommand({ Filters }))).InstanceInformationList ?? [];
  const ids = async (Filters?: InstanceInformationStringFilter[]) =>
    (await describeAll(Filters)).map((i) => i.InstanceId).sort();
  const status = async (Target: string) =>
    (await ssm.send(new GetConnectionStatusCommand({ Target }))).Status;

  beforeAll(async () => {
    server = await startMemoryServer(fleet, clock);
    ssm = server.client();
  });
  afterAll(async () => server?.stop());

  it('provides the fleet, the given executor and the administration', async () => {
    const { registry } = server.ssm.runtime.services;
    expect(registry.get(EXECUTOR)).toBe(fakeExecutor);
    expect(registry.get(FLEET_ADMIN).status()).toEqual({ up: true, detail: 'fleet "memory": 6 instance(s)' });
    const web1 = await registry.get(FLEET).get('000000000000', 'us-east-1', WEB_1);
    expect(web1).toMatchObject({ containerId: WEB_1, name: 'web-1', online: true, platformType: 'Linux' });
  });

  it('describes every declared instance as Online, with its declared facts', async () => {
    const list = await describeAll();
    expect(list).toHaveLength(6);
    expect(list.every((i) => i.PingStatus === 'Online')).toBe(true);
    expect(list.find((i) => i.InstanceId === WEB_1)).toEqual({
      InstanceId: WEB_1,
      PingStatus: 'Online',
      LastPingDateTime: new Date(START),
      AgentVersion: '3.3.1611.0',
      IsLatestVersion: true,
      PlatformType: 'Linux',
      ResourceType: 'EC2Instance',
      IPAddress: '10.0.0.1',
      ComputerName: 'web-1',
      SourceId: WEB_1,
      SourceType: 'AWS::EC2::Instance',
    });
    expect(list.find((i) => i.InstanceId === DB)).toMatchObject({
      ResourceType: 'ManagedInstance',
      Name: 'db-1',
      IamRole: 'SSMServiceRole',
      PlatformName: 'Ubuntu',
      PlatformVersion: '22.04',
      RegistrationDate: new Date(START),
      SourceType: 'AWS::SSM::ManagedInstance',
    });
    expect(await status(WEB_1)).toBe('connected');
    expect(await status('i-99999999999999999')).toBe('notconnected');
  });

  it('filters by tags, the Name tag of i- instances included', async () => {
    expect(await ids([{ Key: 'tag:Role', Values: ['web'] }])).toEqual([WEB_1, WEB_2]);
    expect(await ids([{ Key: 'tag:Name', Values: ['web-2'] }])).toEqual([WEB_2]);
    expect(await ids([{ Key: 'tag-key', Values: ['Tier'] }])).toEqual([WEB_2]);
    expect(await ids([{ Key: 'tag:Role', Values: ['db', 'none'] }])).toEqual([DB]);
    const mixed = await errorOf(() =>
      describeAll([
        { Key: 'tag:Role', Values: ['web'] },
        { Key: 'PingStatus', Values: ['Online'] },
      ]),
    );
    expect(mixed.name).toBe('ValidationException');
  });

  it('reports ConnectionLost, since when, once an instance goes offline, and Online again', async () => {
    fleet.setOnline(WEB_2, false);
    await clock.advance(60_000);
    try {
      const lost = (await describeAll()).find((i) => i.InstanceId === WEB_2)!;
      expect(lost).toMatchObject({ PingStatus: 'ConnectionLost', LastPingDateTime: new Date(START) });
      expect((await describeAll()).find((i) => i.InstanceId === WEB_1)!.LastPingDateTime).toEqual(
        new Date(START + 60_000),
      );
      expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost'] }])).toEqual([WEB_2]);
      expect(await status(WEB_2)).toBe('notconnected');
      expect(
        (await server.ssm.runtime.services.registry.get(FLEET).list('000000000000', 'us-east-1')).find(
          (i) => i.instanceId === WEB_2,
        )?.online,
      ).toBe(false);
    } finally {
      fleet.setOnline(WEB_2, true);
    }
    expect(await status(WEB_2)).toBe('connected');
  });

  it('leaves a stopped i- instance out of every listing, and lists it Online again once it runs', async () => {
    const fleetApi = server.ssm.runtime.services.registry.get(FLEET);
    const admin = server.ssm.runtime.services.registry.get(FLEET_ADMIN);
    fleet.setState(WEB_2, 'stopped');
    try {
      expect(await ids()).toEqual([WEB_1, ...['f1', 'f2', 'f3'].map((n) => `i-000000000000000${n}`), DB]);
      expect(await ids([{ Key: 'InstanceIds', Values: [WEB_2] }])).toEqual([]);
      expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost', 'Inactive'] }])).toEqual([]);
      expect(await ids([{ Key: 'tag:Role', Values: ['web'] }])).toEqual([WEB_1]);
      expect(await ids([{ Key: 'tag-key', Values: ['Tier'] }])).toEqual([]);
      const legacy = await ssm.send(
        new DescribeInstanceInformationCommand({
          InstanceInformationFilterList: [{ key: 'InstanceIds', valueSet: [WEB_2] }],
        }),
      );
      expect(legacy.InstanceInformationList).toEqual([]);
      // Five managed nodes are one page of five: no second page holds the stopped one.
      const page = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
      expect(page.InstanceInformationList).toHaveLength(5);
      expect(page.NextToken).toBeUndefined();
      expect(await status(WEB_2)).toBe('notconnected');
      expect(await fleetApi.get('000000000000', 'us-east-1', WEB_2)).toBeUndefined();
      expect((await fleetApi.list('000000000000', 'us-east-1')).map((i) => i.instanceId)).not.toContain(
        WEB_2,
      );
      // The administration still knows it.
      expect((await admin.listAll()).find((i) => i.instanceId === WEB_2)).toMatchObject({
        pingStatus: 'Stopped',
        tags: [
          { Key: 'Name', Value: 'web-2' },
          { Key: 'Role', Value: 'web' },
          { Key: 'Tier', Value: 'front' },
        ],
      });
    } finally {
      fleet.setState(WEB_2, 'online');
    }
    const back = (await describeAll([{ Key: 'InstanceIds', Values: [WEB_2] }]))[0];
    expect(back).toMatchObject({ InstanceId: WEB_2, PingStatus: 'Online', ComputerName: 'web-2' });
    expect(await ids([{ Key: 'tag-key', Values: ['Tier'] }])).toEqual([WEB_2]);
    expect(await status(WEB_2)).toBe('connected');
  });

  it('reports a stopped mi- instance ConnectionLost since it stopped: AWS cannot see it stop', async () => {
    const stoppedAt = clock.now().getTime();
    fleet.setState(DB, 'stopped');
    await clock.advance(30_000);
    try {
      expect((await describeAll()).find((i) => i.InstanceId === DB)).toMatchObject({
        PingStatus: 'ConnectionLost',
        LastPingDateTime: new Date(stoppedAt),
        PlatformName: 'Ubuntu',
        ResourceType: 'ManagedInstance',
      });
      expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost'] }])).toEqual([DB]);
      expect(await status(DB)).toBe('notconnected');
      const fleetApi = server.ssm.runtime.services.registry.get(FLEET);
      expect(await fleetApi.get('000000000000', 'us-east-1', DB)).toMatchObject({ online: false });
      const admin = server.ssm.runtime.services.registry.get(FLEET_ADMIN);
      expect((await admin.listAll()).find((i) => i.instanceId === DB)!.pingStatus).toBe('ConnectionLost');
    } finally {
      fleet.setState(DB, 'online');
    }
    expect(await status(DB)).toBe('connected');
  });

  it('binds each NextToken to the operation that issued it', async () => {
    const instancesPage = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    expect(instancesPage.InstanceInformationList).toHaveLength(5);
    expect(instancesPage.NextToken).toBeDefined();
    const rest = await ssm.send(
      new DescribeInstanceInformationCommand({ MaxResults: 5, NextToken: instancesPage.NextToken }),
    );
    expect(rest.InstanceInformationList).toHaveLength(1);

    for (let i = 0; i < 2; i++) await ssm.send(new CreateActivationCommand({ IamRole: 'PagedRole' }));
    const activationsPage = await ssm.send(new DescribeActivationsCommand({ MaxResults: 1 }));
    expect(activationsPage.NextToken).toBeDefined();

    let error = await errorOf(() =>
      ssm.send(new DescribeActivationsCommand({ NextToken: instancesPage.NextToken })),
    );
    expect(error.name).toBe('InvalidNextToken');
    error = await errorOf(() =>
      ssm.send(new DescribeInstanceInformationCommand({ NextToken: activationsPage.NextToken })),
    );
    expect(error.name).toBe('InvalidNextToken');
  });

  it('adds, tags, deregisters and removes instances through the administration, without Docker', async () => {
    const admin = server.ssm.runtime.services.registry.get(FLEET_ADMIN);
    const added = await admin.add({ name: 'edge-1', hybrid: true, tags: { Site: 'lab' } });
    expect(added).toMatchObject({
      name: 'edge-1',
      containerId: added.instanceId,
      pingStatus: 'Online',
      resourceType: 'ManagedInstance',
      source: 'admin',
      tags: [{ Key: 'Site', Value: 'lab' }],
    });
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'ManagedInstance',
        ResourceId: added.instanceId,
        Tags: [{ Key: 'Owner', Value: 'ops' }],
      }),
    );
    expect(await ids([{ Key: 'tag:Owner', Values: ['ops'] }])).toEqual([added.instanceId]);
    await ssm.send(new DeregisterManagedInstanceCommand({ InstanceId: added.instanceId }));
    expect(await ids()).not.toContain(added.instanceId);
    const untagged = await errorOf(() =>
      ssm.send(
        new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: added.instanceId }),
      ),
    );
    expect(untagged.name).toBe('InvalidResourceId');

    const { ActivationId, ActivationCode } = await ssm.send(
      new CreateActivationCommand({ IamRole: 'HybridRole', DefaultInstanceName: 'reg-1' }),
    );
    const registered = await admin.register({ activationId: ActivationId!, activationCode: ActivationCode! });
    expect(registered).toMatchObject({ name: 'reg-1', source: 'registration', activationId: ActivationId });
    const usedUp = await errorOf(() =>
      admin.register({ activationId: ActivationId!, activationCode: ActivationCode! }),
    );
    expect(usedUp.name).toBe('ActivationLimitExceeded');
    expect(await admin.remove(registered.instanceId)).toBe(true);
    expect(await admin.remove(registered.instanceId)).toBe(false);
    expect(await ids()).toHaveLength(6);
  });
});

describe('a MemoryFleet whose engine is down at start', () => {
  let server: TestServer | undefined;
  afterEach(async () => server?.stop());

  it('has no instances, says why, and retries on the scheduler until the engine answers', async () => {
    const clock = new FakeClock(START);
    const fleet = new MemoryFleet(declared().slice(0, 1));
    fleet.setAvailable(false);
    server = await startMemoryServer(fleet, clock);
    const ssm = server.client();
    const admin = server.ssm.runtime.services.registry.get(FLEET_ADMIN);
    expect(admin.status()).toEqual({
      up: false,
      detail: 'the memory fleet is set unavailable: instances are absent (retrying every 10 s)',
    });
    expect((await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList).toEqual([]);

    fleet.setAvailable(true);
    await clock.advance(9_999);
    expect(admin.status().up).toBe(false);
    await clock.advance(1);
    expect(admin.status()).toEqual({ up: true, detail: 'fleet "memory": 1 instance(s)' });
    const list = (await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList;
    expect(list?.map((i) => i.InstanceId)).toEqual([WEB_1]);
  });
});

describe('Run Command and instances that are stopped or silent (MemoryFleet)', () => {
  const clock = new FakeClock(START);
  const fleet = new MemoryFleet(declared());
  const executor = new FakeExecutor((run) => ({ exitCode: 0, stdout: `ran on ${run.containerId}\n` }));
  let server: TestServer;
  let ssm: SSMClient;

  const send = (request: { InstanceIds?: string[]; Targets?: Array<{ Key: string; Values: string[] }> }) =>
    ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['echo hi'] },
        ...request,
      }),
    );
  const invocation = (CommandId: string, InstanceId: string) =>
    ssm.send(new GetCommandInvocationCommand({ CommandId, InstanceId }));
  /** Lets the engine's promise chains (store writes, scheduling passes) run. */
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  };

  beforeAll(async () => {
    server = await startTestServer({ clock, fleet, executor });
    ssm = server.client();
    await server.ssm.runtime.services.registry.get(FLEET).whenReady();
  });
  afterAll(async () => server?.stop());

  it('refuses a stopped i- instance by id as not in a valid state, and no tag reaches it', async () => {
    fleet.setState(WEB_2, 'stopped');
    try {
      const error = await errorOf(() => send({ InstanceIds: [WEB_1, WEB_2] }));
      expect(error.name).toBe('InvalidInstanceId');
      expect(error.message).toBe(`Instances [[${WEB_2}]] not in a valid state for account 000000000000`);
      const sent = await send({ Targets: [{ Key: 'tag:Role', Values: ['web'] }] });
      expect(sent.Command).toMatchObject({ TargetCount: 1 });
      await settle();
      expect(await invocation(sent.Command!.CommandId!, WEB_1)).toMatchObject({ Status: 'Success' });
      const missing = await errorOf(() => invocation(sent.Command!.CommandId!, WEB_2));
      expect(missing.name).toBe('InvocationDoesNotExist');
    } finally {
      fleet.setState(WEB_2, 'online');
    }
    const sent = await send({ InstanceIds: [WEB_2] });
    await settle();
    expect(await invocation(sent.Command!.CommandId!, WEB_2)).toMatchObject({
      Status: 'Success',
      StandardOutputContent: `ran on ${WEB_2}\n`,
    });
  });

  it('reaches ConnectionLost instances by tag as Undeliverable, and refuses them by id', async () => {
    fleet.setOnline(WEB_2, false);
    fleet.setState(DB, 'stopped');
    try {
      for (const id of [WEB_2, DB]) {
        const error = await errorOf(() => send({ InstanceIds: [id] }));
        expect(error.name).toBe('InvalidInstanceId');
      }
      const sent = await send({ Targets: [{ Key: 'tag:Role', Values: ['web', 'db'] }] });
      expect(sent.Command).toMatchObject({ TargetCount: 3 });
      await settle();
      const commandId = sent.Command!.CommandId!;
      expect(await invocation(commandId, WEB_1)).toMatchObject({ Status: 'Success' });
      for (const id of [WEB_2, DB]) {
        expect(await invocation(commandId, id)).toMatchObject({
          Status: 'Failed',
          StatusDetails: 'Undeliverable',
        });
      }
    } finally {
      fleet.setOnline(WEB_2, true);
      fleet.setState(DB, 'online');
    }
  });

  it('delays an instance that stops before its turn, and delivers once it runs again', async () => {
    executor.rule = (run) => (run.containerId === WEB_1 ? 'wait' : { exitCode: 0, stdout: 'late\n' });
    const before = executor.runs.length;
    try {
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          Parameters: { commands: ['work'] },
          InstanceIds: [WEB_1, WEB_2],
          MaxConcurrency: '1',
        }),
      );
      const commandId = sent.Command!.CommandId!;
      const [first] = (await executor.started(before + 1)).slice(before);
      fleet.setState(WEB_2, 'stopped');
      first!.finish({ exitCode: 0 });
      await settle();
      expect(await invocation(commandId, WEB_2)).toMatchObject({
        Status: 'Delayed',
        StatusDetails: 'Delayed',
      });
      await clock.advance(5_000);
      await settle();
      expect((await invocation(commandId, WEB_2)).Status).toBe('Delayed');
      fleet.setState(WEB_2, 'online');
      await clock.advance(1_000);
      await settle();
      expect(await invocation(commandId, WEB_2)).toMatchObject({
        Status: 'Success',
        StandardOutputContent: 'late\n',
      });
    } finally {
      fleet.setState(WEB_2, 'online');
      executor.rule = (run) => ({ exitCode: 0, stdout: `ran on ${run.containerId}\n` });
    }
  });
});
