// AWS-RunPatchBaseline's plugin and the patch state operations in milliseconds: a MemoryFleet, a fake
// executor that can restart, and a fake scanner and baseline (the real ones are tested against
// containers in patch-docker.test.ts). What a user sees: the command's status and output, the
// instance's patch state and patches, Patch compliance, the patch group views, and AWS's errors.
import {
  DescribeInstancePatchesCommand,
  DescribeInstancePatchStatesCommand,
  DescribeInstancePatchStatesForPatchGroupCommand,
  DescribePatchGroupStateCommand,
  GetDocumentCommand,
  DescribeDocumentCommand,
  ListComplianceItemsCommand,
  ListResourceComplianceSummariesCommand,
  SendCommandCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryFleet } from '../src/instances/index.js';
import type { PatchVerdict } from '../src/patch/model.js';
import { onOverrideList, parseInstallOverrideList } from '../src/patch/states/overrides.js';
import {
  capabilitiesWith,
  FakeBaselines,
  FakeScanner,
  pkg,
  RebootingExecutor,
  runPatchBaseline,
} from './patch-states-helpers.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const ONE = 'i-0000000000000000a';
const TWO = 'i-0000000000000000b';
const IDLE = 'i-0000000000000000c';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const packages = () => [
  pkg('openssl', { candidateVersion: '3.0.15-1~deb12u1', security: true, archive: 'bookworm-security' }),
  pkg('tzdata', { candidateVersion: '2024b-0+deb12u1', archive: 'bookworm-updates' }),
  pkg('bash'),
  pkg('vim', { installedVersion: undefined, installedAt: undefined, candidateVersion: '9.0' }),
];

