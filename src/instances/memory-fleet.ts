// A fleet backend with no engine, for tests: instances are declared in code and their machines are
// records, so DescribeInstanceInformation, targeting and Run Command's state machine (with a fake
// executor that understands the handles) run in milliseconds. A machine's handle (containerId) is
// its instance id unless the declaration names another.
//
//   const fleet = new MemoryFleet([{ id: 'i-0123456789abcdef0', name: 'web-1', tags: { Role: 'web' } }]);
//   startTestServer({ capabilities: [tagsCapability(), instancesCapability({ fleet, executor })] });
//   fleet.setOnline('i-0123456789abcdef0', false);   // ConnectionLost from now on (agent silent)
//   fleet.setState('i-0123456789abcdef0', 'stopped'); // stopped: an i- instance leaves the listings
//
// The same MemoryFleet handed to a second server is adopted again, like containers after a restart.
//
// Machine control (Machines) flips the records: a start makes the machine online (and tells the
// fleet, as a container's start does), a stop makes it stopped; an image is a record of the
// machine's facts, from which create() makes new machines.
import type { Services, Tag } from '../core/capability.js';
import { hostnameFor } from '../docker/containers.js';
import type {
  AdoptedMachine,
  FleetBackend,
  MachineFacts,
  MachineState,
  MachineStatus,
  Member,
  MemberSpec,
  PlatformType,
} from './backend.js';
import { withNameTag } from './creation.js';
import { instanceErrors } from './errors.js';
import { INSTANCE_ID_PATTERN, parseTags } from './fleet-file.js';
import { isImageId, type ImageId } from './images.js';

/** An instance of a MemoryFleet, as a test declares it. */
export interface MemoryInstance {
  /** i- or mi- followed by 17 hex digits. */
  id: string;
  name: string;
  tags?: Record<string, string> | Tag[];
  /** Default Linux. */
  platformType?: PlatformType;
  /** PlatformName and PlatformVersion, as os-release would give them. */
  platformName?: string;
  platformVersion?: string;
  /** Default: a host name made from the name. */
  computerName?: string;
  ipAddress?: string;
  /** Default true; false is state connectionLost. */
  online?: boolean;
  /** The machine's state at start (default online); wins over `online`. */
  state?: MachineStatus;
  /** Default: the configured account and region. */
  accountId?: string;
  region?: string;
  iamRole?: string;
  activationId?: string;
  /** The handle the executor gets (ManagedInstance.containerId); default the instance id. */
  containerId?: string;
}

interface Declared {
  instance: MemoryInstance;
  labelTags: Tag[];
}

interface Machine {
  instanceId: string;
  declared?: Declared;
  /** Set once adopted or created. */
  member?: Member;
  state: MachineStatus;
  ipAddress?: string;
  /** When it left online (epoch ms), while it is not. */
  offlineSince?: number;
  facts: MachineFacts;
  detached: boolean;
}

export class MemoryFleet implements FleetBackend {
  readonly kind = 'memory';
  readonly needsFleetFile = false;
  readonly defaultFleetName: string;
  private readonly byHandle = new Map<string, Machine>();
  private services: Services | undefined;
  private engineUp = true;
  private readonly startListeners: Array<(handle: string) => void> = [];
  /** Images made by captureImage: the facts of the machine they were made from. */
  private readonly images = new Map<ImageId, MachineFacts>();

  constructor(instances: MemoryInstance[] = [], options: { fleet?: string } = {}) {
    this.defaultFleetName = options.fleet ?? 'memory';
    for (const declared of instances) {
      if (!INSTANCE_ID_PATTERN.test(declared.id)) {
        throw new Error(`MemoryFleet: ${declared.id} is not i- or mi- followed by 17 hex digits`);
      }
      const handle = declared.containerId ?? declared.id;
      if (this.find(declared.id) || this.byHandle.has(handle)) {
        throw new Error(`MemoryFleet: ${declared.id} is declared twice`);
      }
      const tags = parseTags(declared.tags, `MemoryFleet: ${declared.id}`);
      this.byHandle.set(handle, {
        instanceId: declared.id,
        declared: { instance: declared, labelTags: withNameTag(declared.id, declared.name, tags) },
        state: declared.state ?? (declared.online === false ? 'connectionLost' : 'online'),
        ...(declared.ipAddress ? { ipAddress: declared.ipAddress } : {}),
        facts: {
          ...(declared.platformName ? { platformName: declared.platformName } : {}),
          ...(declared.platformVersion ? { platformVersion: declared.platformVersion } : {}),
          computerName: declared.computerName ?? hostnameFor(declared.name, declared.id),
        },
        detached: false,
      });
    }
  }

  // ---- what a test changes ----

