// State Manager, Inventory and Compliance together on real containers, as a user sets them up: an
// association of AWS-GatherSoftwareInventory on every instance gathers at creation; a package
// installed with Run Command appears after the next scheduled gathering (the emulator's clock moved
// forward); GetInventory aggregates what the instances really have; an instance added later gets
// the association applied at once; a failing association makes its instance NON_COMPLIANT.
import {
  CreateAssociationCommand,
  DescribeAssociationExecutionsCommand,
  DescribeEffectiveInstanceAssociationsCommand,
  DescribeInstanceAssociationsStatusCommand,
  GetInventoryCommand,
  ListComplianceSummariesCommand,
  ListInventoryEntriesCommand,
  ListResourceComplianceSummariesCommand,
  type AssociationExecution,
  type InventoryResultEntity,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, runShell, settled } from './commands-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { advanceClock } from './support/server.js';

const hasDocker = await requireDocker('State Manager with Inventory');

const PROBE = 'ssm-local-state-probe';
/** A real package install with no mirror: build a .deb in the instance and dpkg -i it. */
const INSTALL_PROBE = [
  'set -e',
  'd=$(mktemp -d); mkdir -p "$d/pkg/DEBIAN"',
  `printf 'Package: ${PROBE}\\nVersion: 2.0.1\\nArchitecture: all\\nMaintainer: Probe <probe@example.com>\\nDescription: installed by Run Command in a test\\n' > "$d/pkg/DEBIAN/control"`,
  'dpkg-deb --build "$d/pkg" "$d/probe.deb" >/dev/null',
  'dpkg -i "$d/probe.deb" >/dev/null',
].join('\n');

