// Members as they are right now: what SSM makes of their machine (Online, ConnectionLost, or not a
// managed node at all while an EC2 instance is stopped), its IP address, when it was last seen
// online (LastPingDateTime of one that is not), its facts and its current tags.
//
// The rule, from AWS (aws/amazon-ssm-agent#407): a stopped instance's lifecycle has ended as far as
// InstanceInformation goes, and ConnectionLost is an instance that runs but fails the health check.
// So a stopped i- instance is `stopped` (left out of every listing but the admin one), while an mi-
// instance whose machine stopped is ConnectionLost: AWS cannot see an on-premises server stop, only
// its agent fall silent. A machine that no longer exists counts as stopped.
import type { Tag } from '../core/capability.js';
import type { MachineFacts, MachineState, MachineStatus, Member } from './backend.js';
import type { InstanceFleet } from './fleet.js';

/** A member as it is right now. */
export interface LiveInstance extends Member {
  /** stopped only for an i- instance: then it is no managed node until it runs again. */
  status: MachineStatus;
  /** status is online: its agent answers. */
  online: boolean;
  /** Epoch milliseconds: now while online, else when it stopped or was last seen online. */
  lastPingAt: number;
  tags: Tag[];
  ipAddress?: string;
  facts: MachineFacts;
}

/** Whether the instance is a managed node now (what DescribeInstanceInformation and Run Command see). */
export function isManagedNode(instance: LiveInstance): boolean {
  return instance.status !== 'stopped';
}

/** What SSM makes of a member's machine. */
export function statusOf(member: Member, machine: MachineState | undefined): MachineStatus {
  const state = machine?.state ?? 'stopped';
  return state === 'stopped' && member.instanceId.startsWith('mi-') ? 'connectionLost' : state;
}

export class LiveView {
  /** When each instance was last seen online, and its address then. */
  private readonly lastSeen = new Map<string, { at: number; ip?: string }>();

  constructor(private readonly fleet: InstanceFleet) {}

  async of(members: Member[]): Promise<LiveInstance[]> {
    if (members.length === 0) return [];
    const { backend } = this.fleet;
    const unanswered = `the ${backend.kind} engine does not answer`;
    let machines: Map<string, MachineState>;
    try {
      machines = await backend.machines(members.map((m) => m.containerId));
    } catch (error) {
      this.fleet.state = { up: false, detail: `${unanswered}: ${(error as Error).message}` };
      return [];
    }
    if (!this.fleet.state.up && this.fleet.state.detail?.startsWith(unanswered)) {
      this.fleet.state = {
        up: true,
        detail: `fleet "${this.fleet.fleetName()}": ${this.fleet.members.size} instance(s)`,
      };
    }
    const now = this.fleet.services.clock.now().getTime();
    const states = members.map((member) => {
      const machine = machines.get(member.containerId);
      return { member, machine, status: statusOf(member, machine) };
    });
    // A stopped EC2 instance is listed nowhere but the admin listing, which shows no facts. The facts
    // are asked for all at once (one await, not one per instance: a thousand instances list in ~1 ms).
    const facts = await Promise.all(
      states.map(({ member, machine, status }) =>
        status === 'stopped' ? ({} as MachineFacts) : backend.facts(member, machine),
      ),
    );
    return states.map(({ member, machine, status }, index): LiveInstance => {
      const online = status === 'online';
      const ip = machine?.ipAddress;
      if (online) this.lastSeen.set(member.instanceId, { at: now, ...(ip ? { ip } : {}) });
      const seen = this.lastSeen.get(member.instanceId);
      const lastPingAt = online ? now : (machine?.offlineSince ?? seen?.at ?? member.registeredAt);
      const ipAddress = ip ?? seen?.ip;
      return {
        ...member,
        status,
        online,
        lastPingAt,
        tags: this.fleet.tagsOf(member),
        ...(ipAddress ? { ipAddress } : {}),
        facts: facts[index]!,
      };
    });
  }
}
