// Members as they are right now: whether their machine runs (PingStatus), its IP address, when it
// was last seen running (LastPingDateTime of a stopped instance), its facts and its current tags.
import type { Tag } from '../core/capability.js';
import type { MachineFacts, MachineState, Member } from './backend.js';
import type { InstanceFleet } from './fleet.js';

/** A member as it is right now. */
export interface LiveInstance extends Member {
  online: boolean;
  /** Epoch milliseconds: now while online, else when it stopped or was last seen. */
  lastPingAt: number;
  tags: Tag[];
  ipAddress?: string;
  facts: MachineFacts;
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
    return Promise.all(
      members.map(async (member): Promise<LiveInstance> => {
        const machine = machines.get(member.containerId);
        const online = machine?.online === true;
        const ip = machine?.ipAddress;
        if (online) this.lastSeen.set(member.instanceId, { at: now, ...(ip ? { ip } : {}) });
        const facts = await backend.facts(member, machine);
        const seen = this.lastSeen.get(member.instanceId);
        const lastPingAt = online ? now : (machine?.stoppedAt ?? seen?.at ?? member.registeredAt);
        const ipAddress = ip ?? seen?.ip;
        return {
          ...member,
          online,
          lastPingAt,
          tags: this.fleet.tagsOf(member),
          ...(ipAddress ? { ipAddress } : {}),
          facts,
        };
      }),
    );
  }
}
