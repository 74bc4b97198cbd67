// Shared by the compliance test files (test/compliance*.test.ts): a real server with a MemoryFleet of
// three instances, its store emptied before every test, and the calls those tests make.
import {
  ListComplianceItemsCommand,
  ListComplianceSummariesCommand,
  ListResourceComplianceSummariesCommand,
  PutComplianceItemsCommand,
  type ComplianceItemEntry,
  type ComplianceStringFilter,
  type PutComplianceItemsCommandInput,
} from '@aws-sdk/client-ssm';
import { beforeEach } from 'vitest';
import { MemoryFleet } from '../src/instances/index.js';
import { useTestServer } from './server-helpers.js';
import { FakeExecutor } from './support/fake-executor.js';
import { startTestServer } from './support/server.js';

export const ONE = 'i-0000000000000000a';
export const TWO = 'i-0000000000000000b';
export const HYBRID = 'mi-0000000000000000c';
export const TIME = new Date('2019-02-18T16:00:00Z');

/** Registers the suite's hooks (call it inside describe) and answers the server and its calls. */
export function useComplianceServer() {
  const bed = useTestServer(() => {
    const fleet = new MemoryFleet([
      { id: ONE, name: 'one' },
      { id: TWO, name: 'two', platformType: 'Windows' },
      { id: HYBRID, name: 'three' },
    ]);
    return startTestServer({ fleet, executor: new FakeExecutor(() => ({ exitCode: 0 })) });
  });
  // Every test starts from an empty store.
  beforeEach(async () => bed.server.ssm.runtime.services.store.reset());
  return Object.assign(bed, {
    put: (input: Partial<PutComplianceItemsCommandInput> & { Items: ComplianceItemEntry[] }) =>
      bed.ssm.send(
        new PutComplianceItemsCommand({
          ResourceId: ONE,
          ResourceType: 'ManagedInstance',
          ComplianceType: 'Custom:AVCheck',
          ExecutionSummary: { ExecutionTime: TIME },
          ...input,
        }),
      ),
    items: async (filters?: ComplianceStringFilter[], resourceId = ONE) =>
      (await bed.ssm.send(new ListComplianceItemsCommand({ ResourceIds: [resourceId], Filters: filters })))
        .ComplianceItems!,
    resourceSummaries: async (filters?: ComplianceStringFilter[]) =>
      (await bed.ssm.send(new ListResourceComplianceSummariesCommand({ Filters: filters })))
        .ResourceComplianceSummaryItems!,
    summaries: async (filters?: ComplianceStringFilter[]) =>
      (await bed.ssm.send(new ListComplianceSummariesCommand({ Filters: filters }))).ComplianceSummaryItems!,
  });
}