describe.skipIf(!hasDocker)('State Manager, Inventory and Compliance on real containers', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let web: string;
  let db: string;
  let gatherId: string;

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'sm-db', tags: { Role: 'db' } },
        { name: 'sm-web', tags: { Role: 'web' } },
      ],
    });
    ssm = server.client();
    db = server.instances.find((i) => i.name === 'sm-db')!.instanceId;
    web = server.instances.find((i) => i.name === 'sm-web')!.instanceId;
  });
  afterAll(async () => server?.stop());

  const executions = (id: string, count: number) =>
    eventually(
      async () =>
        (await ssm.send(new DescribeAssociationExecutionsCommand({ AssociationId: id })))
          .AssociationExecutions!,
      (list: AssociationExecution[]) =>
        list.length >= count && list.every((e) => e.Status === 'Success' || e.Status === 'Failed'),
      60_000,
    );
  const applications = async (instanceId: string): Promise<string[]> => {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(
        new ListInventoryEntriesCommand({
          InstanceId: instanceId,
          TypeName: 'AWS:Application',
          NextToken: token,
        }),
      );
      names.push(...(page.Entries ?? []).map((e) => e.Name!));
      token = page.NextToken;
    } while (token);
    return names;
  };
  const aggregate = async (expression: string, filterValue?: string): Promise<Record<string, string>[]> => {
    const result = await ssm.send(
      new GetInventoryCommand({
        ...(filterValue
          ? { Filters: [{ Key: 'AWS:Application.Name', Values: [filterValue], Type: 'Equal' }] }
          : {}),
        Aggregators: [{ Expression: expression }],
      }),
    );
    const entity: InventoryResultEntity | undefined = result.Entities?.[0];
    const typeName = expression.slice(0, expression.lastIndexOf('.'));
    return (entity?.Data?.[typeName]?.Content ?? []) as Record<string, string>[];
  };

  it('gathers inventory from every instance at creation, and aggregates it', async () => {
    gatherId = (
      await ssm.send(
        new CreateAssociationCommand({
          Name: 'AWS-GatherSoftwareInventory',
          AssociationName: 'inventory',
          Targets: [{ Key: 'InstanceIds', Values: ['*'] }],
          ScheduleExpression: 'rate(30 minutes)',
        }),
      )
    ).AssociationDescription!.AssociationId!;
    const [first] = await executions(gatherId, 1);
    expect(first).toMatchObject({ Status: 'Success', ResourceCountByStatus: '{Success=2}' });

    for (const id of [web, db]) expect(await applications(id)).toContain('dpkg');
    expect(await applications(web)).not.toContain(PROBE);
    // Both run Debian: one platform, two instances; dpkg is on both.
    expect(await aggregate('AWS:InstanceInformation.PlatformType')).toEqual([
      { PlatformType: 'Linux', Count: '2' },
    ]);
    expect(await aggregate('AWS:Application.Name', 'dpkg')).toContainEqual({ Name: 'dpkg', Count: '2' });

    const effective = await ssm.send(new DescribeEffectiveInstanceAssociationsCommand({ InstanceId: web }));
    expect(effective.Associations!.map((a) => a.AssociationId)).toContain(gatherId);
    const status = await ssm.send(new DescribeInstanceAssociationsStatusCommand({ InstanceId: web }));
    expect(status.InstanceAssociationStatusInfos!.find((s) => s.AssociationId === gatherId)).toMatchObject({
      Name: 'AWS-GatherSoftwareInventory',
      AssociationName: 'inventory',
      Status: 'Success',
    });
  });

  it('shows a package installed with Run Command after the next scheduled gathering', async () => {
    const install = await runShell(ssm, [INSTALL_PROBE], { InstanceIds: [web] });
    expect((await settled(ssm, install.CommandId!, web)).Status).toBe('Success');
    expect(await applications(web)).not.toContain(PROBE); // not gathered yet

    await advanceClock(server.endpoint, 30 * 60);
    await executions(gatherId, 2);
    expect(await applications(web)).toContain(PROBE);
    expect(await applications(db)).not.toContain(PROBE);
    // The filter picks the instances that have the package; the aggregation counts theirs.
    const onProbeHolders = await aggregate('AWS:Application.Name', PROBE);
    expect(onProbeHolders).toContainEqual({ Name: PROBE, Count: '1' });
    expect(onProbeHolders).toContainEqual({ Name: 'dpkg', Count: '1' });
    expect(await aggregate('AWS:Application.Name')).toContainEqual({ Name: 'dpkg', Count: '2' });
  });

  it('applies the association to an instance added later, at once', async () => {
    const added = await server.admin.add({ name: 'sm-late', tags: { Role: 'late' } });
    await eventually(
      () => applications(added.instanceId),
      (names) => names.includes('dpkg'),
      60_000,
    );
    expect(await aggregate('AWS:InstanceInformation.PlatformType')).toEqual([
      { PlatformType: 'Linux', Count: '3' },
    ]);
  });

  it('makes an instance NON_COMPLIANT when its association fails, and counts it by severity', async () => {
    const id = (
      await ssm.send(
        new CreateAssociationCommand({
          Name: 'AWS-RunShellScript',
          Targets: [{ Key: 'tag:Role', Values: ['db'] }],
          Parameters: { commands: ['test -f /etc/ssm-local-required-file'] },
          ComplianceSeverity: 'HIGH',
        }),
      )
    ).AssociationDescription!.AssociationId!;
    const [run] = await executions(id, 1);
    expect(run).toMatchObject({ Status: 'Failed', ResourceCountByStatus: '{Failed=1}' });

    const summaries = await ssm.send(
      new ListResourceComplianceSummariesCommand({
        Filters: [{ Key: 'ComplianceType', Values: ['Association'], Type: 'EQUAL' }],
      }),
    );
    const ofDb = summaries.ResourceComplianceSummaryItems!.find((s) => s.ResourceId === db)!;
    expect(ofDb).toMatchObject({ Status: 'NON_COMPLIANT', OverallSeverity: 'HIGH' });
    expect(ofDb.NonCompliantSummary).toMatchObject({ NonCompliantCount: 1 });
    expect(ofDb.CompliantSummary).toMatchObject({ CompliantCount: 1 }); // the inventory association
    const ofWeb = summaries.ResourceComplianceSummaryItems!.find((s) => s.ResourceId === web)!;
    expect(ofWeb.Status).toBe('COMPLIANT');

    const byType = await ssm.send(new ListComplianceSummariesCommand({}));
    const association = byType.ComplianceSummaryItems!.find((s) => s.ComplianceType === 'Association')!;
    expect(association.NonCompliantSummary!.NonCompliantCount).toBe(1);
    expect(association.NonCompliantSummary!.SeveritySummary!.HighCount).toBe(1);
    expect(association.CompliantSummary!.CompliantCount).toBe(2);
  });
});
