// Inventory speed, against real containers:
// - gathering: one SendCommand of AWS-GatherSoftwareInventory (its defaults: applications, AWS
//   components, network, billing, instance details, custom inventory) to 1, 5 and 20 instances, until
//   ListCommands says Success (median of 5), the inventory stored on the way;
// - the machine's floor for it: the same gather script started through the in-instance agents alone
//   (the executor the emulator uses, no emulator, HTTP, SDK or store in the way) and read back into
//   inventory types, to 1, 5 and 20 instances at once;
// - then aggregation at fleet scale, from bench/inventory-aggregation.ts.
//   npx tsx bench/inventory.ts
import { ListCommandsCommand, SendCommandCommand } from '@aws-sdk/client-ssm';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { AgentExecutor } from '../src/docker/agent-executor.js';
import { LABEL } from '../src/docker/containers.js';
import { gatheredTypes, planGathering, readInputs, scriptOf } from '../src/inventory/gatherer/gather.js';
import { splitSections } from '../src/inventory/gatherer/script.js';
import type { ManagedInstance } from '../src/instances/api.js';
import { aggregationBench } from './inventory-aggregation.js';
import { median, printMarkdownTable, sleep, startFleetEmulator } from './support.js';

const FLEET_SIZE = 20;
const SIZES = [1, 5, 20];
const RUNS = 5;
/** AWS-GatherSoftwareInventory's defaults, as the step's inputs arrive. */
const DEFAULT_INPUTS = {
  applications: 'Enabled',
  awsComponents: 'Enabled',
  files: '',
  networkConfig: 'Enabled',
  billingInfo: 'Enabled',
  windowsUpdates: 'Enabled',
  instanceDetailedInformation: 'Enabled',
  services: 'Enabled',
  windowsRegistry: '',
  windowsRoles: 'Enabled',
  customInventory: 'Enabled',
};

async function main(): Promise<void> {
  const { ssm, fleet, ids, docker, stop } = await startFleetEmulator({
    prefix: 'inv',
    size: FLEET_SIZE,
    tags: { Bench: 'inventory' },
  });
  try {
    const gather = async (targets: string[]): Promise<number> => {
      const started = performance.now();
      const sent = await ssm.send(
        new SendCommandCommand({ DocumentName: 'AWS-GatherSoftwareInventory', InstanceIds: targets }),
      );
      const commandId = sent.Command!.CommandId!;
      for (;;) {
        const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
        const status = listed.Commands?.[0]?.Status;
        if (status === 'Success') break;
        if (status !== 'Pending' && status !== 'InProgress') throw new Error(`gathering ended ${status}`);
        await sleep(5);
      }
      return performance.now() - started;
    };
    await gather(ids); // warm-up: every agent session open, every store record made once

    const emulated: number[] = [];
    for (const size of SIZES) {
      const times: number[] = [];
      for (let r = 0; r < RUNS; r++) times.push(await gather(ids.slice(0, size)));
      emulated.push(median(times));
    }

    // The floor: the same script through the agents alone, and its output read into inventory types.
    const listed = await docker.listContainers({ filters: { label: [`${LABEL.fleet}=${fleet}`] } });
    const containerOf = new Map(listed.map((c) => [c.Labels[LABEL.instanceId]!, c.Id]));
    const agents = new AgentExecutor(docker, () => undefined);
    const request = readInputs(DEFAULT_INPUTS)!;
    const direct = async (size: number): Promise<number> => {
      const started = performance.now();
      await Promise.all(
        ids.slice(0, size).map(async (id) => {
          const marker = `@@bench-${randomBytes(6).toString('hex')}@@`;
          const plan = planGathering(request, id, marker);
          const handle = await agents.exec(containerOf.get(id)!, {
            argv: ['/bin/sh', '-c', scriptOf(plan)],
            env: { AWS_SSM_INSTANCE_ID: id, AWS_SSM_REGION_NAME: 'us-east-1' },
          });
          const result = await handle.result;
          if (result.exitCode !== 0) throw new Error(`gathering through the agent gave ${result.exitCode}`);
          const instance: ManagedInstance = {
            instanceId: id,
            containerId: containerOf.get(id)!,
            name: id,
            platformType: 'Linux',
            online: true,
            tags: [],
          };
          gatheredTypes(plan, instance, splitSections(result.stdout, marker));
        }),
      );
      return performance.now() - started;
    };
    const floor: number[] = [];
    try {
      await direct(FLEET_SIZE); // opens the sessions
      for (const size of SIZES) {
        const times: number[] = [];
        for (let r = 0; r < RUNS; r++) times.push(await direct(size));
        floor.push(median(times));
      }
    } finally {
      await agents.close();
    }

    const f = (n: number): string => n.toFixed(1);
    console.log(
      `\nInventory gathering: AWS-GatherSoftwareInventory (defaults) until Success, median of ${RUNS} (node ${process.version})\n`,
    );
    printMarkdownTable(
      ['instances', 'SendCommand to Success ms', 'gather script through the agents alone ms'],
      SIZES.map((size, i) => [String(size), f(emulated[i]!), f(floor[i]!)]),
    );
    const spread = emulated[2]! / emulated[0]!;
    const floorSpread = floor[2]! / floor[0]!;
    const best = (emulated[0]! + floor[2]! - floor[0]!) / emulated[0]!;
    console.log(`\n20 instances / 1 instance: ${spread.toFixed(2)} (goal < 2)`);
    console.log(`the agents alone, 20 / 1: ${floorSpread.toFixed(2)}`);
    console.log(
      `best possible 20 / 1 on this machine (the agents' extra time for 19 more gatherings added to one command): ${best.toFixed(2)}`,
    );
    console.log(`machine: ${cpus().length} cores`);
  } finally {
    await stop();
  }

  const r = await aggregationBench();
  console.log(
    `\nInventory aggregation: ${r.instances} instances x ${r.applicationsPerInstance} applications\n`,
  );
  printMarkdownTable(
    ['case', 'ms'],
    [
      ['PutInventory, all instances (total)', String(r.putTotalMs)],
      ['PutInventory, per instance', String(r.putPerInstanceMs)],
      ['GetInventory by platform (per query)', String(r.byPlatformMs)],
      ['GetInventory by application name (per query)', String(r.byApplicationMs)],
      [
        `GetInventory by name and version (per query, ${r.nameVersionRows} rows)`,
        String(r.byNameAndVersionMs),
      ],
      ['GetInventory filtered (per query)', String(r.filteredMs)],
    ],
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