describe('patch states (memory fleet, fake executor, fake scanner and baseline)', () => {
  let server: TestServer;
  let ssm: SSMClient;
  let executor: RebootingExecutor;
  let scanner: FakeScanner;

  beforeEach(async () => {
    const fleet = new MemoryFleet([
      { id: ONE, name: 'one', tags: { 'Patch Group': 'web' } },
      { id: TWO, name: 'two', tags: { 'Patch Group': 'web' } },
      { id: IDLE, name: 'idle' },
    ]);
    executor = new RebootingExecutor();
    scanner = new FakeScanner(packages);
    server = await startTestServer({
      capabilities: capabilitiesWith(fleet, executor, scanner, new FakeBaselines()),
    });
    ssm = server.client();
  });
  afterEach(async () => server?.stop());

  const stateOf = async (instanceId: string) =>
    (await ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [instanceId] })))
      .InstancePatchStates?.[0];
  const patchesOf = async (instanceId: string, filters: Array<{ Key: string; Values: string[] }> = []) =>
    (await ssm.send(new DescribeInstancePatchesCommand({ InstanceId: instanceId, Filters: filters })))
      .Patches ?? [];
  const patchCompliance = async (instanceId: string) =>
    (
      await ssm.send(
        new ListComplianceItemsCommand({
          ResourceIds: [instanceId],
          ResourceTypes: ['ManagedInstance'],
          Filters: [{ Key: 'ComplianceType', Values: ['Patch'] }],
        }),
      )
    ).ComplianceItems ?? [];

  it('serves AWS-RunPatchBaseline with AWS parameters and the Linux step as aws:runPatchBaseline', async () => {
    const doc = await ssm.send(new GetDocumentCommand({ Name: 'AWS-RunPatchBaseline' }));
    const content = JSON.parse(doc.Content!);
    expect(Object.keys(content.parameters)).toEqual([
      'Operation',
      'SnapshotId',
      'InstallOverrideList',
      'BaselineOverride',
      'RebootOption',
    ]);
    expect(content.parameters.RebootOption.default).toBe('RebootIfNeeded');
    expect(content.mainSteps.map((s: { name: string }) => s.name)).toEqual([
      'PatchWindows',
      'PatchLinux',
      'PatchMacOS',
    ]);
    expect(content.mainSteps[1].action).toBe('aws:runPatchBaseline');
    const described = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-RunPatchBaseline' }));
    expect(described.Document?.Owner).toBe('Amazon');
    expect(described.Document?.PlatformTypes).toEqual(['Windows', 'Linux', 'MacOS']);
  });

  it('Scan records the state, the patches and Patch compliance; the other steps are skipped', async () => {
    const inv = await runPatchBaseline(ssm, ONE, { Operation: 'Scan' });
    expect(inv.Status).toBe('Success');
    expect(inv.StandardOutputContent).toContain('Operation type: Scan');
    expect(inv.StandardOutputContent).toContain('MissingCount                : 1');

    const state = await stateOf(ONE);
    expect(state).toMatchObject({
      InstanceId: ONE,
      PatchGroup: 'web',
      BaselineId: 'pb-0123456789abcdef1',
      Operation: 'Scan',
      RebootOption: 'RebootIfNeeded',
      MissingCount: 1,
      InstalledOtherCount: 2,
      InstalledCount: 0,
      NotApplicableCount: 1,
      FailedCount: 0,
      InstalledPendingRebootCount: 0,
      CriticalNonCompliantCount: 1,
      SecurityNonCompliantCount: 1,
      OtherNonCompliantCount: 0,
    });
    expect(state?.SnapshotId).toMatch(UUID);
    expect(state?.OperationEndTime?.getTime()).toBeGreaterThanOrEqual(state!.OperationStartTime!.getTime());

    const missing = await patchesOf(ONE, [{ Key: 'State', Values: ['Missing'] }]);
    expect(missing).toEqual([
      expect.objectContaining({
        KBId: 'openssl.amd64',
        Title: 'openssl.amd64:3.0.15-1~deb12u1',
        Classification: 'Security',
        State: 'MISSING',
        InstalledTime: new Date(0),
      }),
    ]);
    expect(
      (await patchesOf(ONE, [{ Key: 'State', Values: ['INSTALLED_OTHER'] }])).map((p) => p.KBId),
    ).toEqual(['bash.amd64', 'tzdata.amd64']);
    expect(await patchesOf(ONE, [{ Key: 'Classification', Values: ['Security'] }])).toHaveLength(1);
    expect(await patchesOf(ONE, [{ Key: 'KBId', Values: ['vim.amd64'] }])).toEqual([
      expect.objectContaining({ State: 'NOT_APPLICABLE' }),
    ]);

    const items = await patchCompliance(ONE);
    expect(items.map((i) => [i.Id, i.Status, i.Severity])).toEqual([
      ['bash.amd64', 'COMPLIANT', 'UNSPECIFIED'],
      ['openssl.amd64', 'NON_COMPLIANT', 'CRITICAL'],
      ['tzdata.amd64', 'COMPLIANT', 'UNSPECIFIED'],
    ]);
    const openssl = items.find((i) => i.Id === 'openssl.amd64')!;
    expect(openssl.ExecutionSummary).toMatchObject({
      ExecutionId: state?.SnapshotId,
      ExecutionType: 'Command',
    });
    expect(openssl.Details).toMatchObject({
      PatchBaselineId: 'pb-0123456789abcdef1',
      PatchState: 'Missing',
      PatchGroup: 'web',
      Classification: 'Security',
      InstalledTime: '',
    });
    const summaries = await ssm.send(new ListResourceComplianceSummariesCommand({}));
    const one = summaries.ResourceComplianceSummaryItems?.find(
      (s) => s.ResourceId === ONE && s.ComplianceType === 'Patch',
    );
    expect(one?.Status).toBe('NON_COMPLIANT');
  });

  it('Install NoReboot leaves the patch InstalledPendingReboot until RebootIfNeeded reboots', async () => {
    const noReboot = await runPatchBaseline(ssm, ONE, { Operation: 'Install', RebootOption: 'NoReboot' });
    expect(noReboot.Status).toBe('Success');
    expect(noReboot.StandardOutputContent).toContain('Packages that will be upgraded: openssl');
    expect(executor.restarts).toEqual([]);
    let state = await stateOf(ONE);
    expect(state).toMatchObject({
      Operation: 'Install',
      RebootOption: 'NoReboot',
      InstalledPendingRebootCount: 1,
      MissingCount: 0,
    });
    expect(state?.LastNoRebootInstallOperationTime).toBeInstanceOf(Date);
    expect((await patchCompliance(ONE)).find((i) => i.Id === 'openssl.amd64')).toMatchObject({
      Status: 'NON_COMPLIANT',
      Details: expect.objectContaining({ PatchState: 'InstalledPendingReboot' }),
    });

    // A scan without a reboot still reports it pending.
    await runPatchBaseline(ssm, ONE, { Operation: 'Scan' });
    expect((await stateOf(ONE))?.InstalledPendingRebootCount).toBe(1);

    // RebootIfNeeded reboots for the pending patch, and the scan after the reboot finds it installed.
    const reboot = await runPatchBaseline(ssm, ONE, { Operation: 'Install', RebootOption: 'RebootIfNeeded' });
    expect(reboot.Status).toBe('Success');
    expect(reboot.StandardOutputContent).toContain('Reboot is required');
    expect(executor.restarts).toEqual([ONE]);
    state = await stateOf(ONE);
    expect(state).toMatchObject({ InstalledPendingRebootCount: 0, InstalledCount: 1, MissingCount: 0 });
    expect((await patchCompliance(ONE)).every((i) => i.Status === 'COMPLIANT')).toBe(true);
  });

  it('Install RebootIfNeeded reboots once it installed something, and not when nothing is missing', async () => {
    await runPatchBaseline(ssm, ONE, { Operation: 'Install' });
    expect(executor.restarts).toEqual([ONE]);
    expect(await stateOf(ONE)).toMatchObject({
      InstalledCount: 1,
      MissingCount: 0,
      InstalledPendingRebootCount: 0,
    });
    const again = await runPatchBaseline(ssm, ONE, { Operation: 'Install' });
    expect(again.StandardOutputContent).toContain('No packages found that can be upgraded.');
    expect(executor.restarts).toEqual([ONE]);
  });

  it('a package that fails to install is Failed, and so is the step', async () => {
    scanner.failing.add('openssl');
    const inv = await runPatchBaseline(ssm, ONE, { Operation: 'Install' });
    expect(inv.Status).toBe('Failed');
    expect(inv.StandardErrorContent).toContain('Failed to install openssl');
    expect(await stateOf(ONE)).toMatchObject({ FailedCount: 1, MissingCount: 0 });
    expect(await patchesOf(ONE, [{ Key: 'State', Values: ['Failed'] }])).toHaveLength(1);
  });

  it('InstallOverrideList on s3:// fails with a clear message; both overrides at once are refused', async () => {
    const s3 = await runPatchBaseline(ssm, ONE, {
      Operation: 'Install',
      InstallOverrideList: 's3://bucket/list.yaml',
    });
    expect(s3.Status).toBe('Failed');
    expect(s3.StandardErrorContent).toContain('ssm-local has no Amazon S3');
    const both = await runPatchBaseline(ssm, ONE, {
      Operation: 'Install',
      InstallOverrideList: 'https://example.invalid/a.yaml',
      BaselineOverride: 'https://example.invalid/b.json',
    });
    expect(both.Status).toBe('Failed');
    expect(both.StandardErrorContent).toContain('cannot be used at the same time');
    expect(await stateOf(ONE)).toBeUndefined();
  });

  it('refuses parameters outside AWS allowed values and patterns', async () => {
    const bad = (parameters: Record<string, string[]>) =>
      errorOf(() =>
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'AWS-RunPatchBaseline',
            InstanceIds: [ONE],
            Parameters: parameters,
          }),
        ),
      );
    expect((await bad({ Operation: ['Patch'] })).name).toBe('InvalidParameters');
    expect((await bad({ Operation: ['Scan'], SnapshotId: ['not-a-uuid'] })).name).toBe('InvalidParameters');
    expect((await bad({ Operation: ['Scan'], InstallOverrideList: ['file:///tmp/list.yaml'] })).name).toBe(
      'InvalidParameters',
    );
    expect((await bad({})).name).toBe('InvalidParameters'); // Operation has no default
  });

  it('keeps the SnapshotId given', async () => {
    const snapshotId = '0b9a2e3e-1111-4222-8333-944445555666';
    await runPatchBaseline(ssm, ONE, { Operation: 'Scan', SnapshotId: snapshotId });
    expect((await stateOf(ONE))?.SnapshotId).toBe(snapshotId);
  });

  it('patch group views: filters on counts, and the group state', async () => {
    await runPatchBaseline(ssm, ONE, { Operation: 'Install' });
    await runPatchBaseline(ssm, TWO, { Operation: 'Scan' });
    await runPatchBaseline(ssm, IDLE, { Operation: 'Scan' });
    const group = (
      filters: Array<{
        Key: string;
        Values: string[];
        Type: 'Equal' | 'NotEqual' | 'LessThan' | 'GreaterThan';
      }>,
    ) =>
      ssm
        .send(new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'web', Filters: filters }))
        .then((r) => (r.InstancePatchStates ?? []).map((s) => s.InstanceId));
    expect(await group([])).toEqual([ONE, TWO]);
    expect(await group([{ Key: 'MissingCount', Values: ['0'], Type: 'GreaterThan' }])).toEqual([TWO]);
    expect(await group([{ Key: 'MissingCount', Values: ['1'], Type: 'LessThan' }])).toEqual([ONE]);
    expect(await group([{ Key: 'InstalledCount', Values: ['1'], Type: 'Equal' }])).toEqual([ONE]);
    expect(await group([{ Key: 'InstalledCount', Values: ['1'], Type: 'NotEqual' }])).toEqual([TWO]);

    const groupState = await ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'web' }));
    expect(groupState).toMatchObject({
      Instances: 2,
      InstancesWithInstalledPatches: 1,
      InstancesWithMissingPatches: 1,
      InstancesWithInstalledOtherPatches: 2,
      InstancesWithFailedPatches: 0,
      InstancesWithSecurityNonCompliantPatches: 1,
      InstancesWithCriticalNonCompliantPatches: 1,
    });
    expect((await ssm.send(new DescribePatchGroupStateCommand({ PatchGroup: 'none' }))).Instances).toBe(0);
    expect((await stateOf(IDLE))?.PatchGroup).toBe('');
  });

  it('pages DescribeInstancePatches, DescribeInstancePatchStates and the group states', async () => {
    scanner.packages.set(
      ONE,
      Array.from({ length: 25 }, (_, i) => pkg(`lib${String(i).padStart(2, '0')}`)),
    );
    await runPatchBaseline(ssm, ONE, { Operation: 'Scan' });
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(
        new DescribeInstancePatchesCommand({ InstanceId: ONE, MaxResults: 10, NextToken: token }),
      );
      seen.push(...(page.Patches ?? []).map((p) => p.KBId!));
      token = page.NextToken;
    } while (token);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);

    await runPatchBaseline(ssm, TWO, { Operation: 'Scan' });
    const first = await ssm.send(
      new DescribeInstancePatchStatesCommand({
        InstanceIds: [ONE, TWO, IDLE, ...Array(9).fill(ONE)],
        MaxResults: 10,
      }),
    );
    expect(first.InstancePatchStates?.map((s) => s.InstanceId)).toEqual([ONE, TWO]);
    expect(first.NextToken).toBeUndefined();
  });

  it('answers AWS errors: unknown instance, bad filters, bad tokens', async () => {
    await runPatchBaseline(ssm, ONE, { Operation: 'Scan' });
    expect((await errorOf(() => patchesOf('i-0123456789abcdef9'))).name).toBe('InvalidInstanceId');
    expect(await patchesOf(IDLE)).toEqual([]); // a managed instance never patched
    expect((await errorOf(() => patchesOf(ONE, [{ Key: 'Name', Values: ['x'] }]))).name).toBe(
      'InvalidFilter',
    );
    expect((await errorOf(() => patchesOf(ONE, [{ Key: 'State', Values: [] }]))).name).toBe('InvalidFilter');
    const groupError = (Key: string, value: string) =>
      errorOf(() =>
        ssm.send(
          new DescribeInstancePatchStatesForPatchGroupCommand({
            PatchGroup: 'web',
            Filters: [{ Key, Values: [value], Type: 'Equal' }],
          }),
        ),
      );
    expect((await groupError('MissingCount', 'many')).name).toBe('InvalidFilter');
    expect((await groupError('AvailableSecurityUpdateCount', '1')).name).toBe('InvalidFilter');
    expect(
      (
        await errorOf(() =>
          ssm.send(new DescribeInstancePatchesCommand({ InstanceId: ONE, NextToken: 'bogus' })),
        )
      ).name,
    ).toBe('InvalidNextToken');
    expect(
      (
        await errorOf(() =>
          ssm.send(
            new DescribeInstancePatchStatesForPatchGroupCommand({ PatchGroup: 'web', NextToken: 'bogus' }),
          ),
        )
      ).name,
    ).toBe('InvalidNextToken');
    expect(
      (
        await errorOf(() =>
          ssm.send(new DescribeInstancePatchStatesCommand({ InstanceIds: [ONE], NextToken: 'x' })),
        )
      ).name,
    ).toBe('InvalidNextToken');
  });
});

