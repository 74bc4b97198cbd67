// The fleet: the managed instances of the configured fleet file, whatever backend keeps their
// machines (backend.ts). On start it adopts the machines it made before and creates, in the
// background, those the fleet file declares and that are missing (reconcile.ts), so the server
// answers at once and instances appear as their machines come up. Until the backend's engine
// answers, the fleet has no instances and tries again every ENGINE_RETRY_MS on the scheduler.
import type { CapabilityStatus, Services, Tag } from '../core/capability.js';
import type { Timer } from '../core/scheduler.js';
import type { Fleet, InstanceRef, ManagedInstance } from './api.js';
import type { FleetBackend, Member } from './backend.js';
import { instanceErrors } from './errors.js';
import { readFleetFile, type FleetEntry } from './fleet-file.js';
import { isManagedNode, LiveView, type LiveInstance } from './live.js';
import { reconcile } from './reconcile.js';
import { instancesState } from './state.js';

const ENGINE_RETRY_MS = 10_000;

export class InstanceFleet implements Fleet {
  /** The fleet's instances, by instance id (every account and region). */
  readonly members = new Map<string, Member>();
  /** Instance ids being created at run time (not members yet). */
  readonly reserved = new Set<string>();
  /** The capability's status (also the admin listing's). */
  state: CapabilityStatus = { up: false, detail: 'starting' };
  private fleet = 'default';
  private fleetEntries: FleetEntry[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private readonly view: LiveView;
  private ready: Promise<void> = Promise.resolve();
  private retryTimer: Timer | undefined;
  private stopped = false;
  private readonly arrivedListeners = new Set<(instance: InstanceRef) => void>();

  constructor(
    readonly services: Services,
    readonly backend: FleetBackend,
    readonly log: (line: string) => void = (line) => console.log(`ssm-local: ${line}`),
  ) {
    this.view = new LiveView(this);
    backend.onStarted?.((handle) => {
      const member = [...this.members.values()].find((m) => m.containerId === handle);
      if (member) this.arrived(member);
    });
  }

  onArrived(listener: (instance: InstanceRef) => void): () => void {
    this.arrivedListeners.add(listener);
    return () => this.arrivedListeners.delete(listener);
  }

  /** Tells the listeners an instance may have come within reach (added, or its machine started). */
  arrived(member: Member): void {
    const ref = { accountId: member.accountId, region: member.region, instanceId: member.instanceId };
    for (const listener of this.arrivedListeners) {
      try {
        listener(ref);
      } catch (error) {
        console.error('ssm-local: an instance listener failed:', error);
      }
    }
  }

  // ---- life cycle ----

  start(): void {
    const path = this.services.config.fleetPath;
    if (path === '' && this.backend.needsFleetFile) {
      this.state = { up: true, detail: 'no fleet file configured: no instances' };
      return;
    }
    if (path === '') {
      this.fleet = this.backend.defaultFleetName;
    } else {
      try {
        const file = readFleetFile(path);
        this.fleet = file.fleet;
        this.fleetEntries = file.instances;
      } catch (error) {
        this.state = { up: false, detail: (error as Error).message };
        console.error(`ssm-local: ${(error as Error).message}; running with no instances`);
        return;
      }
    }
    this.backend.open(this.fleet, this.services);
    this.ready = this.track(this.connect());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.services.scheduler.cancel(this.retryTimer);
    await this.backend.close();
    await Promise.allSettled([...this.pending]);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  status(): CapabilityStatus {
    return this.state;
  }

  fleetName(): string {
    return this.fleet;
  }

  /** What the fleet file declares. */
  get entries(): readonly FleetEntry[] {
    return this.fleetEntries;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  /** Keeps a promise of background work, so stop() waits for it. */
  track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise)).catch(() => undefined);
    return promise;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (!(await this.backend.available())) {
      const detail = `${this.backend.unavailableDetail()} (retrying every ${ENGINE_RETRY_MS / 1000} s)`;
      if (this.state.detail !== detail) console.error(`ssm-local: ${detail}`);
      this.state = { up: false, detail };
      this.retryTimer = this.services.scheduler.after(ENGINE_RETRY_MS, () => this.track(this.connect()));
      return;
    }
    try {
      await reconcile(this);
    } catch (error) {
      this.state = { up: false, detail: `fleet start-up failed: ${(error as Error).message}` };
      console.error(`ssm-local: ${this.state.detail}`);
    }
  }

