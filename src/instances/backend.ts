// Where instances live: the machines behind the fleet's members. The fleet (members, tags,
// deregistration, admin add/remove, registration with an activation) works over any backend; the
// Docker backend (docker-backend.ts) keeps each instance in a container, and MemoryFleet
// (memory-fleet.ts) keeps them as plain records, so Run Command's state machine and the instance
// operations can be tested in milliseconds without an engine.
import type { Services, Tag } from '../core/capability.js';
import type { ImageId, InstanceImage } from './images.js';

export type Source = 'fleet-file' | 'admin' | 'registration';
export type PlatformType = 'Linux' | 'Windows' | 'MacOS';

/** What the fleet knows of an instance before its machine exists. */
export interface MemberSpec {
  instanceId: string;
  name: string;
  accountId: string;
  region: string;
  /** An image kind of docker/, or an image made by Machines.createImage. */
  image: InstanceImage;
  platformType: PlatformType;
  source: Source;
  /** The tags the instance was created with (for i- instances, its EC2 tags). */
  labelTags: Tag[];
  activationId?: string;
  iamRole?: string;
  /** Epoch milliseconds. */
  registeredAt: number;
}

/** An instance of the fleet, with the handle of its machine. */
export interface Member extends MemberSpec {
  /** The container id (or the memory fleet's handle) the executor runs processes in. */
  containerId: string;
}

/**
 * What a machine is doing, as SSM's health check would see it: `online`, it runs and its agent
 * answers; `connectionLost`, it runs (or is rebooting) but its agent does not answer (paused, or the
 * agent died); `stopped`, it does not run. What that makes of the instance (a stopped EC2 instance
 * leaves the fleet's listing, a stopped on-premises one is ConnectionLost) is the fleet's rule
 * (live.ts), not the backend's.
 */
export type MachineStatus = 'online' | 'connectionLost' | 'stopped';

/** A machine as it is right now. */
export interface MachineState {
  state: MachineStatus;
  ipAddress?: string;
  /** Epoch milliseconds since when it has not been online (when it stopped), where that is known. */
  offlineSince?: number;
}

/** Facts read from the instance's system. */
export interface MachineFacts {
  platformName?: string;
  platformVersion?: string;
  computerName?: string;
}

/** A machine found at start, made by an earlier run (or declared in code). */
export interface AdoptedMachine {
  member: Member;
  /** Its agent answers now, so its facts can be read. */
  online: boolean;
}

export interface FleetBackend {
  /** What runs the machines, for status lines: "Docker", "memory". */
  readonly kind: string;
  /**
   * True when the backend has machines only for a configured fleet file (its name scopes them); a
   * backend whose machines are declared in code has them without one.
   */
  readonly needsFleetFile: boolean;
  /** The fleet's name when no fleet file names it (only used when needsFleetFile is false). */
  readonly defaultFleetName: string;
  /** Called once at start, before any other method. */
  open(fleet: string, services: Services): void;
  /** Whether the engine answers; until it does, the fleet has no instances and retries. */
  available(): Promise<boolean>;
  /** Why the engine is not available, for the capability's status ("no Docker engine answers at …"). */
  unavailableDetail(): string;
  /** The machines this fleet made before (kept across restarts), deregistered ones excluded. */
  adopt(): Promise<AdoptedMachine[]>;
  /** Creates and starts the machine of a new member; answers its handle (Member.containerId). */
  create(spec: MemberSpec): Promise<string>;
  /** Removes the member's machine and everything in it. */
  remove(member: Member): Promise<void>;
  /** Stops a deregistered member's machine and sets it aside: kept, never listed or adopted again. */
  detach(member: Member): Promise<void>;
  /**
   * The state of these machines by handle (a machine that no longer exists is absent). Called on
   * every request that lists instances: it must answer from what the backend already knows (a
   * cached list, what the executor saw), not ask the engine each time. Rejects when the engine does
   * not answer.
   */
  machines(handles: readonly string[]): Promise<Map<string, MachineState>>;
  /** The member's facts, given its machine's state now (undefined: the machine is gone). */
  facts(member: Member, state: MachineState | undefined): Promise<MachineFacts>;
  /** The machine's name, as the admin listing shows it (containerName). */
  machineName(member: Member): string;
  /** Stops watching the engine; machines are left as they are. */
  close(): Promise<void>;
  /** Calls `listener` with a machine's handle each time it starts (optional: no events without it). */
  onStarted?(listener: (handle: string) => void): void;

  // ---- machine control (Machines: EC2's start, stop and create-image); optional ----

  /** Starts the stopped machine; resolves once it runs and its agent answers (or soon will). */
  powerOn?(member: Member): Promise<void>;
  /**
   * Stops the machine and resolves once it is stopped: a clean shutdown (its processes get SIGTERM
   * and a few seconds), or with `force` at once (SIGKILL).
   */
  powerOff?(member: Member, force: boolean): Promise<void>;
  /** Saves the machine's disk as the image `imageId` (the machine is left as it is). */
  captureImage?(member: Member, imageId: ImageId, description: string): Promise<void>;
  /** Whether the image captureImage made is still there (an engine's image may be deleted by hand). */
  hasImage?(imageId: ImageId): Promise<boolean>;
}
