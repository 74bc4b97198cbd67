// Inventory through the real SDK against a real server: a MemoryFleet of three instances (no Docker),
// PutInventory and the gatherer's putGathered feeding ListInventoryEntries, GetInventory's filters,
// aggregators and groups, GetInventorySchema, DeleteInventory and every error users meet.
import {
  DeleteInventoryCommand,
  DescribeInventoryDeletionsCommand,
  GetInventoryCommand,
  GetInventorySchemaCommand,
  type InventoryAggregator,
  type InventoryFilter,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { backgroundContext } from '../src/core/context.js';
import { INVENTORY } from '../src/inventory/api.js';
import { BARE, custom, LINUX, TIME, useInventoryServer, WINDOWS } from './inventory-helpers.js';
import { errorOf } from './support/server.js';

describe('Inventory API (memory fleet)', () => {
  const bed = useInventoryServer(
    [
      { id: LINUX, name: 'linux', tags: { Role: 'web' } },
      { id: WINDOWS, name: 'windows', platformType: 'Windows' },
      { id: BARE, name: 'bare' },
    ],
    async () => {
      const inventory = bed.server.ssm.runtime.services.registry.get(INVENTORY);
      const services = bed.server.ssm.runtime.services;
      const ctx = backgroundContext(services, services.config.defaultAccountId, 'us-east-1', 'test');
      const app = (Name: string, Version: string) => ({ Name, Version, Publisher: 'Example' });
      await inventory.putGathered(ctx, LINUX, [
        {
          TypeName: 'AWS:Application',
          SchemaVersion: '1.1',
          CaptureTime: TIME,
          Content: [app('nginx', '1.24'), app('curl', '8.0'), app('curl', '8.0')],
        },
      ]);
      await inventory.putGathered(ctx, WINDOWS, [
        {
          TypeName: 'AWS:Application',
          SchemaVersion: '1.1',
          CaptureTime: TIME,
          Content: [app('curl', '7.9'), app('chrome', '120')],
        },
        { TypeName: 'AWS:Network', SchemaVersion: '1.0', CaptureTime: TIME, Content: [{ Name: 'eth0' }] },
      ]);
    },
  );
  const { put, entries } = bed;
  const aggregate = async (aggregators: InventoryAggregator[], filters?: InventoryFilter[]) =>
    (
      await bed.ssm.send(
        new GetInventoryCommand({ Aggregators: aggregators, ...(filters ? { Filters: filters } : {}) }),
      )
    ).Entities;

  it('stores custom inventory that ListInventoryEntries answers', async () => {
    await put(LINUX, custom('Custom:RackInfo', [{ RackLocation: 'Bay B', Zone: 'z1' }]));
    expect(await entries(LINUX, 'Custom:RackInfo')).toMatchObject({
      TypeName: 'Custom:RackInfo',
      InstanceId: LINUX,
      SchemaVersion: '1.0',
      CaptureTime: TIME,
      Entries: [{ RackLocation: 'Bay B', Zone: 'z1' }],
    });
    const none = await entries(BARE, 'Custom:RackInfo');
    expect(none.Entries).toEqual([]);
    expect(none.SchemaVersion).toBeUndefined();
  });

  it('filters and pages ListInventoryEntries', async () => {
    const curl = await entries(LINUX, 'AWS:Application', { Filters: [{ Key: 'Name', Values: ['curl'] }] });
    expect(curl.Entries).toHaveLength(2);
    const prefixed = await entries(LINUX, 'AWS:Application', {
      Filters: [{ Key: 'AWS:Application.Name', Values: ['ng'], Type: 'BeginWith' }],
    });
    expect(prefixed.Entries?.map((e) => e.Name)).toEqual(['nginx']);
    const first = await entries(LINUX, 'AWS:Application', { MaxResults: 2 });
    expect(first.Entries).toHaveLength(2);
    const rest = await entries(LINUX, 'AWS:Application', { MaxResults: 2, NextToken: first.NextToken });
    expect(rest.Entries).toHaveLength(1);
    expect(rest.NextToken).toBeUndefined();
  });

  it('keeps the content when the ContentHash has not changed', async () => {
    await put(WINDOWS, custom('Custom:Hashed', [{ V: 'one' }], { ContentHash: 'h1' }));
    await put(
      WINDOWS,
      custom('Custom:Hashed', [{ V: 'two' }], { ContentHash: 'h1', CaptureTime: '2030-01-02T00:00:00Z' }),
    );
    const same = await entries(WINDOWS, 'Custom:Hashed');
    expect(same.Entries).toEqual([{ V: 'one' }]);
    expect(same.CaptureTime).toBe('2030-01-02T00:00:00Z');
    await put(WINDOWS, custom('Custom:Hashed', [{ V: 'three' }], { ContentHash: 'h2' }));
    expect((await entries(WINDOWS, 'Custom:Hashed')).Entries).toEqual([{ V: 'three' }]);
  });

  it('lists every managed instance with its AWS:InstanceInformation, gathered or not', async () => {
    const all = await bed.ssm.send(new GetInventoryCommand({}));
    expect(all.Entities?.map((e) => e.Id)).toEqual([LINUX, WINDOWS, BARE]);
    expect(all.Entities?.[2]?.Data?.['AWS:InstanceInformation']).toMatchObject({
      TypeName: 'AWS:InstanceInformation',
      SchemaVersion: '1.0',
      Content: [{ InstanceId: BARE, PlatformType: 'Linux', ResourceType: 'EC2Instance' }],
    });
    const windows = await bed.ssm.send(
      new GetInventoryCommand({
        Filters: [{ Key: 'AWS:InstanceInformation.PlatformType', Values: ['Windows'], Type: 'Equal' }],
      }),
    );
    expect(windows.Entities?.map((e) => e.Id)).toEqual([WINDOWS]);
    const notWindows = await bed.ssm.send(
      new GetInventoryCommand({
        Filters: [{ Key: 'AWS:InstanceInformation.PlatformType', Values: ['Windows'], Type: 'NotEqual' }],
      }),
    );
    expect(notWindows.Entities?.map((e) => e.Id)).toEqual([LINUX, BARE]);
    const withCurl8 = await bed.ssm.send(
      new GetInventoryCommand({
        Filters: [
          { Key: 'AWS:Application.Name', Values: ['curl'] },
          { Key: 'AWS:Application.Version', Values: ['8'], Type: 'BeginWith' },
        ],
        ResultAttributes: [{ TypeName: 'AWS:Application' }],
      }),
    );
    expect(withCurl8.Entities?.map((e) => e.Id)).toEqual([LINUX]);
    expect(withCurl8.Entities?.[0]?.Data?.['AWS:Application']?.Content).toHaveLength(3);
    const newer = await bed.ssm.send(
      new GetInventoryCommand({
        Filters: [{ Key: 'AWS:Application.Version', Values: ['100'], Type: 'GreaterThan' }],
      }),
    );
    expect(newer.Entities?.map((e) => e.Id)).toEqual([WINDOWS]);
  });

  it('pages GetInventory', async () => {
    const first = await bed.ssm.send(new GetInventoryCommand({ MaxResults: 2 }));
    expect(first.Entities?.map((e) => e.Id)).toEqual([LINUX, WINDOWS]);
    const rest = await bed.ssm.send(new GetInventoryCommand({ MaxResults: 2, NextToken: first.NextToken }));
    expect(rest.Entities?.map((e) => e.Id)).toEqual([BARE]);
    expect(rest.NextToken).toBeUndefined();
  });

  it('counts instances by platform, by application and by name and version', async () => {
    expect(await aggregate([{ Expression: 'AWS:InstanceInformation.PlatformType' }])).toEqual([
      {
        Data: {
          'AWS:InstanceInformation': {
            Content: [
              { Count: '2', PlatformType: 'Linux' },
              { Count: '1', PlatformType: 'Windows' },
            ],
          },
        },
      },
    ]);
    const byName = await aggregate([{ Expression: 'AWS:Application.Name' }]);
    expect(byName?.[0]?.Data?.['AWS:Application']?.Content).toEqual([
      { Count: '2', Name: 'curl' },
      { Count: '1', Name: 'chrome' },
      { Count: '1', Name: 'nginx' },
    ]);
    const nested = await aggregate([
      {
        Expression: 'AWS:Application.Name',
        Aggregators: [{ Expression: 'AWS:Application.Version' }],
      },
    ]);
    expect(nested?.[0]?.Data?.['AWS:Application']?.Content).toContainEqual({
      Count: '1',
      Name: 'curl',
      Version: '8.0',
    });
    expect(nested?.[0]?.Data?.['AWS:Application']?.Content).toHaveLength(4);
    const byPlatform = await aggregate([
      {
        Expression: 'AWS:Application.Name',
        Aggregators: [{ Expression: 'AWS:InstanceInformation.PlatformType' }],
      },
    ]);
    expect(byPlatform?.[0]?.Data?.['AWS:Application']?.Content).toContainEqual({
      Count: '1',
      Name: 'curl',
      PlatformType: 'Windows',
    });
    const filtered = await aggregate(
      [{ Expression: 'AWS:Application.Name' }],
      [{ Key: 'AWS:InstanceInformation.PlatformType', Values: ['Linux'] }],
    );
    expect(filtered?.[0]?.Data?.['AWS:Application']?.Content).toEqual([
      { Count: '1', Name: 'curl' },
      { Count: '1', Name: 'nginx' },
    ]);
  });

  it('counts the instances in and out of groups', async () => {
    const result = await aggregate([
      {
        Groups: [
          {
            Name: 'Application',
            Filters: [{ Key: 'TypeName', Values: ['AWS:Application'], Type: 'Exists' }],
          },
          {
            Name: 'AppAndNetwork',
            Filters: [
              { Key: 'TypeName', Values: ['AWS:Application'], Type: 'Exists' },
              { Key: 'TypeName', Values: ['AWS:Network'], Type: 'Exists' },
            ],
          },
        ],
      },
    ]);
    expect(result?.[0]?.Data).toEqual({
      Application: { Content: [{ notMatchingCount: '1' }, { matchingCount: '2' }] },
      AppAndNetwork: { Content: [{ notMatchingCount: '2' }, { matchingCount: '1' }] },
    });
  });

  it('answers the schemas of AWS types and of custom types', async () => {
    const all = await bed.ssm.send(new GetInventorySchemaCommand({ MaxResults: 200 }));
    const app = all.Schemas?.find((s) => s.TypeName === 'AWS:Application');
    expect(app?.Version).toBe('1.1');
    expect(app?.Attributes?.[0]).toEqual({ Name: 'Name', DataType: 'STRING' });
    const patch = all.Schemas?.find((s) => s.TypeName === 'AWS:PatchSummary');
    expect(patch?.Attributes).toContainEqual({ Name: 'InstalledCount', DataType: 'NUMBER' });
    expect(all.Schemas?.find((s) => s.TypeName === 'Custom:RackInfo')?.Attributes).toEqual([
      { Name: 'RackLocation', DataType: 'STRING' },
      { Name: 'Zone', DataType: 'STRING' },
    ]);
    const one = await bed.ssm.send(new GetInventorySchemaCommand({ TypeName: 'AWS:AWSComponent' }));
    expect(one.Schemas?.map((s) => s.TypeName)).toEqual(['AWS:AWSComponent']);
    const aggregatable = await bed.ssm.send(
      new GetInventorySchemaCommand({ Aggregator: true, TypeName: 'AWS:' }),
    );
    expect(aggregatable.Schemas?.find((s) => s.TypeName === 'AWS:InstanceInformation')).toEqual({
      TypeName: 'AWS:InstanceInformation',
      Version: '1.0',
      DisplayName: 'Platform',
      Attributes: [
        { Name: 'PlatformName', DataType: 'STRING' },
        { Name: 'PlatformType', DataType: 'STRING' },
        { Name: 'PlatformVersion', DataType: 'STRING' },
      ],
    });
    const page = await bed.ssm.send(new GetInventorySchemaCommand({ MaxResults: 50, TypeName: 'AWS:' }));
    expect(page.NextToken).toBeUndefined();
  });

  it('deletes custom inventory, dry run first, and reports the deletion', async () => {
    await put(LINUX, custom('Custom:Gone', [{ A: '1' }]));
    await put(WINDOWS, custom('Custom:Gone', [{ A: '2' }], { SchemaVersion: '2.0' }));
    const dry = await bed.ssm.send(new DeleteInventoryCommand({ TypeName: 'Custom:Gone', DryRun: true }));
    expect(dry.DeletionId).toBeUndefined();
    expect(dry.DeletionSummary).toEqual({
      TotalCount: 2,
      RemainingCount: 2,
      SummaryItems: [
        { Version: '1.0', Count: 1, RemainingCount: 1 },
        { Version: '2.0', Count: 1, RemainingCount: 1 },
      ],
    });
    expect((await entries(LINUX, 'Custom:Gone')).Entries).toHaveLength(1);
    const token = '0a1b2c3d-0000-4000-8000-000000000001';
    const deleted = await bed.ssm.send(
      new DeleteInventoryCommand({ TypeName: 'Custom:Gone', ClientToken: token }),
    );
    expect(deleted.DeletionId).toMatch(/^[a-f0-9]{8}-/);
    expect(deleted.DeletionSummary?.TotalCount).toBe(2);
    expect((await entries(LINUX, 'Custom:Gone')).Entries).toEqual([]);
    const again = await bed.ssm.send(
      new DeleteInventoryCommand({ TypeName: 'Custom:Gone', ClientToken: token }),
    );
    expect(again.DeletionId).toBe(deleted.DeletionId);
    const status = await bed.ssm.send(
      new DescribeInventoryDeletionsCommand({ DeletionId: deleted.DeletionId }),
    );
    expect(status.InventoryDeletions).toEqual([
      expect.objectContaining({
        DeletionId: deleted.DeletionId,
        TypeName: 'Custom:Gone',
        LastStatus: 'Complete',
        LastStatusMessage: 'Deletion is successful',
        DeletionSummary: expect.objectContaining({ TotalCount: 2, RemainingCount: 0 }),
        DeletionStartTime: expect.any(Date),
      }),
    ]);
    expect(
      (await bed.ssm.send(new DescribeInventoryDeletionsCommand({}))).InventoryDeletions?.length,
    ).toBeGreaterThan(0);
  });

  it('ignores data of a disabled version and forgets a deleted schema', async () => {
    await put(LINUX, custom('Custom:Switch', [{ A: '1' }]));
    await bed.ssm.send(
      new DeleteInventoryCommand({ TypeName: 'Custom:Switch', SchemaDeleteOption: 'DisableSchema' }),
    );
    await put(LINUX, custom('Custom:Switch', [{ A: 'ignored' }]));
    expect((await entries(LINUX, 'Custom:Switch')).Entries).toEqual([]);
    await put(LINUX, custom('Custom:Switch', [{ A: 'back' }], { SchemaVersion: '1.1' }));
    expect((await entries(LINUX, 'Custom:Switch')).Entries).toEqual([{ A: 'back' }]);
    await bed.ssm.send(
      new DeleteInventoryCommand({ TypeName: 'Custom:Switch', SchemaDeleteOption: 'DeleteSchema' }),
    );
    expect(
      (await errorOf(() => bed.ssm.send(new GetInventorySchemaCommand({ TypeName: 'Custom:Switch' })))).name,
    ).toBe('InvalidTypeNameException');
  });
});
