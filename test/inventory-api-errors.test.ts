// Inventory's errors through the real SDK against a real server (a MemoryFleet, no Docker): every
// error PutInventory, the read operations and the deletions answer, as users meet them.
import {
  DeleteInventoryCommand,
  DescribeInventoryDeletionsCommand,
  GetInventoryCommand,
  GetInventorySchemaCommand,
  ListInventoryEntriesCommand,
  PutInventoryCommand,
  type DeleteInventoryRequest,
  type GetInventoryRequest,
  type InventoryItem,
  type ListInventoryEntriesRequest,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryFleet } from '../src/instances/index.js';
import { FakeExecutor } from './support/fake-executor.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const LINUX = 'i-0000000000000000a';
const BARE = 'i-0000000000000000c';
const UNKNOWN = 'i-0000000000000000f';
const TIME = '2030-01-01T00:00:00Z';

const custom = (typeName: string, content: Record<string, string>[], extra: Partial<InventoryItem> = {}) => ({
  TypeName: typeName,
  SchemaVersion: '1.0',
  CaptureTime: TIME,
  Content: content,
  ...extra,
});

describe('Inventory API errors (memory fleet)', () => {
  let server: TestServer;
  let ssm: SSMClient;

  beforeAll(async () => {
    const fleet = new MemoryFleet([
      { id: LINUX, name: 'linux' },
      { id: BARE, name: 'bare' },
    ]);
    server = await startTestServer({ fleet, executor: new FakeExecutor() });
    ssm = server.client();
    await put(LINUX, custom('Custom:RackInfo', [{ RackLocation: 'Bay B' }]));
  });
  afterAll(async () => server?.stop());

  const put = (instanceId: string, ...items: InventoryItem[]) =>
    ssm.send(new PutInventoryCommand({ InstanceId: instanceId, Items: items }));
  const entries = (instanceId: string, typeName: string, extra: Partial<ListInventoryEntriesRequest> = {}) =>
    ssm.send(new ListInventoryEntriesCommand({ InstanceId: instanceId, TypeName: typeName, ...extra }));

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
    const get = (input: GetInventoryRequest) => ssm.send(new GetInventoryCommand(input));
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
    expect(await code(() => ssm.send(new GetInventorySchemaCommand({ TypeName: 'Custom:Never' })))).toBe(
      'InvalidTypeNameException',
    );
  });

  it('the deletions', async () => {
    const del = (input: Partial<DeleteInventoryRequest>) =>
      ssm.send(new DeleteInventoryCommand({ TypeName: 'Custom:RackInfo', ...input }));
    expect(await code(() => del({ TypeName: 'AWS:Application' }))).toBe('InvalidTypeNameException');
    expect(await code(() => del({ TypeName: 'Custom:Never' }))).toBe('InvalidTypeNameException');
    await put(LINUX, custom('Custom:Twice', [{ A: '1' }]));
    await ssm.send(
      new DeleteInventoryCommand({ TypeName: 'Custom:Twice', SchemaDeleteOption: 'DisableSchema' }),
    );
    expect(
      await code(() =>
        ssm.send(
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
        ssm.send(
          new DescribeInventoryDeletionsCommand({ DeletionId: '0a1b2c3d-0000-4000-8000-00000000dead' }),
        ),
      ),
    ).toBe('InvalidDeletionIdException');
  });
});
