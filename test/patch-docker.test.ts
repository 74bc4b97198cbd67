// Patch Manager against real containers: AWS-RunPatchBaseline scans each instance with its own apt
// (the image's local repository offers sample updates, security and not), judges them with the
// default Debian baseline or a patch group's custom one, installs them for real, reboots (restarts
// the container) when RebootIfNeeded, and records patch states and Patch compliance; the same
// document runs through a State Manager association.
import {
  CreateAssociationCommand,
  CreatePatchBaselineCommand,
  DescribeInstanceInformationCommand,
  DescribeInstancePatchesCommand,
  DescribeInstancePatchStatesCommand,
  ListComplianceItemsCommand,
  ListResourceComplianceSummariesCommand,
  RegisterPatchBaselineForPatchGroupCommand,
  type PatchComplianceData,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, getInvocation, runShell } from './commands-helpers.js';
import { runPatchBaseline } from './patch-states-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('Patch Manager');
const LONG = 240_000;

describe.skipIf(!hasDocker)('Patch Manager on real containers', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let plain: string; // no patch group: the default Debian baseline
  let grouped: string; // Patch Group "wide": a custom baseline approving every update
  let customBaseline: string;

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [{ name: 'a-plain' }, { name: 'b-grouped', tags: { 'Patch Group': 'wide' } }],
    });
    ssm = server.client();
    plain = server.instances.find((i) => i.name.endsWith('a-plain'))!.instanceId;
    grouped = server.instances.find((i) => i.name.endsWith('b-grouped'))!.instanceId;
    const created = await ssm.send(
      new CreatePatchBaselineCommand({
        Name: 'every-update',
        OperatingSystem: 'DEBIAN',
        ApprovalRules: {
          PatchRules: [
            {
              PatchFilterGroup: {
                PatchFilters: [
                  { Key: 'PRODUCT', Values: ['*'] },
                  { Key: 'SECTION', Values: ['*'] },
                  { Key: 'PRIORITY', Values: ['*'] },
                ],
              },
              ApproveAfterDays: 0,
              ComplianceLevel: 'HIGH',
              EnableNonSecurity: true,
            },
          ],
        },
        RejectedPatches: ['ssm-local-optional-sample'],
        RejectedPatchesAction: 'BLOCK',
      }),
    );
    customBaseline = created.BaselineId!;
    await ssm.send(
      new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: customBaseline, PatchGroup: 'wide' }),
    );
  }, LONG);
  afterAll(async () => server?.stop(), LONG);

  const stateOf = async (instanceId: string) =>
    (await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [instanceId] })))
      .InstancePatchStates?.[0];
  const patchesIn = async (instanceId: string, state: string): Promise<PatchComplianceData[]> => {
    const all: PatchComplianceData[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(
        new DescribeInstancePatchesCommand({
          InstanceId: instanceId,
          Filters: [{ Key: 'State', Values: [state] }],
          MaxResults: 100,
          NextToken: token,
        }),
      );
      all.push(...(page.Patches ?? []));
      token = page.NextToken;
    } while (token);
    return all;
  };
  const patchSummary = async (instanceId: string) =>
    (
      await ssm.send(
        new ListResourceComplianceSummariesCommand({
          Filters: [{ Key: 'ComplianceType', Values: ['Patch'] }],
        }),
      )
    ).ResourceComplianceSummaryItems?.find((s) => s.ResourceId === instanceId);
  /** name → version dpkg has installed, read through Run Command. */
  const installedVersions = async (instanceId: string, names: string[]): Promise<Record<string, string>> => {
    const command = await runShell(
      ssm,
      [`dpkg-query -W -f='\${Package} \${Version}\\n' ${names.join(' ')}`],
      {
        InstanceIds: [instanceId],
      },
    );
    const inv = await eventually(
      () => getInvocation(ssm, command.CommandId!, instanceId),
      (i) => ['Success', 'Failed'].includes(i.Status ?? ''),
    );
    expect(inv.Status).toBe('Success');
    return Object.fromEntries(
      inv
        .StandardOutputContent!.trim()
        .split('\n')
        .map((line) => line.split(' ') as [string, string]),
    );
  };
  /** "name.arch:version" → [name, version] */
  const nameAndVersion = (title: string): [string, string] => {
    const [nameArch, ...version] = title.split(':');
    return [nameArch!.slice(0, nameArch!.lastIndexOf('.')), version.join(':')];
  };
  const startedAt = async (instanceId: string): Promise<string> => {
    const instance = server.instances.find((i) => i.instanceId === instanceId)!;
    return (await server.docker.getContainer(instance.containerId).inspect()).State.StartedAt;
  };

  let plainMissing: PatchComplianceData[] = [];
  let groupedMissing: PatchComplianceData[] = [];

  it(
    'Scan finds the security update the default baseline approves, and the custom baseline more',
    async () => {
      const inv = await runPatchBaseline(ssm, plain, { Operation: 'Scan' }, LONG);
      expect(inv.Status, inv.StandardErrorContent).toBe('Success');
      expect(inv.StandardOutputContent).toContain('Operation type: Scan');
      const state = await stateOf(plain);
      expect(state).toMatchObject({ Operation: 'Scan', PatchGroup: '', FailedCount: 0 });
      expect(state!.MissingCount).toBeGreaterThan(0);
      plainMissing = await patchesIn(plain, 'Missing');
      expect(plainMissing.every((p) => p.Classification === 'Security')).toBe(true);
      // The non-security updates are there, but not approved: installed (other), not missing.
      const others = await patchesIn(plain, 'InstalledOther');
      expect(others.length).toBeGreaterThan(0);

      const groupedRun = await runPatchBaseline(ssm, grouped, { Operation: 'Scan' }, LONG);
      expect(groupedRun.Status, groupedRun.StandardErrorContent).toBe('Success');
      const groupedState = await stateOf(grouped);
      expect(groupedState).toMatchObject({ PatchGroup: 'wide', BaselineId: customBaseline });
      groupedMissing = await patchesIn(grouped, 'Missing');
      expect(groupedMissing.length).toBeGreaterThan(plainMissing.length);
      expect(groupedMissing.some((p) => p.Classification !== 'Security')).toBe(true);
      // The rejected package's update is not missing: its installed version is InstalledRejected.
      expect(groupedMissing.map((p) => p.KBId)).not.toContain('ssm-local-optional-sample.all');
      expect((await patchesIn(grouped, 'InstalledRejected')).map((p) => p.KBId)).toEqual([
        'ssm-local-optional-sample.all',
      ]);
      expect(groupedState!.InstalledRejectedCount).toBe(1);

      expect((await patchSummary(plain))?.Status).toBe('NON_COMPLIANT');
      const items = (
        await ssm.send(
          new ListComplianceItemsCommand({
            ResourceIds: [plain],
            ResourceTypes: ['ManagedInstance'],
            Filters: [
              { Key: 'ComplianceType', Values: ['Patch'] },
              { Key: 'Status', Values: ['NON_COMPLIANT'] },
            ],
          }),
        )
      ).ComplianceItems!;
      expect(items.map((i) => i.Id).sort()).toEqual(plainMissing.map((p) => p.KBId).sort());
      const missingItem = items.find((i) => i.Id === plainMissing[0]!.KBId)!;
      expect(missingItem).toMatchObject({ Status: 'NON_COMPLIANT', Title: plainMissing[0]!.Title });
      expect(missingItem.ExecutionSummary).toMatchObject({
        ExecutionId: state!.SnapshotId,
        ExecutionType: 'Command',
      });
    },
    LONG,
  );

  it(
    'Install NoReboot upgrades the packages and leaves them InstalledPendingReboot',
    async () => {
      const before = await startedAt(plain);
      const inv = await runPatchBaseline(
        ssm,
        plain,
        { Operation: 'Install', RebootOption: 'NoReboot' },
        LONG,
      );
      expect(inv.Status, inv.StandardErrorContent).toBe('Success');
      const wanted = plainMissing.map((p) => nameAndVersion(p.Title!));
      const versions = await installedVersions(
        plain,
        wanted.map(([name]) => name),
      );
      for (const [name, version] of wanted) expect(versions[name]).toBe(version);
      const state = await stateOf(plain);
      expect(state).toMatchObject({ Operation: 'Install', RebootOption: 'NoReboot', MissingCount: 0 });
      expect(state!.InstalledPendingRebootCount).toBe(plainMissing.length);
      expect(state!.LastNoRebootInstallOperationTime).toBeInstanceOf(Date);
      expect(await startedAt(plain)).toBe(before);
      expect((await patchSummary(plain))?.Status).toBe('NON_COMPLIANT');
    },
    LONG,
  );

  it(
    'Install RebootIfNeeded restarts the instance, which comes back Online, and compliance flips',
    async () => {
      const before = await startedAt(plain);
      const inv = await runPatchBaseline(
        ssm,
        plain,
        { Operation: 'Install', RebootOption: 'RebootIfNeeded' },
        LONG,
      );
      expect(inv.Status, inv.StandardErrorContent).toBe('Success');
      expect(inv.StandardOutputContent).toContain('Reboot is required');
      expect(await startedAt(plain)).not.toBe(before);
      const state = await stateOf(plain);
      expect(state).toMatchObject({ MissingCount: 0, InstalledPendingRebootCount: 0, FailedCount: 0 });
      // The patches that were missing are Installed now (their versions come from the security suite).
      const installed = await patchesIn(plain, 'Installed');
      for (const patch of plainMissing) {
        const [name, version] = nameAndVersion(patch.Title!);
        expect(installed.find((p) => p.KBId === patch.KBId)?.Title).toBe(`${patch.KBId}:${version}`);
        expect(name).toBe(patch.KBId!.slice(0, patch.KBId!.lastIndexOf('.')));
      }
      expect((await patchSummary(plain))?.Status).toBe('COMPLIANT');
      const info = await ssm.send(
        new DescribeInstanceInformationCommand({ Filters: [{ Key: 'InstanceIds', Values: [plain] }] }),
      );
      expect(info.InstanceInformationList?.[0]?.PingStatus).toBe('Online');
    },
    LONG,
  );

  it(
    'the custom baseline installs the non-security updates too',
    async () => {
      const inv = await runPatchBaseline(ssm, grouped, { Operation: 'Install' }, LONG);
      expect(inv.Status, inv.StandardErrorContent).toBe('Success');
      const wanted = groupedMissing.map((p) => nameAndVersion(p.Title!));
      const versions = await installedVersions(
        grouped,
        wanted.map(([name]) => name),
      );
      for (const [name, version] of wanted) expect(versions[name]).toBe(version);
      // The rejected one is left at its version.
      expect(
        (await installedVersions(grouped, ['ssm-local-optional-sample']))['ssm-local-optional-sample'],
      ).toBe('2.4-1');
      expect(await stateOf(grouped)).toMatchObject({
        MissingCount: 0,
        InstalledRejectedCount: 1,
        BaselineId: customBaseline,
      });
      // As AWS documents for BLOCK: a rejected package installed before it was rejected keeps the
      // instance non-compliant, and it is the only non-compliant item.
      expect((await patchSummary(grouped))?.Status).toBe('NON_COMPLIANT');
      const nonCompliant = await ssm.send(
        new ListComplianceItemsCommand({
          ResourceIds: [grouped],
          ResourceTypes: ['ManagedInstance'],
          Filters: [
            { Key: 'ComplianceType', Values: ['Patch'] },
            { Key: 'Status', Values: ['NON_COMPLIANT'] },
          ],
        }),
      );
      expect(nonCompliant.ComplianceItems!.map((i) => i.Id)).toEqual(['ssm-local-optional-sample.all']);
    },
    LONG,
  );

  it(
    'a State Manager association running AWS-RunPatchBaseline Scan records the state too',
    async () => {
      const previous = (await stateOf(grouped))!.OperationEndTime!.getTime();
      await ssm.send(
        new CreateAssociationCommand({
          Name: 'AWS-RunPatchBaseline',
          Parameters: { Operation: ['Scan'] },
          Targets: [{ Key: 'InstanceIds', Values: [grouped] }],
        }),
      );
      const state = await eventually(
        () => stateOf(grouped),
        (s) => (s?.OperationStartTime?.getTime() ?? 0) > previous,
        LONG - 10_000,
        500,
      );
      expect(state).toMatchObject({ Operation: 'Scan', PatchGroup: 'wide', MissingCount: 0 });
    },
    LONG,
  );
});
