// Inventory aggregation at fleet scale: an in-process emulator with a MemoryFleet of 1,000 instances,
// each given ~50 applications with PutInventory, then GetInventory timed for aggregated queries
// (instances by platform, by application name, by name and version) and a filtered query.
//   npx tsx bench/inventory-aggregation.ts
// bench/inventory.ts imports aggregationBench() and prints its numbers beside its own.
import { pathToFileURL } from 'node:url';
import { startSsmLocal } from '../src/index.js';
import { FLEET } from '../src/instances/api.js';
import { MemoryFleet, type MemoryInstance } from '../src/instances/index.js';

export interface AggregationBenchResult {
  instances: number;
  applicationsPerInstance: number;
  /** PutInventory of every instance's applications, 16 at a time. */
  putTotalMs: number;
  putPerInstanceMs: number;
  /** Mean milliseconds per GetInventory, measured over the HTTP API. */
  byPlatformMs: number;
  byApplicationMs: number;
  byNameAndVersionMs: number;
  filteredMs: number;
  /** Rows the name-and-version aggregation answered (a sanity figure). */
  nameVersionRows: number;
}

const INSTANCES = 1000;
const APPS_PER_INSTANCE = 50;
const APP_POOL = 300;
const REPEAT = 20;

const instanceId = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;

async function call(endpoint: string, operation: string, body: unknown): Promise<unknown> {
  const res = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${operation} failed: ${res.status} ${text}`);
  return JSON.parse(text);
}

function applications(n: number): Record<string, string>[] {
  const apps: Record<string, string>[] = [];
  for (let k = 0; k < APPS_PER_INSTANCE; k++) {
    const app = (n * 7 + k * 13) % APP_POOL;
    apps.push({
      Name: `app-${app}`,
      Version: `${1 + ((n + app) % 3)}.${app % 10}`,
      Publisher: 'Example Corp',
      ApplicationType: 'System Environment/Libraries',
      Architecture: 'x86_64',
      InstalledTime: '2030-01-01T00:00:00Z',
    });
  }
  return apps;
}

async function timed(endpoint: string, body: unknown): Promise<{ ms: number; result: unknown }> {
  await call(endpoint, 'GetInventory', body); // warm-up
  let result: unknown;
  const start = performance.now();
  for (let i = 0; i < REPEAT; i++) result = await call(endpoint, 'GetInventory', body);
  return { ms: (performance.now() - start) / REPEAT, result };
}

export async function aggregationBench(): Promise<AggregationBenchResult> {
  const declared: MemoryInstance[] = Array.from({ length: INSTANCES }, (_, n) => ({
    id: instanceId(n + 1),
    name: `bench-${n + 1}`,
    platformType: n % 3 === 0 ? 'Windows' : 'Linux',
  }));
  const ssm = await startSsmLocal({
    port: 0,
    dataPath: ':memory:',
    fleetPath: '',
    fleet: new MemoryFleet(declared),
  });
  try {
    await ssm.runtime.services.registry.get(FLEET).whenReady();
    const putStart = performance.now();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < INSTANCES) {
        const n = next++;
        await call(ssm.endpoint, 'PutInventory', {
          InstanceId: instanceId(n + 1),
          Items: [
            {
              TypeName: 'AWS:Application',
              SchemaVersion: '1.1',
              CaptureTime: '2030-01-01T00:00:00Z',
              Content: applications(n),
            },
          ],
        });
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const putTotalMs = performance.now() - putStart;

    const byPlatform = await timed(ssm.endpoint, {
      Aggregators: [{ Expression: 'AWS:InstanceInformation.PlatformType' }],
    });
    const byApplication = await timed(ssm.endpoint, {
      Aggregators: [{ Expression: 'AWS:Application.Name' }],
    });
    const byNameAndVersion = await timed(ssm.endpoint, {
      Aggregators: [
        { Expression: 'AWS:Application.Name', Aggregators: [{ Expression: 'AWS:Application.Version' }] },
      ],
    });
    const filtered = await timed(ssm.endpoint, {
      Filters: [
        { Key: 'AWS:InstanceInformation.PlatformType', Values: ['Linux'], Type: 'Equal' },
        { Key: 'AWS:Application.Name', Values: ['app-1'], Type: 'Equal' },
      ],
      Aggregators: [{ Expression: 'AWS:Application.Version' }],
    });
    const rows = (byNameAndVersion.result as { Entities: { Data: Record<string, { Content: unknown[] }> }[] })
      .Entities[0]!.Data['AWS:Application']!.Content.length;
    return {
      instances: INSTANCES,
      applicationsPerInstance: APPS_PER_INSTANCE,
      putTotalMs: Math.round(putTotalMs),
      putPerInstanceMs: Number((putTotalMs / INSTANCES).toFixed(2)),
      byPlatformMs: Number(byPlatform.ms.toFixed(1)),
      byApplicationMs: Number(byApplication.ms.toFixed(1)),
      byNameAndVersionMs: Number(byNameAndVersion.ms.toFixed(1)),
      filteredMs: Number(filtered.ms.toFixed(1)),
      nameVersionRows: rows,
    };
  } finally {
    await ssm.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  aggregationBench()
    .then((r) => {
      console.log(
        `\nInventory aggregation: ${r.instances} instances x ${r.applicationsPerInstance} applications (node ${process.version})\n`,
      );
      console.log(
        `PutInventory, all instances:          ${r.putTotalMs} ms (${r.putPerInstanceMs} ms per instance)`,
      );
      console.log(`GetInventory by platform:             ${r.byPlatformMs} ms per query`);
      console.log(`GetInventory by application name:     ${r.byApplicationMs} ms per query`);
      console.log(
        `GetInventory by name and version:     ${r.byNameAndVersionMs} ms per query (${r.nameVersionRows} rows)`,
      );
      console.log(`GetInventory filtered (Linux, app-1): ${r.filteredMs} ms per query`);
      console.log('\nGoal: under 100 ms per aggregated query.');
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
