// Shared by the inventory API test files (test/inventory-api*.test.ts): a real server with a
// MemoryFleet (no Docker), a custom inventory item maker and the calls those tests make.
import {
  ListInventoryEntriesCommand,
  PutInventoryCommand,
  type InventoryItem,
  type ListInventoryEntriesRequest,
} from '@aws-sdk/client-ssm';
import { MemoryFleet, type MemoryInstance } from '../src/instances/index.js';
import { useTestServer } from './server-helpers.js';
import { FakeExecutor } from './support/fake-executor.js';
import { startTestServer } from './support/server.js';

export const LINUX = 'i-0000000000000000a';
export const WINDOWS = 'i-0000000000000000b';
export const BARE = 'i-0000000000000000c';
export const TIME = '2030-01-01T00:00:00Z';

export const custom = (
  typeName: string,
  content: Record<string, string>[],
  extra: Partial<InventoryItem> = {},
) => ({
  TypeName: typeName,
  SchemaVersion: '1.0',
  CaptureTime: TIME,
  Content: content,
  ...extra,
});

/**
 * Registers the suite's hooks (call it inside describe): a server with these instances, then `seed`
 * once it runs. Answers the server and its calls.
 */
export function useInventoryServer(
  instances: MemoryInstance[],
  seed: () => Promise<void> = async () => undefined,
) {
  const bed = useTestServer(
    () => startTestServer({ fleet: new MemoryFleet(instances), executor: new FakeExecutor() }),
    seed,
  );
  return Object.assign(bed, {
    put: (instanceId: string, ...items: InventoryItem[]) =>
      bed.ssm.send(new PutInventoryCommand({ InstanceId: instanceId, Items: items })),
    entries: (instanceId: string, typeName: string, extra: Partial<ListInventoryEntriesRequest> = {}) =>
      bed.ssm.send(new ListInventoryEntriesCommand({ InstanceId: instanceId, TypeName: typeName, ...extra })),
  });
}
