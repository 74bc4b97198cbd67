// DescribeInstanceInformation, GetConnectionStatus and ManagedInstance tags against a fleet of two
// real containers: an EC2-style i- instance and a hybrid mi- instance.
import {
  AddTagsToResourceCommand,
  DescribeInstanceInformationCommand,
  GetConnectionStatusCommand,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  type InstanceInformation,
  type InstanceInformationStringFilter,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import Modem from 'docker-modem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf } from './support/server.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('instances');

const EC2_ID = 'i-0a1b2c3d4e5f60718';
const MANAGED_ID = 'mi-0f1e2d3c4b5a69788';

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
      "1 validation error detected: Value 4 at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 5",
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
    const dial = Modem.prototype.dial;
    let engineCalls = 0;
    Modem.prototype.dial = function (this: Modem, ...args: Parameters<typeof dial>) {
      engineCalls++;
      dial.apply(this, args);
    };
    try {
      for (let i = 0; i < 5; i++) expect(await ids()).toEqual([EC2_ID, MANAGED_ID]);
      expect((await ssm.send(new GetConnectionStatusCommand({ Target: EC2_ID }))).Status).toBe('connected');
    } finally {
      Modem.prototype.dial = dial;
    }
    expect(engineCalls).toBe(0);
  });

  it('reports ConnectionLost while a container is stopped, and Online again once it runs', async () => {
    const container = server.docker.getContainer(
      server.instances.find((i) => i.instanceId === EC2_ID)!.containerId,
    );
    expect((await ssm.send(new GetConnectionStatusCommand({ Target: EC2_ID }))).Status).toBe('connected');
    await container.stop({ t: 1 });
    try {
      const lost = (await describeAll()).find((i) => i.InstanceId === EC2_ID)!;
      expect(lost.PingStatus).toBe('ConnectionLost');
      expect(lost.PlatformName).toBe('Debian GNU/Linux');
      expect(await ids([{ Key: 'PingStatus', Values: ['ConnectionLost'] }])).toEqual([EC2_ID]);
      expect((await ssm.send(new GetConnectionStatusCommand({ Target: EC2_ID }))).Status).toBe(
        'notconnected',
      );
      expect((await server.fleetApi.get('000000000000', 'us-east-1', EC2_ID))?.online).toBe(false);
    } finally {
      await container.start();
    }
    expect((await describeAll()).find((i) => i.InstanceId === EC2_ID)!.PingStatus).toBe('Online');
    expect((await ssm.send(new GetConnectionStatusCommand({ Target: 'i-99999999999999999' }))).Status).toBe(
      'notconnected',
    );
  });
});
