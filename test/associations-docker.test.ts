// State Manager against real containers: an association really runs its script in the instances
// its tag targets when created, again when the emulator's clock reaches its next run, and a script
// that fails makes the run Failed and the instance NON_COMPLIANT.
import {
  DescribeAssociationExecutionTargetsCommand,
  GetCommandInvocationCommand,
  ListComplianceItemsCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebAssociation, settledExecutions } from './associations-helpers.js';
import { eventually } from './commands-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { advanceClock } from './support/server.js';

const hasDocker = await requireDocker('State Manager');

describe.skipIf(!hasDocker)('State Manager on real containers', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let web: string;

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'a-web-1', tags: { Role: 'web' } },
        { name: 'b-db-1', tags: { Role: 'db' } },
      ],
    });
    ssm = server.client();
    web = server.instances.find((i) => i.name.endsWith('a-web-1'))!.instanceId;
  });
  afterAll(async () => server?.stop());

  const create = (commands: string[]) => createWebAssociation(ssm, commands);
  const finished = (id: string, count: number) => settledExecutions(ssm, id, count, 60_000);
  const outputOf = async (id: string, executionId: string) => {
    const [target] = (
      await ssm.send(
        new DescribeAssociationExecutionTargetsCommand({ AssociationId: id, ExecutionId: executionId }),
      )
    ).AssociationExecutionTargets!;
    expect(target).toMatchObject({ ResourceId: web, ResourceType: 'ManagedInstance' });
    return ssm.send(
      new GetCommandInvocationCommand({ CommandId: target!.OutputSource!.OutputSourceId!, InstanceId: web }),
    );
  };

  it('runs on its tag target at creation and again when the clock reaches its rate', async () => {
    const id = await create([
      'echo "run at $(date +%s) on $(hostname)" >> /tmp/association.log',
      'wc -l < /tmp/association.log',
    ]);
    const [first] = await finished(id, 1);
    expect(first).toMatchObject({ Status: 'Success', ResourceCountByStatus: '{Success=1}' });
    const output = await outputOf(id, first!.ExecutionId!);
    expect(output.Status).toBe('Success');
    expect(output.StandardOutputContent!.trim()).toMatch(/^\d+$/);
    const linesBefore = Number(output.StandardOutputContent!.trim());

    await advanceClock(server.endpoint, 30 * 60);
    const [second] = await finished(id, 2);
    expect(second!.Status).toBe('Success');
    const again = await outputOf(id, second!.ExecutionId!);
    expect(Number(again.StandardOutputContent!.trim())).toBe(linesBefore + 1);
  });

  it('shows a failing script as Failed and the instance NON_COMPLIANT', async () => {
    const id = await create(['echo trying', 'echo "no such thing" >&2', 'exit 4']);
    const [execution] = await finished(id, 1);
    expect(execution).toMatchObject({ Status: 'Failed', ResourceCountByStatus: '{Failed=1}' });
    const output = await outputOf(id, execution!.ExecutionId!);
    expect(output).toMatchObject({ Status: 'Failed', ResponseCode: 4, StandardOutputContent: 'trying\n' });
    const items = await eventually(
      () =>
        ssm.send(new ListComplianceItemsCommand({ ResourceIds: [web], ResourceTypes: ['ManagedInstance'] })),
      (answer) => (answer.ComplianceItems ?? []).some((item) => item.Id === id),
      10_000,
    );
    expect(items.ComplianceItems!.find((item) => item.Id === id)).toMatchObject({
      ComplianceType: 'Association',
      Status: 'NON_COMPLIANT',
    });
  });
});
