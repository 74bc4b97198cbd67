// Machines: EC2's control of an i- instance's machine (start, stop, terminate, create an image),
// for Automation's aws:changeInstanceState and aws:createImage, over whichever backend keeps the
// machines (backend.ts: powerOn, powerOff, captureImage, remove).
//
// EC2's rules: starting a running machine, stopping a stopped one and terminating a terminated one
// change nothing; a terminated instance cannot be started, stopped or imaged (IncorrectInstanceState);
// an instance this account and region never had is InvalidInstanceId. Terminating removes the
// instance from the fleet (its machine and files gone, as FleetAdmin.remove does) and remembers it
// as terminated in the store, so it is never adopted or created again. Operations on one instance
// run one after another; while one runs, state() answers the transient state (pending, stopping,
// shutting-down). Images are records of the store (per account and region) plus the backend's copy
// of the machine's disk (on Docker, a committed image).
import type { MachineImage, MachineLifecycle, Machines } from './api.js';
import type { FleetBackend, Member } from './backend.js';
import { instanceErrors } from './errors.js';
import type { InstanceFleet } from './fleet.js';
import { newImageId } from './images.js';
import { instancesState } from './state.js';

type Transient = 'pending' | 'stopping' | 'shutting-down';
/** EC2's CreateImage Name: 3 to 128 of these characters. */
const IMAGE_NAME = /^[a-zA-Z0-9()[\] ./\-'@_]{3,128}$/;

type Controlled = FleetBackend & Required<Pick<FleetBackend, 'powerOn' | 'powerOff' | 'captureImage'>>;

export class FleetMachines implements Machines {
  /** The transient state of an instance while an operation on it runs. */
  private readonly transient = new Map<string, Transient>();
  /** The last operation queued on each instance (operations on one instance run in order). */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly fleet: InstanceFleet) {}

  async state(accountId: string, region: string, instanceId: string): Promise<MachineLifecycle | undefined> {
    const member = this.ec2Member(accountId, region, instanceId);
    if (!member) return this.fleet.isTerminated(instanceId, accountId, region) ? 'terminated' : undefined;
    return this.transient.get(instanceId) ?? (await this.settledState(member));
  }

  start(accountId: string, region: string, instanceId: string): Promise<void> {
    return this.exclusive(instanceId, async () => {
      const member = this.require(accountId, region, instanceId, 'started');
      if ((await this.settledState(member)) === 'running') return;
      await this.during(instanceId, 'pending', () => this.backend().powerOn(member));
    });
  }

  stop(accountId: string, region: string, instanceId: string, force = false): Promise<void> {
    return this.exclusive(instanceId, async () => {
      const member = this.require(accountId, region, instanceId, 'stopped');
      if ((await this.settledState(member)) === 'stopped') return;
      await this.during(instanceId, 'stopping', () => this.backend().powerOff(member, force));
    });
  }

  terminate(accountId: string, region: string, instanceId: string): Promise<void> {
    return this.exclusive(instanceId, async () => {
      const member = this.ec2Member(accountId, region, instanceId);
      if (!member) {
        if (this.fleet.isTerminated(instanceId, accountId, region)) return;
        throw this.unknown(instanceId);
      }
      await this.during(instanceId, 'shutting-down', () =>
        this.fleet.removeMember(member, { terminated: true }),
      );
    });
  }

  createImage(
    accountId: string,
    region: string,
    instanceId: string,
    request: { name: string; description?: string; noReboot?: boolean },
  ): Promise<MachineImage> {
    return this.exclusive(instanceId, async () => {
      const member = this.require(accountId, region, instanceId, 'imaged');
      const scope = this.fleet.services.store.scope(accountId, region);
      const images = instancesState(scope).images;
      if (typeof request.name !== 'string' || !IMAGE_NAME.test(request.name)) {
        throw instanceErrors.imageNameMalformed();
      }
      const taken = Object.values(images).find((i) => i.name === request.name && i.state !== 'failed');
      if (taken) throw instanceErrors.imageNameTaken(request.name, taken.imageId);
      const backend = this.backend();
      const imageId = newImageId(this.fleet.services);
      const description = request.description ?? '';
      // EC2 shuts a running instance down for a consistent image and starts it again after.
      const reboot = !request.noReboot && (await this.settledState(member)) === 'running';
      if (reboot) await this.during(instanceId, 'stopping', () => backend.powerOff(member, false));
      try {
        await backend.captureImage(member, imageId, description);
      } finally {
        if (reboot) await this.during(instanceId, 'pending', () => backend.powerOn(member));
      }
      const image: MachineImage = {
        imageId,
        name: request.name,
        ...(request.description !== undefined ? { description: request.description } : {}),
        state: 'available',
        sourceInstanceId: instanceId,
        createdAt: this.fleet.services.clock.now().getTime(),
        accountId,
        region,
      };
      images[imageId] = image;
      await this.fleet.services.store.persist([
        { accountId, region, capability: 'instances', collection: 'images', key: imageId },
      ]);
      return { ...image };
    });
  }

  async image(accountId: string, region: string, imageId: string): Promise<MachineImage | undefined> {
    const image = instancesState(this.fleet.services.store.scope(accountId, region)).images[imageId];
    return image ? { ...image } : undefined;
  }

  // ---- helpers ----

  /** The i- member of this account and region, or undefined. */
  private ec2Member(accountId: string, region: string, instanceId: string): Member | undefined {
    const member = this.fleet.member(accountId, region, instanceId);
    return member && instanceId.startsWith('i-') ? member : undefined;
  }

  /** The member to act on; a terminated instance cannot be `verb`, an unknown one is InvalidInstanceId. */
  private require(
    accountId: string,
    region: string,
    instanceId: string,
    verb: 'started' | 'stopped' | 'imaged',
  ): Member {
    const member = this.ec2Member(accountId, region, instanceId);
    if (member) return member;
    if (this.fleet.isTerminated(instanceId, accountId, region)) {
      throw instanceErrors.incorrectState(instanceId, verb);
    }
    throw this.unknown(instanceId);
  }

  private unknown(instanceId: string) {
    return instanceId.startsWith('mi-')
      ? instanceErrors.notAnEc2Instance(instanceId)
      : instanceErrors.unknownMachine(instanceId);
  }

  /** running or stopped, from what the backend says of the machine now (gone counts as stopped). */
  private async settledState(member: Member): Promise<'running' | 'stopped'> {
    const machines = await this.fleet.backend.machines([member.containerId]);
    const machine = machines.get(member.containerId);
    return !machine || machine.state === 'stopped' ? 'stopped' : 'running';
  }

  private backend(): Controlled {
    const { backend } = this.fleet;
    if (!backend.powerOn || !backend.powerOff || !backend.captureImage) {
      throw instanceErrors.machineControlUnsupported(backend.kind);
    }
    return backend as Controlled;
  }

  private async during<T>(instanceId: string, state: Transient, work: () => Promise<T>): Promise<T> {
    this.transient.set(instanceId, state);
    try {
      return await work();
    } finally {
      this.transient.delete(instanceId);
    }
  }

  /** Runs work after every operation queued on this instance before it. */
  private exclusive<T>(instanceId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(instanceId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    const tail = next.catch(() => undefined);
    this.queues.set(instanceId, tail);
    void tail.then(() => {
      if (this.queues.get(instanceId) === tail) this.queues.delete(instanceId);
    });
    return this.fleet.track(next);
  }
}
