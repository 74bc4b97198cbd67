// DescribeInstanceInformation, GetConnectionStatus and ManagedInstance tags against a fleet of two
// real containers: an EC2-style i- instance and a hybrid mi- instance. Then what stopping, pausing
// and killing the agent of those containers makes of them, to SSM and to Run Command.
import {
  AddTagsToResourceCommand,
  DescribeInstanceInformationCommand,
  GetConnectionStatusCommand,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  SendCommandCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import Modem from 'docker-modem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { AGENT_RESTART_MS } from '../src/docker/agent-executor.js';
import { AGENT_PATH } from '../src/docker/agent-session.js';
import {
  commandSettled,
  dockerExec,
  eventually,
  getInvocation,
  runShell,
  settled,
} from './commands-helpers.js';
import { errorOf } from './support/server.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('instances');

const EC2_ID = 'i-0a1b2c3d4e5f60718';
const MANAGED_ID = 'mi-0f1e2d3c4b5a69788';
const ACCOUNT = '000000000000';

/** Real time, which a test can move on to reach the agent's restart without waiting for it. */
const clock = new FakeClock(Date.now(), { running: true });

/** How many times dockerode dialled the engine while fn ran. */
async function engineCallsDuring(fn: () => Promise<void>): Promise<number> {
  const dial = Modem.prototype.dial;
  let calls = 0;
  Modem.prototype.dial = function (this: Modem, ...args: Parameters<typeof dial>) {
    calls++;
    dial.apply(this, args);
  };
  try {
    await fn();
  } finally {
    Modem.prototype.dial = dial;
  }
  return calls;
}

describe.skipIf(!hasDocker)('managed instances in Docker', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;

  const describeAll = async (Filters?: InstanceInformationStringFilter[]): Promise<InstanceInformation[]> =>
    (await ssm.send(new DescribeInstanceInformationCommand({ Filters }))).InstanceInformationList ?? [];
  const ids = async (Filters?: InstanceInformationStringFilter[]) =>
    (await describeAll(Filters)).map((i) => i.InstanceId).sort();

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'Web Server 1', id: EC2_ID, tags: { Role: 'web', Tier: 'front' } },
        {
          name: 'onprem-db',
          id: MANAGED_ID,
          iamRole: 'SSMServiceRole',
          tags: [{ Key: 'Role', Value: 'db' }],
        },
      ],
      options: { clock },
    });
    ssm = server.client();
  });
  afterAll(async () => server?.stop());

  it('describes each instance with facts read from its container', async () => {
    const before = Date.now();
    const list = await describeAll();
    expect(list.map((i) => i.InstanceId).sort()).toEqual([EC2_ID, MANAGED_ID]);
    const ec2 = list.find((i) => i.InstanceId === EC2_ID)!;
    const inspect = await server.docker
      .getContainer(server.instances.find((i) => i.instanceId === EC2_ID)!.containerId)
      .inspect();
    const ip = Object.values(inspect.NetworkSettings.Networks)[0]!.IPAddress;
    expect(ec2).toEqual({
      InstanceId: EC2_ID,
      PingStatus: 'Online',
      LastPingDateTime: expect.any(Date),
      AgentVersion: '3.3.1611.0',
      IsLatestVersion: true,
      PlatformType: 'Linux',
      PlatformName: 'Debian GNU/Linux',
      PlatformVersion: '12',
      ResourceType: 'EC2Instance',
      IPAddress: ip,
      ComputerName: 'web-server-1',
      SourceId: EC2_ID,
      SourceType: 'AWS::EC2::Instance',
    });
    expect(ec2.LastPingDateTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    const managed = list.find((i) => i.InstanceId === MANAGED_ID)!;
    expect(managed).toMatchObject({
      PingStatus: 'Online',
      ResourceType: 'ManagedInstance',
      Name: 'onprem-db',
      IamRole: 'SSMServiceRole',
      ComputerName: 'onprem-db',
      RegistrationDate: expect.any(Date),
      SourceType: 'AWS::SSM::ManagedInstance',
    });
    expect(managed).not.toHaveProperty('AssociationStatus');
    expect(managed).not.toHaveProperty('ActivationId');
    // Facts are cached: a second call is quick.
    const started = performance.now();
    await describeAll();
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('filters by the Filters keys and tags', async () => {
    expect(await ids([{ Key: 'InstanceIds', Values: [EC2_ID, 'i-00000000000000000'] }])).toEqual([EC2_ID]);
    expect(await ids([{ Key: 'ResourceType', Values: ['ManagedInstance'] }])).toEqual([MANAGED_ID]);
    expect(await ids([{ Key: 'PingStatus', Values: ['Online'] }])).toEqual([EC2_ID, MANAGED_ID]);
    expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost'] }])).toEqual([]);
    expect(await ids([{ Key: 'PlatformTypes', Values: ['Linux'] }])).toEqual([EC2_ID, MANAGED_ID]);
    expect(await ids([{ Key: 'PlatformTypes', Values: ['Windows'] }])).toEqual([]);
    expect(await ids([{ Key: 'IamRole', Values: ['SSMServiceRole'] }])).toEqual([MANAGED_ID]);
    expect(await ids([{ Key: 'AgentVersion', Values: ['3.3.1611.0'] }])).toEqual([EC2_ID, MANAGED_ID]);
    expect(await ids([{ Key: 'AssociationStatus', Values: ['Success'] }])).toEqual([]);
    expect(await ids([{ Key: 'tag:Role', Values: ['web', 'other'] }])).toEqual([EC2_ID]);
    expect(await ids([{ Key: 'tag:Name', Values: ['Web Server 1'] }])).toEqual([EC2_ID]);
    expect(await ids([{ Key: 'tag-key', Values: ['Tier'] }])).toEqual([EC2_ID]);
    expect(
      await ids([
        { Key: 'tag-key', Values: ['Role'] },
        { Key: 'tag:Role', Values: ['db'] },
      ]),
    ).toEqual([MANAGED_ID]);
    const legacy = await ssm.send(
      new DescribeInstanceInformationCommand({
        InstanceInformationFilterList: [{ key: 'ResourceType', valueSet: ['EC2Instance'] }],
      }),
    );
    expect(legacy.InstanceInformationList!.map((i) => i.InstanceId)).toEqual([EC2_ID]);
  });

  it('answers AWS errors for bad filters, page sizes and tokens', async () => {
    let error = await errorOf(() =>
      describeAll([{ Key: 'ResourceType', Values: ['EC2Instance', 'ManagedInstance'] }]),
    );
    expect(error.name).toBe('InvalidInstanceInformationFilterValue');
    expect(error.message).toBe('ResourceType filter may contain only one value.');
    error = await errorOf(() => describeAll([{ Key: 'ResourceType', Values: ['Document'] }]));
    expect(error.message).toBe(
      'ResourceType filter is invalid, valid values are EC2Instance, ManagedInstance',
    );
    error = await errorOf(() => describeAll([{ Key: 'PingStatus', Values: ['Up'] }]));
    expect(error.name).toBe('InvalidInstanceInformationFilterValue');
    error = await errorOf(() => describeAll([{ Key: 'tag-keys', Values: ['x'] }]));
    expect(error.name).toBe('InvalidFilterKey');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    error = await errorOf(() => describeAll([{ Key: 'tag:', Values: ['x'] }]));
    expect(error.name).toBe('InvalidFilterKey');
    error = await errorOf(() =>
      describeAll([
        { Key: 'tag:Role', Values: ['web'] },
        { Key: 'PingStatus', Values: ['Online'] },
      ]),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('Cannot mix tag or inventory filter with any other filter.');
    error = await errorOf(() => describeAll([{ Key: 'InstanceIds', Values: ['not-an-id'] }]));
    expect(error.name).toBe('InvalidInstanceId');
    error = await errorOf(() =>
      ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'PingStatus', Values: ['Online'] }],
          InstanceInformationFilterList: [{ key: 'PingStatus', valueSet: ['Online'] }],
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    error = await errorOf(() => ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 4 })));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value '4' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 5",
    );
    error = await errorOf(() => ssm.send(new DescribeInstanceInformationCommand({ NextToken: 'garbage' })));
    expect(error.name).toBe('InvalidNextToken');
    const page = await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }));
    expect(page.InstanceInformationList).toHaveLength(2);
    expect(page.NextToken).toBeUndefined();
  });

  it('sees nothing of the fleet from another account or region', async () => {
    const other = server.client('eu-west-1');
    expect((await other.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList).toEqual(
      [],
    );
    const status = await other.send(new GetConnectionStatusCommand({ Target: EC2_ID }));
    expect(status.Status).toBe('notconnected');
  });

  it('tags mi- instances through the tagging operations; i- instances keep their EC2 tags', async () => {
    const listTags = async () =>
      (
        await ssm.send(
          new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId: MANAGED_ID }),
        )
      ).TagList;
    expect(await listTags()).toEqual([{ Key: 'Role', Value: 'db' }]);
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'ManagedInstance',
        ResourceId: MANAGED_ID,
        Tags: [
          { Key: 'Owner', Value: 'ops' },
          { Key: 'Role', Value: 'database' },
        ],
      }),
    );
    expect(await listTags()).toEqual([
      { Key: 'Role', Value: 'database' },
      { Key: 'Owner', Value: 'ops' },
    ]);
    expect(await ids([{ Key: 'tag:Owner', Values: ['ops'] }])).toEqual([MANAGED_ID]);
    const fleetView = await server.fleetApi.get('000000000000', 'us-east-1', MANAGED_ID);
    expect(fleetView?.tags).toContainEqual({ Key: 'Owner', Value: 'ops' });
    await ssm.send(
      new RemoveTagsFromResourceCommand({
        ResourceType: 'ManagedInstance',
        ResourceId: MANAGED_ID,
        TagKeys: ['Owner'],
      }),
    );
    expect(await listTags()).toEqual([{ Key: 'Role', Value: 'database' }]);
    expect(await ids([{ Key: 'tag:Owner', Values: ['ops'] }])).toEqual([]);

    for (const ResourceId of [EC2_ID, 'mi-00000000000000000']) {
      const error = await errorOf(() =>
        ssm.send(new ListTagsForResourceCommand({ ResourceType: 'ManagedInstance', ResourceId })),
      );
      expect(error.name).toBe('InvalidResourceId');
    }
  });

  it('answers from the container list it watches: no engine call per request while nothing changes', async () => {
    await describeAll();
    const engineCalls = await engineCallsDuring(async () => {
      for (let i = 0; i < 5; i++) expect(await ids()).toEqual([EC2_ID, MANAGED_ID]);
      expect((await ssm.send(new GetConnectionStatusCommand({ Target: EC2_ID }))).Status).toBe('connected');
    });
    expect(engineCalls).toBe(0);
  });

  const container = (instanceId: string) =>
    server.docker.getContainer(server.instances.find((i) => i.instanceId === instanceId)!.containerId);
  const pingStatus = async (instanceId: string) =>
    (await describeAll([{ Key: 'InstanceIds', Values: [instanceId] }]))[0]?.PingStatus ?? 'absent';
  const waitForPing = (instanceId: string, wanted: string, timeoutMs = 30_000) =>
    eventually(
      () => pingStatus(instanceId),
      (status) => status === wanted,
      timeoutMs,
      100,
    );
  const connection = async (Target: string) =>
    (await ssm.send(new GetConnectionStatusCommand({ Target }))).Status;
  const sendById = (InstanceIds: string[]) =>
    ssm.send(
      new SendCommandCommand({
        DocumentName: 'AWS-RunShellScript',
        Parameters: { commands: ['true'] },
        InstanceIds,
      }),
    );

  it('leaves a stopped i- instance out of SSM until it runs again: same id, tags and files', async () => {
    await dockerExec(server.docker, container(EC2_ID).id, ['touch', '/root/kept']);
    expect(await connection(EC2_ID)).toBe('connected');
    await container(EC2_ID).stop({ t: 1 });
    try {
      expect(await ids()).toEqual([MANAGED_ID]);
      expect(await ids([{ Key: 'InstanceIds', Values: [EC2_ID] }])).toEqual([]);
      expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost', 'Inactive'] }])).toEqual([]);
      expect(await ids([{ Key: 'ResourceType', Values: ['EC2Instance'] }])).toEqual([]);
      expect(await ids([{ Key: 'tag:Role', Values: ['web'] }])).toEqual([]);
      expect(
        (await ssm.send(new DescribeInstanceInformationCommand({ MaxResults: 5 }))).InstanceInformationList,
      ).toHaveLength(1);
      expect(await connection(EC2_ID)).toBe('notconnected');
      expect(await server.fleetApi.get(ACCOUNT, 'us-east-1', EC2_ID)).toBeUndefined();
      // Run Command: not in a valid state by id, and no tag reaches it.
      const refused = await errorOf(() => sendById([EC2_ID]));
      expect(refused.name).toBe('InvalidInstanceId');
      expect(refused.message).toBe(`Instances [[${EC2_ID}]] not in a valid state for account ${ACCOUNT}`);
      const byTag = await runShell(ssm, ['true'], { Targets: [{ Key: 'tag:Tier', Values: ['front'] }] });
      expect(byTag.TargetCount).toBe(0);
      // The administration still lists it, as Stopped.
      expect((await server.admin.listAll()).find((i) => i.instanceId === EC2_ID)?.pingStatus).toBe('Stopped');
    } finally {
      await container(EC2_ID).start();
    }
    await waitForPing(EC2_ID, 'Online');
    expect(await ids([{ Key: 'tag:Role', Values: ['web'] }])).toEqual([EC2_ID]);
    expect(await connection(EC2_ID)).toBe('connected');
    const command = await runShell(ssm, ['ls /root/kept'], { InstanceIds: [EC2_ID] });
    expect(await settled(ssm, command.CommandId!, EC2_ID)).toMatchObject({
      Status: 'Success',
      StandardOutputContent: '/root/kept\n',
    });
    expect((await ssm.send(new GetConnectionStatusCommand({ Target: 'i-99999999999999999' }))).Status).toBe(
      'notconnected',
    );
  });

  it('reports a stopped mi- instance ConnectionLost since it stopped, Undeliverable by tag', async () => {
    await container(MANAGED_ID).stop({ t: 1 });
    try {
      const finishedAt = Date.parse((await container(MANAGED_ID).inspect()).State.FinishedAt);
      const lost = (await describeAll()).find((i) => i.InstanceId === MANAGED_ID)!;
      expect(lost).toMatchObject({
        PingStatus: 'ConnectionLost',
        LastPingDateTime: new Date(finishedAt),
        PlatformName: 'Debian GNU/Linux',
        Name: 'onprem-db',
      });
      expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost'] }])).toEqual([MANAGED_ID]);
      expect(await connection(MANAGED_ID)).toBe('notconnected');
      expect((await server.fleetApi.get(ACCOUNT, 'us-east-1', MANAGED_ID))?.online).toBe(false);
      expect((await errorOf(() => sendById([MANAGED_ID]))).name).toBe('InvalidInstanceId');
      const command = await runShell(ssm, ['true'], {
        Targets: [{ Key: 'tag:Role', Values: ['db', 'database'] }],
      });
      expect(command.TargetCount).toBe(1);
      expect(await getInvocation(ssm, command.CommandId!, MANAGED_ID)).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Undeliverable',
      });
    } finally {
      await container(MANAGED_ID).start();
    }
    await waitForPing(MANAGED_ID, 'Online');
  });

  it('reports a paused container ConnectionLost, refused by Run Command until it is unpaused', async () => {
    await container(EC2_ID).pause();
    try {
      expect(await pingStatus(EC2_ID)).toBe('ConnectionLost');
      expect(await connection(EC2_ID)).toBe('notconnected');
      expect((await errorOf(() => sendById([EC2_ID]))).name).toBe('InvalidInstanceId');
    } finally {
      await container(EC2_ID).unpause();
    }
    expect(await pingStatus(EC2_ID)).toBe('Online');
    const command = await runShell(ssm, ['echo awake'], { InstanceIds: [EC2_ID] });
    expect((await settled(ssm, command.CommandId!, EC2_ID)).StandardOutputContent).toBe('awake\n');
  });

  const killAgent = async (instanceId: string) => {
    // A script that kills the agent ends with it (the agent no longer reports its exit).
    const command = await runShell(ssm, [`pkill -f ${AGENT_PATH}`], { InstanceIds: [instanceId] });
    expect((await commandSettled(ssm, command.CommandId!)).Status).toBe('Failed');
    await waitForPing(instanceId, 'ConnectionLost', 10_000);
  };

  it('reports ConnectionLost once a script kills the agent, until the agent restarts 90 s later', async () => {
    await killAgent(EC2_ID);
    expect(await connection(EC2_ID)).toBe('notconnected');
    expect((await errorOf(() => sendById([EC2_ID]))).name).toBe('InvalidInstanceId');
    expect((await server.fleetApi.get(ACCOUNT, 'us-east-1', EC2_ID))?.online).toBe(false);
    // The container runs on: it stays listed, with its facts.
    expect((await describeAll()).find((i) => i.InstanceId === EC2_ID)).toMatchObject({
      PlatformName: 'Debian GNU/Linux',
      ComputerName: 'web-server-1',
    });
    await clock.advance(AGENT_RESTART_MS - 1000);
    expect(await pingStatus(EC2_ID)).toBe('ConnectionLost');
    await clock.advance(1000);
    expect(await pingStatus(EC2_ID)).toBe('Online');
    const command = await runShell(ssm, ['echo back'], { InstanceIds: [EC2_ID] });
    expect((await settled(ssm, command.CommandId!, EC2_ID)).StandardOutputContent).toBe('back\n');
  });

  it('brings an instance whose agent died back at once when its container starts again (a boot)', async () => {
    await killAgent(MANAGED_ID);
    await container(MANAGED_ID).restart({ t: 1 });
    await waitForPing(MANAGED_ID, 'Online', 10_000);
    expect(await connection(MANAGED_ID)).toBe('connected');
  });

  it('answers from the container list after all that: still no engine call per request', async () => {
    await describeAll();
    const engineCalls = await engineCallsDuring(async () => {
      for (let i = 0; i < 3; i++) expect(await ids()).toEqual([EC2_ID, MANAGED_ID]);
    });
    expect(engineCalls).toBe(0);
  });
});
