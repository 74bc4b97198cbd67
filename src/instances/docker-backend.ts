// The Docker backend: each instance is a container of the fleet (labelled with its fleet, account,
// region and instance), created from the image built from docker/. The container list is read again
// only when Docker's event stream reports a change to one of the fleet's containers
// (ContainerWatch), so PingStatus is current without asking the engine on every request; facts read
// from inside a container (os-release, host name) are cached per container, and per image for
// containers that cannot be asked.
//
// A machine's state comes from that list and from what the executor saw of its agent, so it costs
// no engine call either: `running` is online unless the executor lost the container's agent (a
// script killed it) or is rebooting it; `paused` and `restarting` are connectionLost; any other
// state is stopped. When a container whose agent was lost starts again, one run through the
// executor starts its new agent at once (its boot), instead of leaving it lost until the executor's
// own restart of the agent comes due.
//
// Machine control (Machines): a stop is `docker stop` (SIGTERM, then SIGKILL after
// STOP_GRACE_SECONDS), a forced stop `docker kill`; a start is `docker start` followed by one run
// through the executor, which starts the instance's agent, so the instance is Online once it
// resolves; an image is `docker commit` of the container to ssm-local/image:<imageId>, from which
// create() makes new containers.
import type Docker from 'dockerode';
import type { Services } from '../core/capability.js';
import {
  containerName,
  createInstanceContainer,
  hostnameFor,
  ipAddressOf,
  listFleetContainers,
  removeContainer,
} from '../docker/containers.js';
import { ContainerWatch } from '../docker/container-watch.js';
import { statusCode, withTimeout } from '../docker/exec-common.js';
import type { InstanceExecutor } from '../docker/executor.js';
import { ensureImage } from '../docker/images.js';
import type {
  AdoptedMachine,
  FleetBackend,
  MachineFacts,
  MachineState,
  MachineStatus,
  Member,
  MemberSpec,
} from './backend.js';
import { instanceErrors } from './errors.js';
import { readFacts } from './facts.js';
import { dockerImageFor, isImageId, type ImageId } from './images.js';
import { labelsFor, specFromLabels } from './labels.js';

/** A deregistered instance's container is renamed with this prefix, and never adopted again. */
export const DEREGISTERED_PREFIX = 'ssm-local-deregistered-';
// Engine waits (not emulated time), so real timeouts.
const PING_TIMEOUT_MS = 3000;
const LIST_TIMEOUT_MS = 10_000;
/** How long a clean stop lets the machine's processes end before they are killed. */
export const STOP_GRACE_SECONDS = 10;
/** How long a started machine's agent has to answer before start() resolves anyway. */
const BOOT_TIMEOUT_MS = 30_000;

interface Opened {
  fleet: string;
  services: Services;
  watch: ContainerWatch;
}

export class DockerBackend implements FleetBackend {
  readonly kind = 'Docker';
  readonly needsFleetFile = true;
  readonly defaultFleetName = 'default';
  private opened: Opened | undefined;
  private readonly factsByContainer = new Map<string, MachineFacts>();
  private readonly imageFacts = new Map<string, MachineFacts>();
  private readonly stoppedAt = new Map<string, number>();
  /** Containers whose new agent is being started after a boot. */
  private readonly booting = new Set<string>();
  private readonly startListeners: Array<(handle: string) => void> = [];

  /** executor: what reads facts inside the containers (the one the capability provides). */
  constructor(
    private readonly docker: Docker,
    private readonly executor: InstanceExecutor,
    private readonly log: (line: string) => void = (line) => console.log(`ssm-local: ${line}`),
  ) {}

  open(fleet: string, services: Services): void {
    const watch = new ContainerWatch(this.docker, fleet, services.scheduler);
    watch.onStart((containerId) => {
      this.booted(containerId);
      for (const listener of this.startListeners) listener(containerId);
    });
    this.opened = { fleet, services, watch };
  }

  onStarted(listener: (handle: string) => void): void {
    this.startListeners.push(listener);
  }

  /** A container started: if its agent was lost, one run starts the new one (as a boot would). */
  private booted(containerId: string): void {
    if (this.executor.agentStatus?.(containerId) !== 'lost' || this.booting.has(containerId)) return;
    this.booting.add(containerId);
    void this.executor
      .exec(containerId, { argv: ['true'] })
      .then((handle) => handle.result)
      .catch(() => undefined)
      .finally(() => this.booting.delete(containerId));
  }

  /** The state of a listed container, given what the executor saw of its agent. */
  private stateOf(info: Docker.ContainerInfo): MachineStatus {
    const agent = this.executor.agentStatus?.(info.Id) ?? 'answers';
    switch (info.State) {
      case 'running':
        return agent === 'answers' ? 'online' : 'connectionLost';
      case 'paused':
      case 'restarting':
        return 'connectionLost';
      default:
        // exited, created, dead, removing; a container the executor is rebooting is not stopped.
        return agent === 'rebooting' ? 'connectionLost' : 'stopped';
    }
  }

  private get current(): Opened {
    if (!this.opened) throw new Error('the Docker backend is not open');
    return this.opened;
  }

  async close(): Promise<void> {
    this.opened?.watch.stop();
  }

  async available(): Promise<boolean> {
    try {
      await withTimeout(this.docker.ping(), PING_TIMEOUT_MS);
      return true;
    } catch {
      return false;
    }
  }

