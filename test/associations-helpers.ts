// Shared by the State Manager engine tests (test/associations-engine.test.ts on a fake executor,
// test/associations-docker.test.ts on real containers).
import {
  CreateAssociationCommand,
  DescribeAssociationExecutionsCommand,
  type CreateAssociationRequest,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { eventually } from './commands-helpers.js';

/** An AWS-RunShellScript association on the instances tagged Role=web, every 30 minutes; its id. */
export async function createWebAssociation(
  ssm: SSMClient,
  commands: string[],
  extra: Partial<CreateAssociationRequest> = {},
): Promise<string> {
  return (
    await ssm.send(
      new CreateAssociationCommand({
        Name: 'AWS-RunShellScript',
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        Parameters: { commands },
        ScheduleExpression: 'rate(30 minutes)',
        ...extra,
      }),
    )
  ).AssociationDescription!.AssociationId!;
}

export async function associationExecutions(ssm: SSMClient, id: string) {
  return (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id })))
    .AssociationExecutions!;
}

/** Waits (eventually's timeout and interval) until the association has `count` runs, all ended. */
export function settledExecutions(
  ssm: SSMClient,
  id: string,
  count: number,
  timeoutMs: number,
  intervalMs?: number,
) {
  return eventually(
    () => associationExecutions(ssm, id),
    (list) => list.length === count && list.every((e) => e.Status === 'Success' || e.Status === 'Failed'),
    timeoutMs,
    intervalMs,
  );
}
