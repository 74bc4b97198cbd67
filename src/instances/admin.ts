// The fleet's administration (the admin routes /_ssm-local/instances and the CLI): list every
// instance of every account and region, add one at run time, remove one with its machine, register
// one with an activation (registration.ts). Failures are SsmErrors from errors.ts.
import type { CapabilityStatus } from '../core/capability.js';
import type { AddInstanceRequest, AdminInstance, FleetAdmin, RegisterRequest } from './api.js';
import type { Member } from './backend.js';
import { createInstance, newInstanceId } from './creation.js';
import { instanceErrors } from './errors.js';
import { parseEntry, type FleetEntry } from './fleet-file.js';
import type { InstanceFleet } from './fleet.js';
import type { LiveInstance } from './live.js';
import { registerWithActivation } from './registration.js';

const PING_STATUS = {
  online: 'Online',
  connectionLost: 'ConnectionLost',
  stopped: 'Stopped',
} as const satisfies Record<LiveInstance['status'], AdminInstance['pingStatus']>;

export class FleetAdministration implements FleetAdmin {
  constructor(private readonly fleet: InstanceFleet) {}

  fleetName(): string {
    return this.fleet.fleetName();
  }

  status(): CapabilityStatus {
    return this.fleet.status();
  }

  whenReady(): Promise<void> {
    return this.fleet.whenReady();
  }

  async listAll(): Promise<AdminInstance[]> {
    const all = await this.fleet.live();
    return all.sort((a, b) => a.instanceId.localeCompare(b.instanceId)).map((i) => this.toAdmin(i));
  }

  async add(request: AddInstanceRequest): Promise<AdminInstance> {
    const { fleet } = this;
    let entry: FleetEntry;
    try {
      entry = parseEntry(request, 'instance');
    } catch (error) {
      throw instanceErrors.badRequest((error as Error).message);
    }
    if (entry.id && (fleet.members.has(entry.id) || fleet.reserved.has(entry.id))) {
      throw instanceErrors.instanceExists(entry.id);
    }
    if (entry.id && fleet.isDeregistered(entry.id, fleet.accountOf(entry), fleet.regionOf(entry))) {
      throw instanceErrors.instanceWasDeregistered(entry.id);
    }
    if (entry.id && fleet.isTerminated(entry.id, fleet.accountOf(entry), fleet.regionOf(entry))) {
      throw instanceErrors.instanceWasTerminated(entry.id);
    }
    const id = entry.id ?? newInstanceId(fleet.services, entry.hybrid);
    fleet.reserved.add(id);
    try {
      await fleet.requireEngine();
      const member = await fleet.track(createInstance(fleet, { ...entry, id }, 'admin'));
      return await this.view(member);
    } finally {
      fleet.reserved.delete(id);
    }
  }

  async remove(instanceId: string): Promise<boolean> {
    const { fleet } = this;
    const member = fleet.members.get(instanceId);
    if (!member) return false;
    await fleet.removeMember(member);
    return true;
  }

  async register(request: RegisterRequest): Promise<AdminInstance> {
    return this.view(await registerWithActivation(this.fleet, request));
  }

  /** The member as it is now. */
  private async view(member: Member): Promise<AdminInstance> {
    const [live] = (await this.fleet.live(member.accountId, member.region)).filter(
      (i) => i.instanceId === member.instanceId,
    );
    if (!live) throw instanceErrors.instanceVanished(member.instanceId);
    return this.toAdmin(live);
  }

  private toAdmin(i: LiveInstance): AdminInstance {
    return {
      instanceId: i.instanceId,
      name: i.name,
      containerId: i.containerId,
      containerName: this.fleet.backend.machineName(i),
      accountId: i.accountId,
      region: i.region,
      image: i.image,
      platformType: i.platformType,
      resourceType: i.instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
      pingStatus: PING_STATUS[i.status],
      tags: i.tags,
      source: i.source,
      ...(i.activationId ? { activationId: i.activationId } : {}),
      ...(i.iamRole ? { iamRole: i.iamRole } : {}),
    };
  }
}
