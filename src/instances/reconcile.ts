// Start-up reconciliation: adopt the machines this fleet made before (kept across restarts, so
// instances keep their ids and files), then create those the fleet file declares and that are
// missing, a few at a time. An instance deregistered or terminated earlier is neither adopted nor
// created again.
import { createInstance } from './creation.js';
import type { InstanceFleet } from './fleet.js';

const CREATE_CONCURRENCY = 4;

export async function reconcile(fleet: InstanceFleet): Promise<void> {
  const name = fleet.fleetName();
  fleet.state = { up: true, detail: `fleet "${name}": adopting containers` };
  for (const { member, online } of await fleet.backend.adopt()) {
    if (fleet.isDeregistered(member.instanceId, member.accountId, member.region)) continue;
    if (fleet.isTerminated(member.instanceId, member.accountId, member.region)) continue;
    fleet.members.set(member.instanceId, member);
    if (online) void fleet.track(fleet.backend.facts(member, { state: 'online' }));
  }
  const missing = fleet.entries.filter((entry) => {
    if (entry.id) {
      if (fleet.isDeregistered(entry.id, fleet.accountOf(entry), fleet.regionOf(entry))) {
        fleet.log(`fleet entry ${entry.id} was deregistered; not recreating it`);
        return false;
      }
      if (fleet.isTerminated(entry.id, fleet.accountOf(entry), fleet.regionOf(entry))) {
        fleet.log(`fleet entry ${entry.id} was terminated; not recreating it`);
        return false;
      }
      return !fleet.members.has(entry.id);
    }
    return ![...fleet.members.values()].some((m) => m.source === 'fleet-file' && m.name === entry.name);
  });
  if (missing.length > 0) {
    fleet.state = { up: true, detail: `fleet "${name}": creating ${missing.length} instance(s)` };
    const queue = [...missing];
    const failures: string[] = [];
    const worker = async () => {
      for (let entry = queue.shift(); entry && !fleet.isStopped; entry = queue.shift()) {
        try {
          await createInstance(fleet, entry, 'fleet-file');
        } catch (error) {
          failures.push(`${entry.name}: ${(error as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, queue.length) }, worker));
    if (failures.length > 0) {
      fleet.state = { up: false, detail: `could not create instance(s): ${failures.join('; ')}` };
      console.error(`ssm-local: ${fleet.state.detail}`);
      return;
    }
  }
  fleet.state = { up: true, detail: `fleet "${name}": ${fleet.members.size} instance(s)` };
}
