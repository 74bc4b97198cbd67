// The fleet: managed instances backed by Docker containers. On start it adopts the containers it
// made before (by label) and creates, in the background, those the fleet file declares and that are
// missing, so the server answers at once and instances appear as their containers come up. The
// container list is read again whenever Docker's event stream reports a change to one of the
// fleet's containers (ContainerWatch), so PingStatus is current without asking the engine on every
// request; facts read from inside a container (os-release, host name) are cached per container.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import type { CapabilityStatus, Services, Tag } from '../core/capability.js';
import {
  LABEL,
  containerName,
  createInstanceContainer,
  hostnameFor,
  ipAddressOf,
  listFleetContainers,
  removeContainer,
} from '../docker/containers.js';
import { ContainerWatch } from '../docker/container-watch.js';
import type { InstanceExecutor } from '../docker/executor.js';
import { withTimeout } from '../docker/docker-executor.js';
import { ensureImage, isImageKind, type ImageKind } from '../docker/images.js';
import { SsmError } from '../protocol/errors.js';
import type { AddInstanceRequest, AdminInstance, FleetAdmin, RegisterRequest } from './admin.js';
import type { Fleet, ManagedInstance } from './api.js';
import { readFacts, type ContainerFacts } from './facts.js';
import { INSTANCE_ID_PATTERN, parseEntry, readFleetFile, type FleetEntry } from './fleet-file.js';
import { instancesState, type ActivationRecord } from './state.js';

type Source = 'fleet-file' | 'admin' | 'registration';

export interface Member {
  instanceId: string;
  containerId: string;
  name: string;
  accountId: string;
  region: string;
  image: ImageKind;
  platformType: 'Linux';
  source: Source;
  /** The tags the instance was created with (for i- instances, its EC2 tags). */
  labelTags: Tag[];
  activationId?: string;
  iamRole?: string;
  registeredAt: number;
}

/** A member as it is right now. */
export interface LiveInstance extends Member {
  online: boolean;
  lastPingAt: number;
  tags: Tag[];
  ipAddress?: string;
  facts: ContainerFacts;
}

export const DEREGISTERED_PREFIX = 'ssm-local-deregistered-';
const CREATE_CONCURRENCY = 4;
const ENGINE_RETRY_MS = 10_000;

export function hashActivationCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

function badRequest(message: string): SsmError {
  return new SsmError('ValidationException', message);
}

export class DockerFleet implements Fleet, FleetAdmin {
  private readonly members = new Map<string, Member>();
  private readonly facts = new Map<string, ContainerFacts>();
  private readonly imageFacts = new Map<string, ContainerFacts>();
  private readonly stoppedAt = new Map<string, number>();
  private readonly lastSeen = new Map<string, { at: number; ip?: string }>();
  private readonly pending = new Set<Promise<unknown>>();
  /** Instance ids being created at run time (not members yet). */
  private readonly reserved = new Set<string>();
  private fleet = 'default';
  private entries: FleetEntry[] = [];
  private state: CapabilityStatus = { up: false, detail: 'starting' };
  private ready: Promise<void> = Promise.resolve();
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The fleet's container list, read again only when Docker reports a change. */
  private watch: ContainerWatch | undefined;

  constructor(
    private readonly services: Services,
    private readonly docker: Docker,
    private readonly executor: InstanceExecutor,
    private readonly log: (line: string) => void = (line) => console.log(`ssm-local: ${line}`),
  ) {}

  // ---- life cycle ----

  start(): void {
    const path = this.services.config.fleetPath;
    if (path === '') {
      this.state = { up: true, detail: 'no fleet file configured: no instances' };
      return;
    }
    try {
      const file = readFleetFile(path);
      this.fleet = file.fleet;
      this.entries = file.instances;
      this.watch = new ContainerWatch(this.docker, this.fleet);
    } catch (error) {
      this.state = { up: false, detail: (error as Error).message };
      console.error(`ssm-local: ${(error as Error).message}; running with no instances`);
      return;
    }
    this.ready = this.track(this.connect());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.watch?.stop();
    await Promise.allSettled([...this.pending]);
  }

  status(): CapabilityStatus {
    return this.state;
  }

