// Machines (MACHINES) over a MemoryFleet: EC2's start, stop, terminate and create-image rules and what
// they make of the instance to SSM (DescribeInstanceInformation) and to the fleet's administration,
// without an engine.
import { DescribeInstanceInformationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import type { InstanceExecutor } from '../src/docker/executor.js';
import { FLEET_ADMIN, MACHINES, type FleetAdmin, type Machines } from '../src/instances/api.js';
import { instancesCapability, MemoryFleet } from '../src/instances/index.js';
import { tagsCapability } from '../src/tags/index.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const WEB = 'i-0000000000000000a';
const OTHER = 'i-0000000000000000b';
const ONPREM = 'mi-0000000000000000c';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

const executor: InstanceExecutor = {
  available: async () => true,
  exec: async () => ({
    result: Promise.resolve({ exitCode: 0, stdout: '', stderr: '', containerLost: false }),
    kill: async () => undefined,
  }),
};

describe('Machines over a memory fleet', () => {
  let server: TestServer;
  let ssm: SSMClient;
  let machines: Machines;
  let admin: FleetAdmin;
  const fleet = new MemoryFleet([
    { id: WEB, name: 'web', platformName: 'Debian GNU/Linux', platformVersion: '12' },
    { id: OTHER, name: 'other' },
    { id: ONPREM, name: 'onprem' },
  ]);

  beforeAll(async () => {
    server = await startTestServer({
      clock: new FakeClock(Date.parse('2024-05-01T12:00:00Z')),
      capabilities: [tagsCapability(), instancesCapability({ fleet, executor })],
    });
    ssm = server.client();
    machines = server.ssm.runtime.services.registry.get(MACHINES);
    admin = server.ssm.runtime.services.registry.get(FLEET_ADMIN);
    await admin.whenReady();
  });
  afterAll(async () => server?.stop());

  const listed = async () =>
    ((await ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList ?? [])
      .map((i) => i.InstanceId)
      .sort();

  it('stops and starts an instance, which leaves SSM while stopped; repeating either changes nothing', async () => {
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');
    await machines.start(ACCOUNT, REGION, WEB);
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');

    await machines.stop(ACCOUNT, REGION, WEB);
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('stopped');
    expect(await listed()).toEqual([OTHER, ONPREM].sort());
    expect((await admin.listAll()).find((i) => i.instanceId === WEB)?.pingStatus).toBe('Stopped');
    await machines.stop(ACCOUNT, REGION, WEB, true);
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('stopped');

    await machines.start(ACCOUNT, REGION, WEB);
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');
    expect(await listed()).toEqual([WEB, OTHER, ONPREM].sort());
  });

  it('answers InvalidInstanceId for an instance this account and region does not have, and for mi-', async () => {
    expect(await machines.state(ACCOUNT, REGION, 'i-0000000000000dead')).toBeUndefined();
    expect(await machines.state(ACCOUNT, 'eu-west-1', WEB)).toBeUndefined();
    let error = await errorOf(() => machines.stop(ACCOUNT, REGION, 'i-0000000000000dead'));
    expect(error).toMatchObject({
      name: 'InvalidInstanceId',
      message: "The instance ID 'i-0000000000000dead' does not exist",
    });
    error = await errorOf(() => machines.start(ACCOUNT, 'eu-west-1', WEB));
    expect(error.name).toBe('InvalidInstanceId');
    error = await errorOf(() => machines.stop(ACCOUNT, REGION, ONPREM));
    expect(error.name).toBe('InvalidInstanceId');
    expect(await machines.state(ACCOUNT, REGION, ONPREM)).toBeUndefined();
  });

  it('images an instance and launches a new one from the image; refuses unknown images and taken names', async () => {
    const image = await machines.createImage(ACCOUNT, REGION, WEB, { name: 'web image', description: 'd' });
    expect(image).toEqual({
      imageId: expect.stringMatching(/^ami-[0-9a-f]{17}$/),
      name: 'web image',
      description: 'd',
      state: 'available',
      sourceInstanceId: WEB,
      createdAt: Date.parse('2024-05-01T12:00:00Z'),
      accountId: ACCOUNT,
      region: REGION,
    });
    expect(await machines.image(ACCOUNT, REGION, image.imageId)).toEqual(image);
    expect(await machines.image(ACCOUNT, 'eu-west-1', image.imageId)).toBeUndefined();
    // The reboot EC2 makes for a consistent image leaves the instance running.
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');

    const launched = await admin.add({ name: 'from-image', image: image.imageId });
    expect(launched).toMatchObject({ image: image.imageId, pingStatus: 'Online' });
    const info = (
      await ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'InstanceIds', Values: [launched.instanceId] }],
        }),
      )
    ).InstanceInformationList![0];
    expect(info).toMatchObject({ PlatformName: 'Debian GNU/Linux', ComputerName: 'from-image' });

    const unknown = await errorOf(() => admin.add({ name: 'x', image: 'ami-0000000000000dead' }));
    expect(unknown).toMatchObject({
      name: 'InvalidAMIID.NotFound',
      message: "The image id '[ami-0000000000000dead]' does not exist",
    });
    const otherRegion = await errorOf(() =>
      admin.add({ name: 'x', image: image.imageId, region: 'eu-west-1' }),
    );
    expect(otherRegion.name).toBe('InvalidAMIID.NotFound');
    expect((await errorOf(() => admin.add({ name: 'x', image: 'ami-1' }))).name).toBe('ValidationException');

    const taken = await errorOf(() => machines.createImage(ACCOUNT, REGION, OTHER, { name: 'web image' }));
    expect(taken).toMatchObject({
      name: 'InvalidAMIName.Duplicate',
      message: `AMI name web image is already in use by AMI ${image.imageId}`,
    });
    expect((await errorOf(() => machines.createImage(ACCOUNT, REGION, OTHER, { name: 'x' }))).name).toBe(
      'InvalidAMIName.Malformed',
    );
    // NoReboot images a stopped instance as it is, and leaves it stopped.
    await machines.stop(ACCOUNT, REGION, OTHER);
    await machines.createImage(ACCOUNT, REGION, OTHER, { name: 'other image', noReboot: true });
    expect(await machines.state(ACCOUNT, REGION, OTHER)).toBe('stopped');
    await machines.start(ACCOUNT, REGION, OTHER);
  });

  it('terminates an instance: gone from the fleet, remembered as terminated, and refused after', async () => {
    await machines.terminate(ACCOUNT, REGION, OTHER);
    expect(await machines.state(ACCOUNT, REGION, OTHER)).toBe('terminated');
    expect(await listed()).not.toContain(OTHER);
    expect((await admin.listAll()).map((i) => i.instanceId)).not.toContain(OTHER);
    await machines.terminate(ACCOUNT, REGION, OTHER);
    const error = await errorOf(() => machines.start(ACCOUNT, REGION, OTHER));
    expect(error).toMatchObject({
      name: 'IncorrectInstanceState',
      message: `The instance '${OTHER}' is not in a state from which it can be started.`,
    });
    expect((await errorOf(() => machines.stop(ACCOUNT, REGION, OTHER))).name).toBe('IncorrectInstanceState');
    expect((await errorOf(() => admin.add({ name: 'again', id: OTHER }))).name).toBe('InstanceAlreadyExists');
  });

  it('runs operations on one instance in the order they were asked for', async () => {
    await Promise.all([machines.stop(ACCOUNT, REGION, WEB), machines.start(ACCOUNT, REGION, WEB)]);
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');
    await Promise.all([machines.start(ACCOUNT, REGION, WEB), machines.stop(ACCOUNT, REGION, WEB)]);
    expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('stopped');
    await machines.start(ACCOUNT, REGION, WEB);
  });
});
