// The patch baseline API against a real server with a memory fleet and a fake executor: round trips
// of own baselines, AWS's predefined baselines and their ARNs per region, defaults, patch groups,
// patch properties, the snapshot for an instance, tags, and every error.
import {
  AddTagsToResourceCommand,
  CreatePatchBaselineCommand,
  type CreatePatchBaselineCommandInput,
  DeletePatchBaselineCommand,
  DeregisterPatchBaselineForPatchGroupCommand,
  DescribeAvailablePatchesCommand,
  DescribeEffectivePatchesForPatchBaselineCommand,
  DescribePatchBaselinesCommand,
  DescribePatchGroupsCommand,
  DescribePatchPropertiesCommand,
  GetDefaultPatchBaselineCommand,
  GetDeployablePatchSnapshotForInstanceCommand,
  GetPatchBaselineCommand,
  GetPatchBaselineForPatchGroupCommand,
  ListTagsForResourceCommand,
  RegisterDefaultPatchBaselineCommand,
  RegisterPatchBaselineForPatchGroupCommand,
  type SSMClient,
  UpdatePatchBaselineCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { MemoryFleet } from '../src/instances/index.js';
import { FakeExecutor } from './support/fake-executor.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const DEBIAN_US_EAST_1 = 'arn:aws:ssm:us-east-1:075727635805:patchbaseline/pb-09a5f8eb62bde80b1';
const WEB = 'i-0000000000000000a';
const BOOKWORM =
  'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const START = Date.parse('2030-01-01T00:00:00Z');

const DEBIAN_RULES: Partial<CreatePatchBaselineCommandInput> = {
  OperatingSystem: 'DEBIAN',
  ApprovalRules: {
    PatchRules: [
      {
        PatchFilterGroup: {
          PatchFilters: [
            { Key: 'PRODUCT', Values: ['Debian12'] },
            { Key: 'PRIORITY', Values: ['Required', 'Important'] },
          ],
        },
        ApproveAfterDays: 0,
        ComplianceLevel: 'HIGH',
      },
    ],
  },
};

describe('patch baselines API', () => {
  let server: TestServer;
  let ssm: SSMClient;
  let osRelease: string;

  beforeEach(async () => {
    osRelease = BOOKWORM;
    const fleet = new MemoryFleet([{ id: WEB, name: 'web', tags: { 'Patch Group': 'web' } }]);
    const executor = new FakeExecutor(() => ({ exitCode: 0, stdout: osRelease }));
    server = await startTestServer({ clock: new FakeClock(START), fleet, executor });
    ssm = server.client();
  });
  afterEach(async () => server?.stop());

  const create = async (input: Partial<CreatePatchBaselineCommandInput> = {}) =>
    (await ssm.send(new CreatePatchBaselineCommand({ Name: 'debian-prod', ...DEBIAN_RULES, ...input })))
      .BaselineId!;

  it('creates, reads, updates and deletes a baseline', async () => {
    const id = await create({
      Description: 'prod',
      RejectedPatches: ['telnet'],
      RejectedPatchesAction: 'BLOCK',
    });
    expect(id).toMatch(/^pb-[0-9a-f]{17}$/);
    const got = await ssm.send(new GetPatchBaselineCommand({ BaselineId: id }));
    expect(got).toMatchObject({
      BaselineId: id,
      Name: 'debian-prod',
      OperatingSystem: 'DEBIAN',
      Description: 'prod',
      RejectedPatches: ['telnet'],
      RejectedPatchesAction: 'BLOCK',
      ApprovedPatches: [],
      ApprovedPatchesComplianceLevel: 'UNSPECIFIED',
      ApprovedPatchesEnableNonSecurity: false,
      PatchGroups: [],
      GlobalFilters: { PatchFilters: [] },
      Sources: [],
    });
    expect(got.ApprovalRules?.PatchRules?.[0]).toMatchObject({
      ApproveAfterDays: 0,
      ComplianceLevel: 'HIGH',
    });
    expect(got.CreatedDate?.getTime()).toBe(START);
    // By its ARN in this account and region too.
    const arn = `arn:aws:ssm:us-east-1:000000000000:patchbaseline/${id}`;
    expect((await ssm.send(new GetPatchBaselineCommand({ BaselineId: arn }))).BaselineId).toBe(id);
    const otherAccount = await errorOf(() =>
      ssm.send(new GetPatchBaselineCommand({ BaselineId: arn.replace('000000000000', '111122223333') })),
    );
    expect(otherAccount.name).toBe('DoesNotExistException');

    const updated = await ssm.send(
      new UpdatePatchBaselineCommand({ BaselineId: id, Description: 'changed' }),
    );
    expect(updated).toMatchObject({
      Name: 'debian-prod',
      Description: 'changed',
      RejectedPatches: ['telnet'],
    });
    const replaced = await ssm.send(
      new UpdatePatchBaselineCommand({
        BaselineId: id,
        Name: 'debian-new',
        Replace: true,
        ApprovedPatches: ['curl'],
      }),
    );
    expect(replaced).toMatchObject({
      Name: 'debian-new',
      OperatingSystem: 'DEBIAN',
      ApprovedPatches: ['curl'],
    });
    expect(replaced.RejectedPatches).toEqual([]);
    expect(replaced.ApprovalRules).toEqual({ PatchRules: [] });

    expect((await ssm.send(new DeletePatchBaselineCommand({ BaselineId: id }))).BaselineId).toBe(id);
    const gone = await errorOf(() => ssm.send(new GetPatchBaselineCommand({ BaselineId: id })));
    expect(gone.name).toBe('DoesNotExistException');
    expect(gone.message).toBe('Patch Baseline to be retrieved does not exist.');
    // Deleting again succeeds.
    expect((await ssm.send(new DeletePatchBaselineCommand({ BaselineId: id }))).BaselineId).toBe(id);
  });

  it('answers the same baseline for a repeated ClientToken and refuses a different request', async () => {
    const first = await create({ ClientToken: 'token-1' });
    expect(await create({ ClientToken: 'token-1' })).toBe(first);
    const mismatch = await errorOf(() => create({ ClientToken: 'token-1', Description: 'other' }));
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
  });

  it('lists AWS predefined baselines with their ARNs per region', async () => {
    const aws = await ssm.send(
      new DescribePatchBaselinesCommand({ Filters: [{ Key: 'OWNER', Values: ['AWS'] }] }),
    );
    const debian = aws.BaselineIdentities!.find((b) => b.OperatingSystem === 'DEBIAN');
    expect(debian).toEqual({
      BaselineId: DEBIAN_US_EAST_1,
      BaselineName: 'AWS-DebianDefaultPatchBaseline',
      OperatingSystem: 'DEBIAN',
      BaselineDescription: 'Default Patch Baseline for Debian Provided by AWS.',
      DefaultBaseline: true,
    });
    const names = aws.BaselineIdentities!.map((b) => b.BaselineName);
    expect(names).toEqual(
      expect.arrayContaining([
        'AWS-UbuntuDefaultPatchBaseline',
        'AWS-AmazonLinux2DefaultPatchBaseline',
        'AWS-AmazonLinux2023DefaultPatchBaseline',
        'AWS-DefaultPatchBaseline',
      ]),
    );
    const predefined = await ssm.send(new GetPatchBaselineCommand({ BaselineId: DEBIAN_US_EAST_1 }));
    expect(predefined).toMatchObject({
      BaselineId: DEBIAN_US_EAST_1,
      Name: 'AWS-DebianDefaultPatchBaseline',
    });
    const priority = predefined.ApprovalRules!.PatchRules![0]!.PatchFilterGroup!.PatchFilters!.find(
      (f) => f.Key === 'PRIORITY',
    );
    expect(priority?.Values).toEqual(['Required', 'Important', 'Standard', 'Optional', 'Extra']);

    // Another region has its own copies.
    const frankfurt = server.client('eu-central-1');
    const def = await frankfurt.send(new GetDefaultPatchBaselineCommand({ OperatingSystem: 'DEBIAN' }));
    expect(def.BaselineId).toMatch(/^arn:aws:ssm:eu-central-1:\d{12}:patchbaseline\/pb-[0-9a-f]{17}$/);
    expect(def.BaselineId).not.toBe(DEBIAN_US_EAST_1);
    // The bare id of a predefined baseline is not enough: AWS requires the ARN.
    const bare = await errorOf(() =>
      ssm.send(new GetPatchBaselineCommand({ BaselineId: 'pb-09a5f8eb62bde80b1' })),
    );
    expect(bare.name).toBe('DoesNotExistException');
  });

  it('filters and pages DescribePatchBaselines', async () => {
    const mine = await create();
    await create({ Name: 'other-debian' });
    const self = await ssm.send(
      new DescribePatchBaselinesCommand({ Filters: [{ Key: 'OWNER', Values: ['Self'] }] }),
    );
    expect(self.BaselineIdentities!.map((b) => b.BaselineId)).toContain(mine);
    expect(self.BaselineIdentities).toHaveLength(2);
    const prefix = await ssm.send(
      new DescribePatchBaselinesCommand({
        Filters: [
          { Key: 'NAME_PREFIX', Values: ['debian-'] },
          { Key: 'OPERATING_SYSTEM', Values: ['DEBIAN'] },
        ],
      }),
    );
    expect(prefix.BaselineIdentities).toEqual([
      { BaselineId: mine, BaselineName: 'debian-prod', OperatingSystem: 'DEBIAN', DefaultBaseline: false },
    ]);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await ssm.send(new DescribePatchBaselinesCommand({ MaxResults: 4, NextToken: token }));
      expect(page.BaselineIdentities!.length).toBeLessThanOrEqual(4);
      seen.push(...page.BaselineIdentities!.map((b) => b.BaselineId!));
      token = page.NextToken;
    } while (token);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(15 + 2);
    const badKey = await errorOf(() =>
      ssm.send(new DescribePatchBaselinesCommand({ Filters: [{ Key: 'COLOUR', Values: ['x'] }] })),
    );
    expect(badKey.name).toBe('ValidationException');
  });

  it('registers defaults per operating system and refuses to delete a default', async () => {
    expect((await ssm.send(new GetDefaultPatchBaselineCommand({}))).OperatingSystem).toBe('WINDOWS');
    const id = await create();
    expect((await ssm.send(new RegisterDefaultPatchBaselineCommand({ BaselineId: id }))).BaselineId).toBe(id);
    expect(await ssm.send(new GetDefaultPatchBaselineCommand({ OperatingSystem: 'DEBIAN' }))).toMatchObject({
      BaselineId: id,
      OperatingSystem: 'DEBIAN',
    });
    const identity = await ssm.send(
      new DescribePatchBaselinesCommand({ Filters: [{ Key: 'OPERATING_SYSTEM', Values: ['DEBIAN'] }] }),
    );
    expect(identity.BaselineIdentities!.find((b) => b.BaselineId === DEBIAN_US_EAST_1)?.DefaultBaseline).toBe(
      false,
    );
    expect(identity.BaselineIdentities!.find((b) => b.BaselineId === id)?.DefaultBaseline).toBe(true);
    const inUse = await errorOf(() => ssm.send(new DeletePatchBaselineCommand({ BaselineId: id })));
    expect(inUse.name).toBe('ResourceInUseException');
    // Back to AWS's by its ARN.
    await ssm.send(new RegisterDefaultPatchBaselineCommand({ BaselineId: DEBIAN_US_EAST_1 }));
    expect(
      (await ssm.send(new GetDefaultPatchBaselineCommand({ OperatingSystem: 'DEBIAN' }))).BaselineId,
    ).toBe(DEBIAN_US_EAST_1);
    await ssm.send(new DeletePatchBaselineCommand({ BaselineId: id }));
    const predefined = await errorOf(() =>
      ssm.send(new DeletePatchBaselineCommand({ BaselineId: DEBIAN_US_EAST_1 })),
    );
    expect(predefined.name).toBe('ResourceInUseException');
    const update = await errorOf(() =>
      ssm.send(new UpdatePatchBaselineCommand({ BaselineId: DEBIAN_US_EAST_1, Name: 'mine' })),
    );
    expect(update.name).toBe('DoesNotExistException');
    const missing = await errorOf(() =>
      ssm.send(new RegisterDefaultPatchBaselineCommand({ BaselineId: 'pb-0123456789abcdef0' })),
    );
    expect(missing.name).toBe('DoesNotExistException');
    const invalid = await errorOf(() =>
      ssm.send(new GetPatchBaselineCommand({ BaselineId: 'arn:aws:s3:::not-a-baseline-at-all' })),
    );
    expect(invalid.name).toBe('InvalidResourceId');
  });

  it('registers patch groups, one baseline per operating system', async () => {
    const id = await create();
    await ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: id, PatchGroup: 'web' }));
    await ssm.send(
      new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: DEBIAN_US_EAST_1, PatchGroup: 'db' }),
    );
    const again = await errorOf(() =>
      ssm.send(
        new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: DEBIAN_US_EAST_1, PatchGroup: 'web' }),
      ),
    );
    expect(again.name).toBe('AlreadyExistsException');
    expect(again.message).toBe(
      'Patch Group baseline already has a baseline registered for OperatingSystem DEBIAN.',
    );

    expect(
      await ssm.send(
        new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'web', OperatingSystem: 'DEBIAN' }),
      ),
    ).toMatchObject({ BaselineId: id, PatchGroup: 'web', OperatingSystem: 'DEBIAN' });
    // Without a registration for the OS, the OS default.
    const ubuntu = await ssm.send(
      new GetPatchBaselineForPatchGroupCommand({ PatchGroup: 'web', OperatingSystem: 'UBUNTU' }),
    );
    expect(ubuntu.BaselineId).toBe(
      (await ssm.send(new GetDefaultPatchBaselineCommand({ OperatingSystem: 'UBUNTU' }))).BaselineId,
    );
    expect((await ssm.send(new GetPatchBaselineCommand({ BaselineId: id }))).PatchGroups).toEqual(['web']);

    const groups = await ssm.send(new DescribePatchGroupsCommand({}));
    expect(groups.Mappings).toEqual([
      {
        PatchGroup: 'db',
        BaselineIdentity: expect.objectContaining({ BaselineId: DEBIAN_US_EAST_1, DefaultBaseline: true }),
      },
      {
        PatchGroup: 'web',
        BaselineIdentity: expect.objectContaining({ BaselineId: id, BaselineName: 'debian-prod' }),
      },
    ]);
    const filtered = await ssm.send(
      new DescribePatchGroupsCommand({ Filters: [{ Key: 'NAME_PREFIX', Values: ['w'] }], MaxResults: 1 }),
    );
    expect(filtered.Mappings!.map((m) => m.PatchGroup)).toEqual(['web']);
    const paged = await ssm.send(new DescribePatchGroupsCommand({ MaxResults: 1 }));
    expect(paged.NextToken).toBeDefined();
    const next = await ssm.send(
      new DescribePatchGroupsCommand({ MaxResults: 1, NextToken: paged.NextToken }),
    );
    expect(next.Mappings!.map((m) => m.PatchGroup)).toEqual(['web']);

    const inUse = await errorOf(() => ssm.send(new DeletePatchBaselineCommand({ BaselineId: id })));
    expect(inUse.name).toBe('ResourceInUseException');
    expect(inUse.message).toBe('PatchBaseline to be deleted is used for Patch Group: web');

    await ssm.send(new DeregisterPatchBaselineForPatchGroupCommand({ BaselineId: id, PatchGroup: 'web' }));
    const notRegistered = await errorOf(() =>
      ssm.send(new DeregisterPatchBaselineForPatchGroupCommand({ BaselineId: id, PatchGroup: 'web' })),
    );
    expect(notRegistered.name).toBe('InvalidResourceId');
    await ssm.send(new DeletePatchBaselineCommand({ BaselineId: id }));
  });

  it('limits patch groups per baseline and baselines per account', async () => {
    const id = await create();
    for (let i = 0; i < 25; i++) {
      await ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: id, PatchGroup: `g${i}` }));
    }
    const groups = await errorOf(() =>
      ssm.send(new RegisterPatchBaselineForPatchGroupCommand({ BaselineId: id, PatchGroup: 'g25' })),
    );
    expect(groups.name).toBe('ResourceLimitExceededException');
    for (let i = 1; i < 50; i++) await create({ Name: `baseline-${i}` });
    const baselines = await errorOf(() => create({ Name: 'one-too-many' }));
    expect(baselines.name).toBe('ResourceLimitExceededException');
  });

  it('validates rules as AWS does', async () => {
    const rule = (extra: object) => ({
      ApprovalRules: {
        PatchRules: [
          {
            PatchFilterGroup: { PatchFilters: [{ Key: 'PRIORITY' as const, Values: ['Required'] }] },
            ...extra,
          },
        ],
      },
    });
    for (const bad of [
      rule({}),
      rule({ ApproveAfterDays: 1, ApproveUntilDate: '2030-01-01' }),
      rule({ ApproveUntilDate: '2030-02-30' }),
      rule({ ApproveUntilDate: '01/02/2030' }),
      { GlobalFilters: { PatchFilters: [{ Key: 'MSRC_SEVERITY' as const, Values: ['Critical'] }] } },
      { ApprovedPatches: ['curl=7.88.1-10'] },
      {
        OperatingSystem: 'AMAZON_LINUX_2' as const,
        GlobalFilters: { PatchFilters: [{ Key: 'SECTION' as const, Values: ['*'] }] },
      },
      { OperatingSystem: 'WINDOWS' as const, ApprovedPatches: ['curl'] },
    ]) {
      const error = await errorOf(() => create(bad));
      expect(error.name).toBe('ValidationException');
    }
    const range = await errorOf(() => create(rule({ ApproveAfterDays: 361 })));
    expect(range.name).toBe('ValidationException');
    expect(range.message).toContain('Member must have value less than or equal to 360');
    expect(await create(rule({ ApproveUntilDate: '2030-02-28' }))).toMatch(/^pb-/);
  });

  it('lists patch properties per operating system', async () => {
    const products = await ssm.send(
      new DescribePatchPropertiesCommand({ OperatingSystem: 'DEBIAN', Property: 'PRODUCT' }),
    );
    expect(products.Properties).toContainEqual({ Name: 'Debian12' });
    const priorities = await ssm.send(
      new DescribePatchPropertiesCommand({ OperatingSystem: 'DEBIAN', Property: 'PRIORITY', MaxResults: 2 }),
    );
    expect(priorities.Properties).toEqual([{ Name: 'Required' }, { Name: 'Important' }]);
    const rest = await ssm.send(
      new DescribePatchPropertiesCommand({
        OperatingSystem: 'DEBIAN',
        Property: 'PRIORITY',
        NextToken: priorities.NextToken,
      }),
    );
    expect(rest.Properties!.map((p) => p.Name)).toEqual(['Standard', 'Optional', 'Extra']);
    const severity = await ssm.send(
      new DescribePatchPropertiesCommand({ OperatingSystem: 'AMAZON_LINUX_2', Property: 'SEVERITY' }),
    );
    expect(severity.Properties).toContainEqual({ Name: 'Critical' });
    const invalid = await errorOf(() =>
      ssm.send(new DescribePatchPropertiesCommand({ OperatingSystem: 'DEBIAN', Property: 'MSRC_SEVERITY' })),
    );
    expect(invalid.name).toBe('ValidationException');
  });

  it('answers what AWS documents for available and effective patches', async () => {
    const available = await ssm.send(
      new DescribeAvailablePatchesCommand({ Filters: [{ Key: 'PRODUCT', Values: ['Debian12'] }] }),
    );
    expect(available.Patches).toEqual([]);
    const linux = await errorOf(() =>
      ssm.send(new DescribeEffectivePatchesForPatchBaselineCommand({ BaselineId: DEBIAN_US_EAST_1 })),
    );
    expect(linux.name).toBe('UnsupportedOperatingSystem');
    const windows = (await ssm.send(new GetDefaultPatchBaselineCommand({}))).BaselineId!;
    const effective = await ssm.send(
      new DescribeEffectivePatchesForPatchBaselineCommand({ BaselineId: windows }),
    );
    expect(effective.EffectivePatches).toEqual([]);
  });

  it('answers a deployable snapshot with the instance product', async () => {
    const snapshotId = '521c3536-930c-4aa9-950e-01234567abcd';
    const snapshot = await ssm.send(
      new GetDeployablePatchSnapshotForInstanceCommand({ InstanceId: WEB, SnapshotId: snapshotId }),
    );
    expect(snapshot).toMatchObject({ InstanceId: WEB, SnapshotId: snapshotId, Product: 'Debian12' });
    expect(snapshot.SnapshotDownloadUrl).toMatch(
      new RegExp(
        `^https://patch-baseline-snapshot-us-east-1\\.s3\\.amazonaws\\.com/[0-9a-f]{64}-000000000000/DEBIAN-${snapshotId}\\?X-Amz-Algorithm=AWS4-HMAC-SHA256&`,
      ),
    );
    const overridden = await ssm.send(
      new GetDeployablePatchSnapshotForInstanceCommand({
        InstanceId: WEB,
        SnapshotId: snapshotId,
        BaselineOverride: { OperatingSystem: 'DEBIAN', ApprovedPatches: ['curl'] },
      }),
    );
    expect(overridden.SnapshotDownloadUrl).not.toBe(snapshot.SnapshotDownloadUrl);
    osRelease = 'NAME="Debian GNU/Linux"\nVERSION_ID="13"\nID=debian\n';
    const trixie = await errorOf(() =>
      ssm.send(new GetDeployablePatchSnapshotForInstanceCommand({ InstanceId: WEB, SnapshotId: snapshotId })),
    );
    expect(trixie.name).toBe('UnsupportedOperatingSystem');
    const unknown = await errorOf(() =>
      ssm.send(
        new GetDeployablePatchSnapshotForInstanceCommand({
          InstanceId: 'i-0000000000000000f',
          SnapshotId: snapshotId,
        }),
      ),
    );
    expect(unknown.name).toBe('InvalidInstanceId');
  });

  it('tags own baselines only', async () => {
    const id = await create({ Tags: [{ Key: 'Env', Value: 'prod' }] });
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'PatchBaseline',
        ResourceId: id,
        Tags: [{ Key: 'Team', Value: 'ops' }],
      }),
    );
    const tags = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'PatchBaseline', ResourceId: id }),
    );
    expect(tags.TagList).toEqual([
      { Key: 'Env', Value: 'prod' },
      { Key: 'Team', Value: 'ops' },
    ]);
    const predefined = await errorOf(() =>
      ssm.send(
        new ListTagsForResourceCommand({ ResourceType: 'PatchBaseline', ResourceId: DEBIAN_US_EAST_1 }),
      ),
    );
    expect(predefined.name).toBe('InvalidResourceId');
  });
});