  /** Throws unless instances can be created now (a fleet file is configured, the engine answers). */
  async requireEngine(): Promise<void> {
    if (this.services.config.fleetPath === '' && this.backend.needsFleetFile) {
      throw instanceErrors.fleetDisabled();
    }
    if (!(await this.backend.available())) {
      throw instanceErrors.engineUnavailable(this.state.detail ?? `No ${this.backend.kind} engine answers.`);
    }
  }

  // ---- accounts, regions, deregistration records ----

  accountOf(entry: { accountId?: string }): string {
    return entry.accountId ?? this.services.config.defaultAccountId;
  }

  regionOf(entry: { region?: string }): string {
    return entry.region ?? this.services.config.defaultRegion;
  }

  isDeregistered(instanceId: string, accountId: string, region: string): boolean {
    const state = instancesState(this.services.store.scope(accountId, region));
    return state.deregistered[instanceId] !== undefined;
  }

  /** Terminated through Machines: never adopted or created again. */
  isTerminated(instanceId: string, accountId: string, region: string): boolean {
    const state = instancesState(this.services.store.scope(accountId, region));
    return state.terminated[instanceId] !== undefined;
  }

  // ---- what the operations read ----

  /** The member in this account and region (synchronous: for tagging), or undefined. */
  member(accountId: string, region: string, instanceId: string): Member | undefined {
    const member = this.members.get(instanceId);
    return member && member.accountId === accountId && member.region === region ? member : undefined;
  }

  tagsOf(member: Member): Tag[] {
    const state = instancesState(this.services.store.scope(member.accountId, member.region));
    return state.tags[member.instanceId] ?? member.labelTags;
  }

  /**
   * Every member of the account and region (all when accountId is undefined) as it is now, stopped
   * EC2 instances included (what SSM lists is `managedNodes`).
   */
  live(accountId?: string, region?: string): Promise<LiveInstance[]> {
    const chosen = [...this.members.values()].filter(
      (m) => accountId === undefined || (m.accountId === accountId && m.region === region),
    );
    return this.view.of(chosen);
  }

  /** The managed nodes of the account and region: stopped EC2 instances are not, until they run. */
  async managedNodes(accountId: string, region: string): Promise<LiveInstance[]> {
    return (await this.live(accountId, region)).filter(isManagedNode);
  }

  // ---- Fleet (for Run Command and others) ----

  async list(accountId: string, region: string): Promise<ManagedInstance[]> {
    return (await this.managedNodes(accountId, region)).map(managedInstance);
  }

  async get(accountId: string, region: string, instanceId: string): Promise<ManagedInstance | undefined> {
    const member = this.member(accountId, region, instanceId);
    if (!member) return undefined;
    const [live] = await this.view.of([member]);
    return live && isManagedNode(live) ? managedInstance(live) : undefined;
  }

  // ---- removal (the admin's remove, Machines.terminate) ----

  /** Takes the member out of the fleet (persisted), then removes its machine and everything in it. */
  async removeMember(member: Member, options: { terminated?: boolean } = {}): Promise<void> {
    const state = instancesState(this.services.store.scope(member.accountId, member.region));
    this.members.delete(member.instanceId);
    delete state.tags[member.instanceId];
    if (options.terminated) state.terminated[member.instanceId] = this.services.clock.now().getTime();
    await this.services.store.persist();
    await this.track(this.backend.remove(member));
    this.log(
      `instance ${member.instanceId} (${member.name}) ${options.terminated ? 'terminated' : 'removed'}`,
    );
  }

  // ---- deregistration (DeregisterManagedInstance) ----

  /** Marks the instance deregistered (synchronously, so the caller persists it), then detaches it. */
  deregister(member: Member): Promise<void> {
    const state = instancesState(this.services.store.scope(member.accountId, member.region));
    state.deregistered[member.instanceId] = this.services.clock.now().getTime();
    delete state.tags[member.instanceId];
    this.members.delete(member.instanceId);
    return this.track(this.backend.detach(member));
  }
}

function managedInstance(i: LiveInstance): ManagedInstance {
  return {
    instanceId: i.instanceId,
    containerId: i.containerId,
    name: i.name,
    platformType: i.platformType,
    online: i.online,
    tags: i.tags.map((t) => ({ ...t })),
  };
}