  /**
   * Sets what an instance's machine is doing: `online`; `connectionLost`, running with an agent
   * that does not answer (PingStatus ConnectionLost); `stopped`, not running (an i- instance is then
   * listed nowhere, an mi- instance is ConnectionLost).
   */
  setState(instanceId: string, state: MachineStatus): void {
    const entry = [...this.byHandle].find(([, m]) => m.instanceId === instanceId);
    if (!entry) throw new Error(`MemoryFleet: no instance ${instanceId}`);
    const [handle, machine] = entry;
    if (state === 'online') delete machine.offlineSince;
    else if (machine.state === 'online') machine.offlineSince = this.now();
    const started = machine.state === 'stopped' && state !== 'stopped';
    machine.state = state;
    if (started) for (const listener of this.startListeners) listener(handle);
  }

  onStarted(listener: (handle: string) => void): void {
    this.startListeners.push(listener);
  }

  /** Takes an instance's agent away (ConnectionLost, its machine still running) or back online. */
  setOnline(instanceId: string, online: boolean): void {
    this.setState(instanceId, online ? 'online' : 'connectionLost');
  }

  /** Whether the "engine" answers: while false the fleet has no instances and retries on the scheduler. */
  setAvailable(available: boolean): void {
    this.engineUp = available;
  }

  private find(instanceId: string): Machine | undefined {
    return [...this.byHandle.values()].find((m) => m.instanceId === instanceId);
  }

  private now(): number {
    return (this.services?.clock.now() ?? new Date()).getTime();
  }

  private get opened(): Services {
    if (!this.services) throw new Error('MemoryFleet: not open');
    return this.services;
  }

  // ---- FleetBackend ----

  open(_fleet: string, services: Services): void {
    this.services = services;
  }

  async close(): Promise<void> {}

  async available(): Promise<boolean> {
    return this.engineUp;
  }

  unavailableDetail(): string {
    return 'the memory fleet is set unavailable: instances are absent';
  }

  async adopt(): Promise<AdoptedMachine[]> {
    const adopted: AdoptedMachine[] = [];
    for (const [handle, machine] of this.byHandle) {
      if (machine.detached) continue;
      if (!machine.member && machine.declared) machine.member = this.memberOf(handle, machine.declared);
      if (machine.member) adopted.push({ member: machine.member, online: machine.state === 'online' });
    }
    return adopted;
  }

  private memberOf(handle: string, { instance: declared, labelTags }: Declared): Member {
    const { config } = this.opened;
    return {
      instanceId: declared.id,
      containerId: handle,
      name: declared.name,
      accountId: declared.accountId ?? config.defaultAccountId,
      region: declared.region ?? config.defaultRegion,
      image: 'linux',
      platformType: declared.platformType ?? 'Linux',
      source: 'fleet-file',
      labelTags: labelTags.map((t) => ({ ...t })),
      ...(declared.activationId ? { activationId: declared.activationId } : {}),
      ...(declared.iamRole ? { iamRole: declared.iamRole } : {}),
      registeredAt: this.now(),
    };
  }

  async create(spec: MemberSpec): Promise<string> {
    const handle = spec.instanceId;
    let fromImage: MachineFacts = {};
    if (isImageId(spec.image)) {
      const facts = this.images.get(spec.image);
      if (!facts) throw instanceErrors.unknownImage(spec.image);
      fromImage = facts;
    }
    this.byHandle.set(handle, {
      instanceId: spec.instanceId,
      member: { ...spec, containerId: handle },
      state: 'online',
      facts: { ...fromImage, computerName: hostnameFor(spec.name, spec.instanceId) },
      detached: false,
    });
    return handle;
  }

  async powerOn(member: Member): Promise<void> {
    if (this.byHandle.get(member.containerId)?.state === 'stopped')
      this.setState(member.instanceId, 'online');
  }

  async powerOff(member: Member): Promise<void> {
    if (this.byHandle.get(member.containerId)?.state !== 'stopped')
      this.setState(member.instanceId, 'stopped');
  }

  async captureImage(member: Member, imageId: ImageId): Promise<void> {
    const facts = this.byHandle.get(member.containerId)?.facts ?? {};
    const { computerName: _, ...kept } = facts;
    this.images.set(imageId, kept);
  }

  async hasImage(imageId: ImageId): Promise<boolean> {
    return this.images.has(imageId);
  }

  async remove(member: Member): Promise<void> {
    this.byHandle.delete(member.containerId);
  }

  async detach(member: Member): Promise<void> {
    const machine = this.byHandle.get(member.containerId);
    if (!machine) return;
    machine.detached = true;
    machine.state = 'stopped';
    machine.offlineSince = this.now();
  }

  async machines(handles: readonly string[]): Promise<Map<string, MachineState>> {
    if (!this.engineUp) throw new Error('the memory fleet is set unavailable');
    const states = new Map<string, MachineState>();
    for (const handle of handles) {
      const machine = this.byHandle.get(handle);
      if (!machine) continue;
      states.set(handle, {
        state: machine.state,
        ...(machine.ipAddress ? { ipAddress: machine.ipAddress } : {}),
        ...(machine.offlineSince !== undefined ? { offlineSince: machine.offlineSince } : {}),
      });
    }
    return states;
  }

  async facts(member: Member): Promise<MachineFacts> {
    return { ...(this.byHandle.get(member.containerId)?.facts ?? {}) };
  }

  machineName(member: Member): string {
    return member.containerId;
  }
}
