// The Amazon-owned runbooks that drive the instance actions (AWS-StopEC2Instance,
// AWS-StartEC2Instance, AWS-RestartEC2Instance, AWS-CreateImage): their content passes the
// document checks, they are served as Amazon's, and StartAutomationExecution runs them through the
// real SDK, over a memory fleet and then against real containers.
import {
  DescribeDocumentCommand,
  GetAutomationExecutionCommand,
  StartAutomationExecutionCommand,
  type AutomationExecution,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allCapabilities } from '../src/capabilities.js';
import type { InstanceExecutor } from '../src/docker/executor.js';
import { amazonDocument } from '../src/documents/amazon.js';
import { analyse, parseContent } from '../src/documents/content.js';
import { FLEET_ADMIN, MACHINES, type Machines } from '../src/instances/api.js';
import { MemoryFleet } from '../src/instances/index.js';
import { eventually, runShell, settled } from './commands-helpers.js';
import {
  requireDocker,
  startDockerTestServer,
  type DockerTestServer,
  removeImages,
} from './support/docker.js';
import { startTestServer, type TestServer } from './support/server.js';

const RUNBOOKS = ['AWS-StopEC2Instance', 'AWS-StartEC2Instance', 'AWS-RestartEC2Instance', 'AWS-CreateImage'];
const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const TERMINAL = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

async function runToEnd(
  ssm: SSMClient,
  DocumentName: string,
  Parameters: Record<string, string[]>,
): Promise<AutomationExecution> {
  const { AutomationExecutionId } = await ssm.send(
    new StartAutomationExecutionCommand({ DocumentName, Parameters }),
  );
  return eventually(
    async () =>
      (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }))).AutomationExecution!,
    (e) => TERMINAL.includes(e.AutomationExecutionStatus ?? ''),
    120_000,
    100,
  );
}

describe('the EC2 runbooks', () => {
  it('pass the document checks as Automation documents and are served as Amazon documents', () => {
    for (const name of RUNBOOKS) {
      const content = readFileSync(new URL(`../fixtures/documents/${name}.json`, import.meta.url), 'utf8');
      const analysis = analyse(parseContent(content, 'JSON'), 'Automation');
      expect(analysis.schemaVersion).toBe('0.3');
      expect(analysis.parameters.find((p) => p.Name === 'AutomationAssumeRole')).toMatchObject({
        Type: 'String',
        DefaultValue: '',
      });
      expect(amazonDocument(name)).toMatchObject({ owner: 'Amazon', documentType: 'Automation' });
    }
  });

  describe('over a memory fleet', () => {
    const WEB = 'i-0000000000000000a';
    const executor: InstanceExecutor = {
      available: async () => true,
      exec: async () => ({
        result: Promise.resolve({ exitCode: 0, stdout: '', stderr: '', containerLost: false }),
        kill: async () => undefined,
      }),
    };
    let server: TestServer;
    let ssm: SSMClient;
    let machines: Machines;

    beforeAll(async () => {
      const fleet = new MemoryFleet([{ id: WEB, name: 'web' }]);
      server = await startTestServer({ capabilities: allCapabilities({ fleet, executor }) });
      ssm = server.client();
      machines = server.ssm.runtime.services.registry.get(MACHINES);
      await server.ssm.runtime.services.registry.get(FLEET_ADMIN).whenReady();
    });
    afterAll(async () => server?.stop());

    it('describes them as AWS does', async () => {
      const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-StartEC2Instance' }));
      expect(Document).toMatchObject({
        Owner: 'Amazon',
        DocumentType: 'Automation',
        SchemaVersion: '0.3',
        Description: 'Start EC2 instances(s)',
      });
      expect(Document?.Parameters?.map((p) => p.Name)).toEqual([
        'InstanceId',
        'AutomationAssumeRole',
        'FailOnUnexpectedStopped',
      ]);
    });

    it('stops, starts and restarts the instance', async () => {
      const parameters = { InstanceId: [WEB] };
      const stopped = await runToEnd(ssm, 'AWS-StopEC2Instance', parameters);
      expect(stopped.AutomationExecutionStatus).toBe('Success');
      expect(stopped.StepExecutions?.map((s) => [s.StepName, s.StepStatus])).toEqual([
        ['stopInstances', 'Success'],
        ['forceStopInstances', 'Success'],
      ]);
      expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('stopped');
      expect((await runToEnd(ssm, 'AWS-StartEC2Instance', parameters)).AutomationExecutionStatus).toBe(
        'Success',
      );
      expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');
      expect((await runToEnd(ssm, 'AWS-RestartEC2Instance', parameters)).AutomationExecutionStatus).toBe(
        'Success',
      );
      expect(await machines.state(ACCOUNT, REGION, WEB)).toBe('running');
    });

    it('fails AWS-StopEC2Instance for an instance that does not exist', async () => {
      const failed = await runToEnd(ssm, 'AWS-StopEC2Instance', { InstanceId: ['i-00000000000000bad'] });
      expect(failed.AutomationExecutionStatus).toBe('Failed');
      expect(failed.StepExecutions?.[0]?.FailureMessage).toContain(
        "The instance ID 'i-00000000000000bad' does not exist",
      );
    });

    it('images the instance with AWS-CreateImage, whose output is the image id', async () => {
      const execution = await runToEnd(ssm, 'AWS-CreateImage', { InstanceId: [WEB], NoReboot: ['true'] });
      expect(execution.AutomationExecutionStatus).toBe('Success');
      const imageId = execution.Outputs?.['createImage.ImageId']?.[0];
      expect(imageId).toMatch(/^ami-[0-9a-f]{17}$/);
      expect(execution.StepExecutions?.[0]?.Outputs).toMatchObject({
        ImageId: [imageId],
        ImageState: ['available'],
      });
      expect(await machines.image(ACCOUNT, REGION, imageId!)).toMatchObject({
        name: `${WEB}_${execution.AutomationExecutionId}`,
        sourceInstanceId: WEB,
      });
    });
  });
});

