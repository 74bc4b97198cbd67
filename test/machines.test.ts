// Machines (MACHINES) against real containers: stopping an instance takes it out of SSM until it is
// started again, an image is the container committed (with the files written in it), an instance
// launched from that image has them, and terminating removes the container and the instance.
import { DescribeInstanceInformationCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MACHINES, type Machines } from '../src/instances/api.js';
import { runShell, settled } from './commands-helpers.js';
import {
  requireDocker,
  startDockerTestServer,
  type DockerTestServer,
  removeImages,
} from './support/docker.js';
import { errorOf } from './support/server.js';

const hasDocker = await requireDocker('machines');

const EC2_ID = 'i-0c0d0e0f101112131';
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';

describe.skipIf(!hasDocker)('Machines over Docker containers', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let machines: Machines;
  const images: string[] = [];

  beforeAll(async () => {
    server = await startDockerTestServer({ fleet: [{ name: 'machine-1', id: EC2_ID }] });
    ssm = server.client();
    machines = server.ssm.runtime.services.registry.get(MACHINES);
  });
  afterAll(async () => {
    await server?.stop();
    if (server) await removeImages(server.docker, images);
  });

  const pingStatus = async (instanceId: string) =>
    (
      await ssm.send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [instanceId] }] }),
      )
    ).InstanceInformationList?.[0]?.PingStatus ?? 'absent';
  const containerOf = (instanceId: string) =>
    server.admin.listAll().then((all) => all.find((i) => i.instanceId === instanceId)?.containerId);
  const shell = async (instanceId: string, command: string) => {
    const sent = await runShell(ssm, [command], { InstanceIds: [instanceId] });
    return settled(ssm, sent.CommandId!, instanceId);
  };

  it('stops an instance (it leaves SSM) and starts it again (Online at once, files kept)', async () => {
    expect((await shell(EC2_ID, 'echo kept > /root/kept.txt')).Status).toBe('Success');
    const containerId = (await containerOf(EC2_ID))!;

    await machines.stop(ACCOUNT, REGION, EC2_ID);
    expect(await machines.state(ACCOUNT, REGION, EC2_ID)).toBe('stopped');
    expect((await server.docker.getContainer(containerId).inspect()).State.Running).toBe(false);
    expect(await pingStatus(EC2_ID)).toBe('absent');
    expect((await server.admin.listAll()).find((i) => i.instanceId === EC2_ID)?.pingStatus).toBe('Stopped');
    await machines.stop(ACCOUNT, REGION, EC2_ID, true);

    await machines.start(ACCOUNT, REGION, EC2_ID);
    expect(await machines.state(ACCOUNT, REGION, EC2_ID)).toBe('running');
    expect(await pingStatus(EC2_ID)).toBe('Online');
    expect((await shell(EC2_ID, 'cat /root/kept.txt')).StandardOutputContent).toBe('kept\n');
  });

  it('stops an instance at once with force (docker kill), and it stays stopped', async () => {
    await machines.stop(ACCOUNT, REGION, EC2_ID, true);
    const containerId = (await containerOf(EC2_ID))!;
    const inspected = await server.docker.getContainer(containerId).inspect();
    expect(inspected.State).toMatchObject({ Running: false, ExitCode: 137 });
    // The restart policy (unless-stopped) does not bring a killed container back.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await machines.state(ACCOUNT, REGION, EC2_ID)).toBe('stopped');
    await machines.start(ACCOUNT, REGION, EC2_ID);
    expect(await pingStatus(EC2_ID)).toBe('Online');
  });

  it('images an instance (the container committed with its files) and launches an instance from it', async () => {
    expect((await shell(EC2_ID, 'echo "made before the image" > /root/imaged.txt')).Status).toBe('Success');
    const image = await machines.createImage(ACCOUNT, REGION, EC2_ID, {
      name: 'machine-1 image',
      description: 'for the test',
    });
    images.push(`ssm-local/image:${image.imageId}`);
    expect(image).toMatchObject({ imageId: expect.stringMatching(/^ami-[0-9a-f]{17}$/), state: 'available' });
    // The reboot for a consistent image leaves the instance running and Online.
    expect(await machines.state(ACCOUNT, REGION, EC2_ID)).toBe('running');
    expect(await pingStatus(EC2_ID)).toBe('Online');

    const inspected = await server.docker.getImage(`ssm-local/image:${image.imageId}`).inspect();
    expect(inspected.Config.Labels).toMatchObject({
      'ssm-local.image-id': image.imageId,
      'ssm-local.source-instance': EC2_ID,
    });
    expect(inspected.Comment).toBe('for the test');

    const launched = await server.admin.add({ name: 'from-image', image: image.imageId });
    expect(launched).toMatchObject({ image: image.imageId, pingStatus: 'Online' });
    const cat = await shell(launched.instanceId, 'cat /root/imaged.txt; hostname');
    expect(cat).toMatchObject({
      Status: 'Success',
      StandardOutputContent: 'made before the image\nfrom-image\n',
    });

    const unknown = await errorOf(() => server.admin.add({ name: 'nope', image: 'ami-0000000000000dead' }));
    expect(unknown.name).toBe('InvalidAMIID.NotFound');

    // NoReboot commits the running container as it is (paused for the copy), without a stop.
    const startedAt = (await server.docker.getContainer((await containerOf(EC2_ID))!).inspect()).State
      .StartedAt;
    const second = await machines.createImage(ACCOUNT, REGION, EC2_ID, { name: 'no reboot', noReboot: true });
    images.push(`ssm-local/image:${second.imageId}`);
    expect((await server.docker.getContainer((await containerOf(EC2_ID))!).inspect()).State.StartedAt).toBe(
      startedAt,
    );

    // Terminating removes the container and the instance, for good.
    const containerId = launched.containerId;
    await machines.terminate(ACCOUNT, REGION, launched.instanceId);
    expect(await machines.state(ACCOUNT, REGION, launched.instanceId)).toBe('terminated');
    expect((await errorOf(() => server.docker.getContainer(containerId).inspect())).message).toMatch(
      /no such container/i,
    );
    expect(await pingStatus(launched.instanceId)).toBe('absent');
    expect((await server.admin.listAll()).map((i) => i.instanceId)).not.toContain(launched.instanceId);
    await machines.terminate(ACCOUNT, REGION, launched.instanceId);
    expect((await errorOf(() => machines.start(ACCOUNT, REGION, launched.instanceId))).name).toBe(
      'IncorrectInstanceState',
    );
  });

  it('adopts an instance launched from an image after a restart, with its image and files', async () => {
    const image = await machines.createImage(ACCOUNT, REGION, EC2_ID, {
      name: 'for adoption',
      noReboot: true,
    });
    images.push(`ssm-local/image:${image.imageId}`);
    const launched = await server.admin.add({ name: 'adopted', image: image.imageId });
    await server.stop({ keepContainers: true });
    server = await startDockerTestServer({ fleetPath: server.fleetPath, waitFor: 2 });
    ssm = server.client();
    machines = server.ssm.runtime.services.registry.get(MACHINES);
    const adopted = (await server.admin.listAll()).find((i) => i.instanceId === launched.instanceId);
    expect(adopted).toMatchObject({
      image: image.imageId,
      pingStatus: 'Online',
      containerId: launched.containerId,
    });
    expect((await shell(launched.instanceId, 'cat /root/kept.txt')).StandardOutputContent).toBe('kept\n');
    expect(await machines.state(ACCOUNT, REGION, launched.instanceId)).toBe('running');
  });
});