  unavailableDetail(): string {
    return `no Docker engine answers at ${this.engineAddress()}: instances are absent`;
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

  machineName(member: Member): string {
    return containerName(this.current.fleet, member.instanceId);
  }

  async adopt(): Promise<AdoptedMachine[]> {
    const { fleet, services } = this.current;
    const defaults = { accountId: services.config.defaultAccountId, region: services.config.defaultRegion };
    const adopted: AdoptedMachine[] = [];
    for (const info of await listFleetContainers(this.docker, fleet)) {
      if (info.Names.some((n) => n.replace(/^\//, '').startsWith(DEREGISTERED_PREFIX))) continue;
      const spec = specFromLabels(info.Labels, defaults);
      if (spec) adopted.push({ member: { ...spec, containerId: info.Id }, online: info.State === 'running' });
    }
    return adopted;
  }

  async create(spec: MemberSpec): Promise<string> {
    const { fleet, watch } = this.current;
    let image: string;
    if (isImageId(spec.image)) {
      if (!(await this.hasImage(spec.image))) throw instanceErrors.unknownImage(spec.image);
      image = dockerImageFor(spec.image);
    } else {
      const kind = spec.image;
      image = await ensureImage(this.docker, kind, (line) => this.log(`[image ${kind}] ${line}`));
    }
    const containerId = await createInstanceContainer(this.docker, {
      fleet,
      instanceId: spec.instanceId,
      image,
      hostname: hostnameFor(spec.name, spec.instanceId),
      labels: labelsFor(fleet, spec),
    });
    watch.invalidate();
    this.log(
      `instance ${spec.instanceId} (${spec.name}) is up in container ${containerName(fleet, spec.instanceId)}`,
    );
    return containerId;
  }

  async remove(member: Member): Promise<void> {
    await removeContainer(this.docker, member.containerId);
    this.current.watch.invalidate();
    this.factsByContainer.delete(member.containerId);
  }

  async detach(member: Member): Promise<void> {
    const { fleet, watch } = this.current;
    const container = this.docker.getContainer(member.containerId);
    try {
      await container.stop({ t: 2 });
    } catch {
      // already stopped or gone
    }
    try {
      await container.rename({ name: `${DEREGISTERED_PREFIX}${fleet}-${member.instanceId}` });
    } catch {
      // gone
    }
    watch.invalidate();
  }

  async powerOn(member: Member): Promise<void> {
    const container = this.docker.getContainer(member.containerId);
    try {
      await container.start();
    } catch (error) {
      // 304: already running.
      if (statusCode(error) !== 304) throw error;
    }
    this.current.watch.invalidate();
    // One run starts the instance's new agent (its boot), so the instance is Online from now on.
    await withTimeout(
      this.executor
        .exec(member.containerId, { argv: ['true'] })
        .then((handle) => handle.result)
        .catch(() => undefined),
      BOOT_TIMEOUT_MS,
    ).catch(() => undefined);
  }

  async powerOff(member: Member, force: boolean): Promise<void> {
    const container = this.docker.getContainer(member.containerId);
    try {
      if (force) await container.kill();
      else await container.stop({ t: STOP_GRACE_SECONDS });
    } catch (error) {
      // 304 (stop) or 409 (kill): not running.
      if (statusCode(error) !== 304 && statusCode(error) !== 409) throw error;
    }
    await container.wait({ condition: 'not-running' }).catch(() => undefined);
    this.current.watch.invalidate();
  }

  async captureImage(member: Member, imageId: ImageId, description: string): Promise<void> {
    const [repo, tag] = dockerImageFor(imageId).split(':') as [string, string];
    await this.docker.getContainer(member.containerId).commit({
      repo,
      tag,
      comment: description,
      // A running container is paused while its files are copied (EC2's NoReboot image).
      pause: true,
      changes: `LABEL ssm-local.image-id=${imageId} ssm-local.source-instance=${member.instanceId}`,
    });
    this.log(`image ${imageId} made from instance ${member.instanceId} (${dockerImageFor(imageId)})`);
  }

  async hasImage(imageId: ImageId): Promise<boolean> {
    try {
      await this.docker.getImage(dockerImageFor(imageId)).inspect();
      return true;
    } catch (error) {
      if (statusCode(error) === 404) return false;
      throw error;
    }
  }

  async machines(handles: readonly string[]): Promise<Map<string, MachineState>> {
    const containers = await withTimeout(this.current.watch.list(), LIST_TIMEOUT_MS);
    const byId = new Map(containers.map((c) => [c.Id, c]));
    const states = new Map<string, MachineState>();
    await Promise.all(
      handles.map(async (containerId) => {
        const info = byId.get(containerId);
        if (!info) return;
        const state = this.stateOf(info);
        const ipAddress = ipAddressOf(info);
        if (state !== 'stopped') this.stoppedAt.delete(containerId);
        // Read once per stop (then cached): when an on-premises instance was last heard from.
        const offlineSince = state === 'stopped' ? await this.finishedAt(containerId) : undefined;
        states.set(containerId, {
          state,
          ...(ipAddress ? { ipAddress } : {}),
          ...(offlineSince !== undefined ? { offlineSince } : {}),
        });
      }),
    );
    return states;
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

  async facts(member: Member, state: MachineState | undefined): Promise<MachineFacts> {
    const cached = this.factsByContainer.get(member.containerId);
    if (cached) return cached;
    // Only an answering agent is asked: a run in a container whose agent was lost would start a new one.
    if (state?.state === 'online') {
      try {
        const facts = await readFacts(this.executor, member.containerId);
        if (facts) {
          this.factsByContainer.set(member.containerId, facts);
          this.imageFacts.set(member.image, facts);
          return facts;
        }
      } catch {
        // Fall through to what is known without the container.
      }
    }
    const fromImage = this.imageFacts.get(member.image) ?? {};
    if (!state) return { ...fromImage, computerName: hostnameFor(member.name, member.instanceId) };
    try {
      const info = await this.docker.getContainer(member.containerId).inspect();
      return { ...fromImage, computerName: info.Config.Hostname };
    } catch {
      return fromImage;
    }
  }
}
