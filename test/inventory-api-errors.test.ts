// Inventory's errors through the real SDK against a real server (a MemoryFleet, no Docker): every
// error PutInventory, the read operations and the deletions answer, as users meet them.
import {
  DeleteInventoryCommand,
  DescribeInventoryDeletionsCommand,
  GetInventoryCommand,
  GetInventorySchemaCommand,
  type DeleteInventoryRequest,
  type GetInventoryRequest,
} from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { BARE, custom, LINUX, useInventoryServer } from './inventory-helpers.js';
import { errorOf } from './support/server.js';

const UNKNOWN = 'i-0000000000000000f';

describe('Inventory API errors (memory fleet)', () => {
  const bed = useInventoryServer(
    [
      { id: LINUX, name: 'linux' },
      { id: BARE, name: 'bare' },
    ],
    async () => {
      await bed.put(LINUX, custom('Custom:RackInfo', [{ RackLocation: 'Bay B' }]));
    },
  );
  const { put, entries } = bed;

  const code = async (fn: () => Promise<unknown>) => (await errorOf(fn)).name;

  it('PutInventory', async () => {
    const err = await errorOf(() => put(UNKNOWN, custom('Custom:X', [{ A: '1' }])));
    expect(err.name).toBe('InvalidInstanceId');
    expect(await code(() => put(LINUX, custom('AWS:Bogus', [])))).toBe('InvalidTypeNameException');
    expect(await code(() => put(LINUX, custom('Custom:', [])))).toBe('InvalidTypeNameException');
    expect(await code(() => put(LINUX, { ...custom('AWS:Application', []), SchemaVersion: '9.0' }))).toBe(
      'UnsupportedInventorySchemaVersionException',
    );
    const badAttribute = await errorOf(() => put(LINUX, custom('AWS:Application', [{ Colour: 'red' }])));
    expect(badAttribute.name).toBe('InvalidItemContentException');
    expect((badAttribute as unknown as { TypeName: string }).TypeName).toBe('AWS:Application');
    expect(await code(() => put(LINUX, custom('Custom:RackInfo', [{ racklocation: 'x' }])))).toBe(
      'ItemContentMismatchException',
    );
    const big = Array.from({ length: 60 }, () => ({ Blob: 'x'.repeat(4000) }));
    expect(await code(() => put(LINUX, custom('Custom:Big', big)))).toBe('ItemSizeLimitExceededException');
    const huge = Array.from({ length: 300 }, () => ({ Name: 'x'.repeat(4000) }));
    expect(await code(() => put(LINUX, custom('AWS:File', huge)))).toBe('TotalSizeLimitExceededException');
    expect(await code(() => put(LINUX, custom('Custom:Ctx', [], { Context: { ExecutionId: 'e' } })))).toBe(
      'UnsupportedInventoryItemContextException',
    );
    expect(
      await code(() => put(LINUX, custom('AWS:ComplianceItem', [], { Context: { Colour: 'red' } }))),
    ).toBe('InvalidInventoryItemContextException');
    await put(LINUX, custom('AWS:ComplianceItem', [{ Id: 'c1' }], { Context: { ExecutionId: 'e1' } }));
    const many = Array.from({ length: 21 }, (_, i) => custom(`Custom:Many${i}`, [{ A: '1' }]));
    expect(await code(() => put(BARE, ...many.slice(0, 21)))).toBe('CustomSchemaCountLimitExceededException');
    expect(await code(() => put(BARE, custom('Custom:Dup', []), custom('Custom:Dup', [])))).toBe(
      'InvalidItemContentException',
    );
  });

  it('the read operations', async () => {
    expect(await code(() => entries(UNKNOWN, 'AWS:Application'))).toBe('InvalidInstanceId');
    expect(await code(() => entries(LINUX, 'Custom:Never'))).toBe('InvalidTypeNameException');
    expect(
      await code(() => entries(LINUX, 'AWS:Application', { Filters: [{ Key: 'Nope', Values: ['x'] }] })),
    ).toBe('InvalidFilter');
    const get = (input: GetInventoryRequest) => bed.ssm.send(new GetInventoryCommand(input));
    expect(await code(() => get({ Filters: [{ Key: 'AWS:Nope.Name', Values: ['x'] }] }))).toBe(
      'InvalidFilter',
    );
    expect(await code(() => get({ Filters: [{ Key: 'TypeName', Values: ['AWS:Network'] }] }))).toBe(
      'InvalidFilter',
    );
    expect(await code(() => get({ Aggregators: [{ Expression: 'AWS:Application.Publisher' }] }))).toBe(
      'InvalidAggregatorException',
    );
    expect(await code(() => get({ Aggregators: [{}] }))).toBe('InvalidAggregatorException');
    const group = {
      Name: 'g',
      Filters: [{ Key: 'TypeName', Values: ['AWS:Network'], Type: 'Exists' as const }],
    };
    expect(await code(() => get({ Aggregators: [{ Groups: [group, group] }] }))).toBe(
      'InvalidInventoryGroupException',
    );
    expect(await code(() => get({ ResultAttributes: [{ TypeName: 'Custom:Never' }] }))).toBe(
      'InvalidResultAttributeException',
    );
    expect(await code(() => get({ NextToken: 'garbage' }))).toBe('InvalidNextToken');
    expect(await code(() => bed.ssm.send(new GetInventorySchemaCommand({ TypeName: 'Custom:Never' })))).toBe(
      'InvalidTypeNameException',
    );
  });

  it('the deletions', async () => {
    const del = (input: Partial<DeleteInventoryRequest>) =>
      bed.ssm.send(new DeleteInventoryCommand({ TypeName: 'Custom:RackInfo', ...input }));
    expect(await code(() => del({ TypeName: 'AWS:Application' }))).toBe('InvalidTypeNameException');
    expect(await code(() => del({ TypeName: 'Custom:Never' }))).toBe('InvalidTypeNameException');
    await put(LINUX, custom('Custom:Twice', [{ A: '1' }]));
    await bed.ssm.send(
      new DeleteInventoryCommand({ TypeName: 'Custom:Twice', SchemaDeleteOption: 'DisableSchema' }),
    );
    expect(
      await code(() =>
        bed.ssm.send(
          new DeleteInventoryCommand({ TypeName: 'Custom:Twice', SchemaDeleteOption: 'DisableSchema' }),
        ),
      ),
    ).toBe('InvalidOptionException');
    const token = '0a1b2c3d-0000-4000-8000-000000000002';
    await del({ ClientToken: token });
    expect(await code(() => del({ ClientToken: token, SchemaDeleteOption: 'DeleteSchema' }))).toBe(
      'InvalidDeleteInventoryParametersException',
    );
    expect(
      await code(() =>
        bed.ssm.send(
          new DescribeInventoryDeletionsCommand({ DeletionId: '0a1b2c3d-0000-4000-8000-00000000dead' }),
        ),
      ),
    ).toBe('InvalidDeletionIdException');
  });
});