const hasDocker = await requireDocker('EC2 runbooks');

describe.skipIf(!hasDocker)('the EC2 runbooks against containers', () => {
  const EC2_ID = 'i-0b0000000000000b1';
  let server: DockerTestServer;
  let ssm: SSMClient;
  const images: string[] = [];

  beforeAll(async () => {
    server = await startDockerTestServer({ fleet: [{ name: 'runbook-target', id: EC2_ID }] });
    ssm = server.client();
  });
  afterAll(async () => {
    await server?.stop();
    if (server) await removeImages(server.docker, images);
  });

  it('restarts the instance with AWS-RestartEC2Instance: a new boot, Online after', async () => {
    const containerId = server.instances[0]!.containerId;
    const bootBefore = (await server.docker.getContainer(containerId).inspect()).State.StartedAt;
    const execution = await runToEnd(ssm, 'AWS-RestartEC2Instance', { InstanceId: [EC2_ID] });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    expect((await server.docker.getContainer(containerId).inspect()).State.StartedAt).not.toBe(bootBefore);
    expect((await server.fleetApi.get(ACCOUNT, REGION, EC2_ID))?.online).toBe(true);
  });

  it('images the instance with AWS-CreateImage; an instance launched from it has its files', async () => {
    const written = await runShell(ssm, ['echo "in the image" > /root/runbook.txt'], {
      InstanceIds: [EC2_ID],
    });
    expect((await settled(ssm, written.CommandId!, EC2_ID)).Status).toBe('Success');
    const execution = await runToEnd(ssm, 'AWS-CreateImage', { InstanceId: [EC2_ID] });
    expect(execution.AutomationExecutionStatus).toBe('Success');
    const imageId = execution.Outputs?.['createImage.ImageId']?.[0] ?? '';
    images.push(`ssm-local/image:${imageId}`);
    await server.docker.getImage(`ssm-local/image:${imageId}`).inspect();
    expect((await server.fleetApi.get(ACCOUNT, REGION, EC2_ID))?.online).toBe(true);

    const launched = await server.admin.add({ name: 'from-runbook-image', image: imageId });
    const read = await runShell(ssm, ['cat /root/runbook.txt'], { InstanceIds: [launched.instanceId] });
    expect(await settled(ssm, read.CommandId!, launched.instanceId)).toMatchObject({
      Status: 'Success',
      StandardOutputContent: 'in the image\n',
    });
  });
});