  fleetName(): string {
    return this.fleet;
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise)).catch(() => undefined);
    return promise;
  }

  /** Where dockerode reaches the engine (DOCKER_HOST or the local socket). */
  private engineAddress(): string {
    const modem = this.docker.modem as unknown as {
      socketPath?: string;
      host?: string;
      port?: string | number;
      protocol?: string;
    };
    if (modem.socketPath) return `unix://${modem.socketPath}`;
    return `${modem.protocol ?? 'http'}://${modem.host ?? 'localhost'}${modem.port ? `:${modem.port}` : ''}`;
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    if (!(await this.executor.available())) {
      const detail = `no Docker engine answers at ${this.engineAddress()}: instances are absent (retrying every ${ENGINE_RETRY_MS / 1000} s)`;
      if (this.state.detail !== detail) console.error(`ssm-local: ${detail}`);
      this.state = { up: false, detail };
      this.retryTimer = setTimeout(() => void this.track(this.connect()), ENGINE_RETRY_MS);
      this.retryTimer.unref();
      return;
    }
    try {
      await this.reconcile();
    } catch (error) {
      this.state = { up: false, detail: `fleet start-up failed: ${(error as Error).message}` };
      console.error(`ssm-local: ${this.state.detail}`);
    }
  }

  /** Adopts this fleet's containers, then creates those the fleet file declares and that are missing. */
  private async reconcile(): Promise<void> {
    this.state = { up: true, detail: `fleet "${this.fleet}": adopting containers` };
    for (const info of await listFleetContainers(this.docker, this.fleet)) {
      const member = this.memberFromLabels(info.Id, info.Labels, info.Names);
      if (!member) continue;
      this.members.set(member.instanceId, member);
      if (info.State === 'running') void this.track(this.factsOf(member, true, true));
    }
    const missing = this.entries.filter((entry) => {
      if (entry.id) {
        if (this.isDeregistered(entry.id, this.accountOf(entry), this.regionOf(entry))) {
          this.log(`fleet entry ${entry.id} was deregistered; not recreating it`);
          return false;
        }
        return !this.members.has(entry.id);
      }
      return ![...this.members.values()].some((m) => m.source === 'fleet-file' && m.name === entry.name);
    });
    if (missing.length > 0) {
      this.state = { up: true, detail: `fleet "${this.fleet}": creating ${missing.length} instance(s)` };
      const queue = [...missing];
      const failures: string[] = [];
      const worker = async () => {
        for (let entry = queue.shift(); entry && !this.stopped; entry = queue.shift()) {
          try {
            await this.create(entry, 'fleet-file');
          } catch (error) {
            failures.push(`${entry.name}: ${(error as Error).message}`);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, queue.length) }, worker));
      if (failures.length > 0) {
        this.state = { up: false, detail: `could not create instance(s): ${failures.join('; ')}` };
        console.error(`ssm-local: ${this.state.detail}`);
        return;
      }
    }
    this.state = { up: true, detail: `fleet "${this.fleet}": ${this.members.size} instance(s)` };
  }

  private accountOf(entry: { accountId?: string }): string {
    return entry.accountId ?? this.services.config.defaultAccountId;
  }

  private regionOf(entry: { region?: string }): string {
    return entry.region ?? this.services.config.defaultRegion;
  }

  private isDeregistered(instanceId: string, accountId: string, region: string): boolean {
    const state = instancesState(this.services.store.scope(accountId, region));
    return state.deregistered[instanceId] !== undefined;
  }

  private memberFromLabels(
    containerId: string,
    labels: Record<string, string>,
    names: string[] = [],
  ): Member | undefined {
    const instanceId = labels[LABEL.instanceId] ?? '';
    const image = labels[LABEL.image] ?? 'linux';
    if (!INSTANCE_ID_PATTERN.test(instanceId) || !isImageKind(image)) return undefined;
    if (names.some((n) => n.replace(/^\//, '').startsWith(DEREGISTERED_PREFIX))) return undefined;
    const accountId = labels[LABEL.account] ?? this.services.config.defaultAccountId;
    const region = labels[LABEL.region] ?? this.services.config.defaultRegion;
    if (this.isDeregistered(instanceId, accountId, region)) return undefined;
    let labelTags: Tag[];
    try {
      const parsed = JSON.parse(labels[LABEL.tags] ?? '[]') as unknown;
      labelTags = Array.isArray(parsed) ? (parsed as Tag[]) : [];
    } catch {
      labelTags = [];
    }
    const source = labels[LABEL.source];
    return {
      instanceId,
      containerId,
      name: labels[LABEL.name] ?? '',
      accountId,
      region,
      image,
      platformType: 'Linux',
      source: source === 'admin' || source === 'registration' ? source : 'fleet-file',
      labelTags,
      ...(labels[LABEL.activationId] ? { activationId: labels[LABEL.activationId] } : {}),
      ...(labels[LABEL.iamRole] ? { iamRole: labels[LABEL.iamRole] } : {}),
      registeredAt: Number(labels[LABEL.registeredAt]) || 0,
    };
  }

  /** Creates (and starts) the container for an instance, then makes it a member. */
  private async create(
    entry: FleetEntry,
    source: Source,
    extra: { activationId?: string; instanceId?: string } = {},
  ): Promise<Member> {
    const instanceId =
      extra.instanceId ?? entry.id ?? `${entry.hybrid ? 'mi' : 'i'}-${this.services.ids.hex(17)}`;
    const accountId = this.accountOf(entry);
    const region = this.regionOf(entry);
    // An EC2 instance's name is its Name tag.
    const labelTags =
      instanceId.startsWith('i-') && !entry.tags.some((t) => t.Key === 'Name')
        ? [{ Key: 'Name', Value: entry.name }, ...entry.tags]
        : entry.tags;
    const registeredAt = this.services.clock.now().getTime();
    const labels: Record<string, string> = {
      [LABEL.fleet]: this.fleet,
      [LABEL.instanceId]: instanceId,
      [LABEL.name]: entry.name,
      [LABEL.account]: accountId,
      [LABEL.region]: region,
      [LABEL.image]: entry.image,
      [LABEL.platform]: entry.platform,
      [LABEL.source]: source,
      [LABEL.tags]: JSON.stringify(labelTags),
      [LABEL.registeredAt]: String(registeredAt),
      ...(entry.iamRole ? { [LABEL.iamRole]: entry.iamRole } : {}),
      ...(extra.activationId ? { [LABEL.activationId]: extra.activationId } : {}),
    };
    const image = await ensureImage(this.docker, entry.image, (line) =>
      this.log(`[image ${entry.image}] ${line}`),
    );
    const containerId = await createInstanceContainer(this.docker, {
      fleet: this.fleet,
      instanceId,
      image,
      hostname: hostnameFor(entry.name, instanceId),
      labels,
    });
    this.watch?.invalidate();
    const member = this.memberFromLabels(containerId, labels);
    if (!member) throw new Error(`instance ${instanceId} could not be created`);
    this.members.set(instanceId, member);
    // Read the container's facts now, so the first DescribeInstanceInformation is as quick as the rest.
    void this.track(this.factsOf(member, true, true));
    this.log(
      `instance ${instanceId} (${entry.name}) is up in container ${containerName(this.fleet, instanceId)}`,
    );
    return member;
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

  /** Every member of the account and region (all when accountId is undefined) as it is now. */
  async live(accountId?: string, region?: string): Promise<LiveInstance[]> {
    const chosen = [...this.members.values()].filter(
      (m) => accountId === undefined || (m.accountId === accountId && m.region === region),
    );
    if (chosen.length === 0) return [];
    let containers: Docker.ContainerInfo[];
    try {
      containers = await withTimeout(this.containers(), 10_000);
    } catch (error) {
      this.state = { up: false, detail: `the Docker engine does not answer: ${(error as Error).message}` };
      return [];
    }
    if (!this.state.up && this.state.detail?.startsWith('the Docker engine does not answer')) {
      this.state = { up: true, detail: `fleet "${this.fleet}": ${this.members.size} instance(s)` };
    }
    const byId = new Map(containers.map((c) => [c.Id, c]));
    const now = this.services.clock.now().getTime();
    return Promise.all(
      chosen.map(async (member): Promise<LiveInstance> => {
        const info = byId.get(member.containerId);
        const online = info?.State === 'running';
        const ip = info ? ipAddressOf(info) : undefined;
        if (online) {
          this.lastSeen.set(member.instanceId, { at: now, ...(ip ? { ip } : {}) });
          this.stoppedAt.delete(member.containerId);
        }
        const facts = await this.factsOf(member, online, info !== undefined);
        const seen = this.lastSeen.get(member.instanceId);
        const lastPingAt = online
          ? now
          : ((info ? await this.finishedAt(member.containerId) : undefined) ??
            seen?.at ??
            member.registeredAt);
        const ipAddress = ip ?? seen?.ip;
        return {
          ...member,
          online,
          lastPingAt,
          tags: this.tagsOf(member),
          ...(ipAddress ? { ipAddress } : {}),
          facts,
        };
      }),
    );
  }

  /** The fleet's containers: the watched list, or (with no fleet file) a fresh one. */
  private containers(): Promise<Docker.ContainerInfo[]> {
    return this.watch ? this.watch.list() : listFleetContainers(this.docker, this.fleet);
  }

  private async factsOf(member: Member, online: boolean, exists: boolean): Promise<ContainerFacts> {
    const cached = this.facts.get(member.containerId);
    if (cached) return cached;
    if (online) {
      try {
        const facts = await readFacts(this.executor, member.containerId);
        if (facts) {
          this.facts.set(member.containerId, facts);
          this.imageFacts.set(member.image, facts);
          return facts;
        }
      } catch {
        // Fall through to what is known without the container.
      }
    }
    const fromImage = this.imageFacts.get(member.image) ?? {};
    if (!exists) return { ...fromImage, computerName: hostnameFor(member.name, member.instanceId) };
    try {
      const info = await this.docker.getContainer(member.containerId).inspect();
      return { ...fromImage, computerName: info.Config.Hostname };
    } catch {
      return fromImage;
    }
  }

  private async finishedAt(containerId: string): Promise<number | undefined> {
    const cached = this.stoppedAt.get(containerId);
    if (cached !== undefined) return cached;
    try {
      const info = await this.docker.getContainer(containerId).inspect();
      const at = Date.parse(info.State.FinishedAt);
      if (Number.isFinite(at) && at > 0) {
        this.stoppedAt.set(containerId, at);
        return at;
      }
    } catch {
      // gone
    }
    return undefined;
  }

  // ---- Fleet (for Run Command and others) ----

  async list(accountId: string, region: string): Promise<ManagedInstance[]> {
    return (await this.live(accountId, region)).map((i) => ({
      instanceId: i.instanceId,
      containerId: i.containerId,
      name: i.name,
      platformType: i.platformType,
      online: i.online,
      tags: i.tags.map((t) => ({ ...t })),
    }));
  }

  async get(accountId: string, region: string, instanceId: string): Promise<ManagedInstance | undefined> {
    if (!this.member(accountId, region, instanceId)) return undefined;
    return (await this.list(accountId, region)).find((i) => i.instanceId === instanceId);
  }

  // ---- deregistration (DeregisterManagedInstance) ----

  /** Marks the instance deregistered (synchronously, so the caller persists it), then detaches it. */
  deregister(member: Member): Promise<void> {
    const state = instancesState(this.services.store.scope(member.accountId, member.region));
    state.deregistered[member.instanceId] = this.services.clock.now().getTime();
    delete state.tags[member.instanceId];
    this.members.delete(member.instanceId);
    return this.track(this.detach(member));
  }

  private async detach(member: Member): Promise<void> {
    const container = this.docker.getContainer(member.containerId);
    try {
      await container.stop({ t: 2 });
    } catch {
      // already stopped or gone
    }
    try {
      await container.rename({ name: `${DEREGISTERED_PREFIX}${this.fleet}-${member.instanceId}` });
    } catch {
      // gone
    }
    this.watch?.invalidate();
  }

  // ---- FleetAdmin ----

  private toAdmin(i: LiveInstance): AdminInstance {
    return {
      instanceId: i.instanceId,
      name: i.name,
      containerId: i.containerId,
      containerName: containerName(this.fleet, i.instanceId),
      accountId: i.accountId,
      region: i.region,
      image: i.image,
      platformType: i.platformType,
      resourceType: i.instanceId.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
      pingStatus: i.online ? 'Online' : 'ConnectionLost',
      tags: i.tags,
      source: i.source,
      ...(i.activationId ? { activationId: i.activationId } : {}),
      ...(i.iamRole ? { iamRole: i.iamRole } : {}),
    };
  }

  async listAll(): Promise<AdminInstance[]> {
    const all = await this.live();
    return all.sort((a, b) => a.instanceId.localeCompare(b.instanceId)).map((i) => this.toAdmin(i));
  }

  private async requireEngine(): Promise<void> {
    if (this.services.config.fleetPath === '') {
      throw new SsmError('FleetDisabled', 'No fleet file is configured, so instances cannot be added.', 409);
    }
    if (!(await this.executor.available())) {
      throw new SsmError('DockerUnavailable', this.state.detail ?? 'No Docker engine answers.', 503);
    }
  }

  private async liveOne(member: Member): Promise<AdminInstance> {
    const [live] = await this.live(member.accountId, member.region).then((all) =>
      all.filter((i) => i.instanceId === member.instanceId),
    );
    if (!live) throw new SsmError('InternalServerError', `instance ${member.instanceId} vanished`, 500);
    return this.toAdmin(live);
  }

  async add(request: AddInstanceRequest): Promise<AdminInstance> {
    let entry: FleetEntry;
    try {
      entry = parseEntry(request, 'instance');
    } catch (error) {
      throw badRequest((error as Error).message);
    }
    if (entry.id && (this.members.has(entry.id) || this.reserved.has(entry.id))) {
      throw new SsmError('InstanceAlreadyExists', `Instance ${entry.id} already exists.`, 409);
    }
    if (entry.id && this.isDeregistered(entry.id, this.accountOf(entry), this.regionOf(entry))) {
      throw new SsmError(
        'InstanceAlreadyExists',
        `Instance ${entry.id} was deregistered; choose another id.`,
        409,
      );
    }
    const id = entry.id ?? `${entry.hybrid ? 'mi' : 'i'}-${this.services.ids.hex(17)}`;
    this.reserved.add(id);
    try {
      await this.requireEngine();
      const member = await this.track(this.create({ ...entry, id }, 'admin'));
      return await this.liveOne(member);
    } finally {
      this.reserved.delete(id);
    }
  }

  async remove(instanceId: string): Promise<boolean> {
    const member = this.members.get(instanceId);
    if (!member) return false;
    this.members.delete(instanceId);
    const state = instancesState(this.services.store.scope(member.accountId, member.region));
    delete state.tags[instanceId];
    await this.services.store.persist();
    await this.track(removeContainer(this.docker, member.containerId));
    this.watch?.invalidate();
    this.facts.delete(member.containerId);
    this.log(`instance ${instanceId} (${member.name}) removed`);
    return true;
  }

  async register(request: RegisterRequest): Promise<AdminInstance> {
    const { activationId, activationCode } = request;
    if (typeof activationId !== 'string' || typeof activationCode !== 'string') {
      throw badRequest('activationId and activationCode are required strings.');
    }
    if (request.image !== undefined && (typeof request.image !== 'string' || !isImageKind(request.image))) {
      throw badRequest('"image" must be "linux" (the image built from docker/linux)');
    }
    if (request.name !== undefined && (typeof request.name !== 'string' || request.name.length > 255)) {
      throw badRequest('"name" must be a string of at most 255 characters');
    }
    await this.requireEngine();
    // Find and reserve a registration synchronously, so concurrent registrations cannot overrun the limit.
    let found: { scope: { accountId: string; region: string }; record: ActivationRecord } | undefined;
    let deleted = false;
    for (const scope of this.services.store.scopes()) {
      const state = instancesState(scope);
      const record = state.activations[activationId];
      if (record) found = { scope, record };
      if (state.deletedActivations[activationId] !== undefined) deleted = true;
    }
    if (!found) {
      if (deleted) {
        throw new SsmError(
          'InvalidActivation',
          `Activation ${activationId} isn't valid. The activation might have been deleted.`,
        );
      }
      throw new SsmError('InvalidActivationId', `Activation ID ${activationId} isn't valid.`);
    }
    const { record, scope } = found;
    if (record.codeHash !== hashActivationCode(activationCode)) {
      throw new SsmError(
        'InvalidActivation',
        `The activation isn't valid. The ActivationId and the ActivationCode don't match.`,
      );
    }
    const now = this.services.clock.now().getTime();
    if (now >= record.expiresAt) {
      throw new SsmError(
        'ActivationExpired',
        `Activation ${activationId} expired on ${new Date(record.expiresAt).toISOString()}.`,
      );
    }
    if (record.registrationsCount >= record.registrationLimit) {
      throw new SsmError(
        'ActivationLimitExceeded',
        `Activation ${activationId} has reached its registration limit of ${record.registrationLimit}.`,
      );
    }
    record.registrationsCount += 1;
    await this.services.store.persist();
    const name = request.name ?? record.defaultInstanceName ?? '';
    const entry: FleetEntry = {
      name,
      hybrid: true,
      image: (request.image as ImageKind | undefined) ?? 'linux',
      platform: 'Linux',
      tags: [],
      accountId: scope.accountId,
      region: scope.region,
      iamRole: record.iamRole,
    };
    let member: Member;
    try {
      member = await this.track(this.create(entry, 'registration', { activationId }));
    } catch (error) {
      record.registrationsCount -= 1;
      await this.services.store.persist();
      throw new SsmError(
        'DockerUnavailable',
        `The instance container could not be created: ${(error as Error).message}`,
        503,
      );
    }
    return this.liveOne(member);
  }
}