describe('InstallOverrideList content (AWS install_override_list.py)', () => {
  const verdict = (name: string, title: string) =>
    ({ package: pkg(name), kbId: `${name}.amd64`, title }) as unknown as PatchVerdict;

  it('reads `patches:` entries with an id and an optional title, and matches them', () => {
    const list = parseInstallOverrideList(
      'patches:\n  - id: openssl.amd64\n    title: "openssl.amd64:3.0.*"\n  - id: tzdata\n',
    );
    expect(list).toEqual([{ id: 'openssl.amd64', title: 'openssl.amd64:3.0.*' }, { id: 'tzdata' }]);
    expect(onOverrideList(verdict('openssl', 'openssl.amd64:3.0.15-1'), list)).toBe(true);
    expect(onOverrideList(verdict('openssl', 'openssl.amd64:3.1.0-1'), list)).toBe(false);
    expect(onOverrideList(verdict('tzdata', 'tzdata.amd64:2024b'), list)).toBe(true);
    expect(onOverrideList(verdict('bash', 'bash.amd64:5.2'), list)).toBe(false);
  });

  it('refuses content that is not a mapping, and entries without an id', () => {
    expect(() => parseInstallOverrideList('- a\n- b\n')).toThrow(
      'The content of the provided InstallOverrideList is invalid.',
    );
    expect(() => parseInstallOverrideList('patches:\n  - title: x\n')).toThrow(
      'Must provide an id for each patch',
    );
    expect(parseInstallOverrideList('other: 1\n')).toEqual([]);
  });
});
