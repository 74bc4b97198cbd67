// What other capabilities (Run Command, State Manager, ...) and the admin routes may ask of the
// instances capability. Nothing else in src/instances is imported from outside it.
import type { CapabilityStatus, Tag } from '../core/capability.js';
import { serviceKey } from '../core/services.js';
import type { InstanceExecutor } from '../docker/executor.js';

export interface ManagedInstance {
  instanceId: string;
  /** The container (or, in a memory fleet, the handle) the executor runs the instance's processes in. */
  containerId: string;
  name: string;
  platformType: 'Linux' | 'Windows' | 'MacOS';
  /**
   * Reachable now: its machine runs and its agent answers. False for PingStatus ConnectionLost (a
   * paused container, an agent that died, an on-premises instance whose machine stopped).
   */
  online: boolean;
  tags: Tag[];
}

export interface Fleet {
  /**
   * The managed instances of this account and region, as DescribeInstanceInformation lists them:
   * deregistered ones excluded, and stopped EC2 (i-) instances too, which are no managed nodes until
   * they run again (an instance missing here is offline to Run Command).
   */
  list(accountId: string, region: string): Promise<ManagedInstance[]>;
  /** One instance of list(), or undefined (unknown, deregistered, or a stopped EC2 instance). */
  get(accountId: string, region: string, instanceId: string): Promise<ManagedInstance | undefined>;
  /** Resolves once the start-up reconciliation (adopt, create) has finished or failed. */
  whenReady(): Promise<void>;
  /**
   * Calls `listener` when an instance may have come within reach: it was added (created, registered)
   * or its machine started. Like an agent starting up, that is when it asks for its associations.
   * Returns a function that unsubscribes.
   */
  onArrived(listener: (instance: InstanceRef) => void): () => void;
}

export interface InstanceRef {
  accountId: string;
  region: string;
  instanceId: string;
}

/** The fleet's instances, for Run Command and the capabilities built on it. */
export const FLEET = serviceKey<Fleet>('instances.fleet');
/** Runs processes inside instances (the Docker executor, or a test's fake). */
export const EXECUTOR = serviceKey<InstanceExecutor>('instances.executor');

// ---- the admin routes (/_ssm-local/instances) and the CLI ----

export interface AdminInstance {
  instanceId: string;
  name: string;
  containerId: string;
  containerName: string;
  accountId: string;
  region: string;
  image: string;
  platformType: 'Linux' | 'Windows' | 'MacOS';
  resourceType: 'EC2Instance' | 'ManagedInstance';
  /** Stopped: an EC2 (i-) instance whose machine is stopped, which SSM does not list until it runs. */
  pingStatus: 'Online' | 'ConnectionLost' | 'Stopped';
  tags: Tag[];
  /** fleet-file, admin (added at run time) or registration (an activation). */
  source: string;
  activationId?: string;
  iamRole?: string;
}

export interface AddInstanceRequest {
  name: string;
  /** An image kind of docker/ ("linux"), or the imageId of an image Machines.createImage made. */
  image?: string;
  tags?: Tag[] | Record<string, string>;
  id?: string;
  hybrid?: boolean;
  accountId?: string;
  region?: string;
  iamRole?: string;
}

export interface RegisterRequest {
  activationId: string;
  activationCode: string;
  /** Overrides the activation's DefaultInstanceName. */
  name?: string;
  image?: string;
}

/** Failures are SsmErrors (code, message, HTTP status). */
export interface FleetAdmin {
  fleetName(): string;
  status(): CapabilityStatus;
  whenReady(): Promise<void>;
  listAll(): Promise<AdminInstance[]>;
  add(request: AddInstanceRequest): Promise<AdminInstance>;
  /** Removes the instance and its container; false when no such instance. */
  remove(instanceId: string): Promise<boolean>;
  register(request: RegisterRequest): Promise<AdminInstance>;
}

export const FLEET_ADMIN = serviceKey<FleetAdmin>('instances.admin');

// ---- machine control, as EC2 would offer it (Automation's aws:changeInstanceState, aws:createImage) ----

/** An instance's machine as EC2 names its states. */
export type MachineLifecycle =
  'pending' | 'running' | 'stopping' | 'stopped' | 'shutting-down' | 'terminated';

/** An image made from an instance's machine (aws:createImage): on Docker, the container committed. */
export interface MachineImage {
  /** `ami-` and 17 hex digits. */
  imageId: string;
  name: string;
  description?: string;
  /** available once the image exists (creation is synchronous here), failed if it could not be made. */
  state: 'pending' | 'available' | 'failed';
  sourceInstanceId: string;
  /** Epoch milliseconds. */
  createdAt: number;
  accountId: string;
  region: string;
}

/**
 * Starts, stops and terminates the machines of i- instances and images them, in one account and
 * region. Failures are SsmErrors; an instance this account and region never had is undefined in
 * state() and an SsmError (InvalidInstanceId) elsewhere. A terminated instance's state stays
 * `terminated` (remembered) and it is gone from the fleet.
 */
export interface Machines {
  state(accountId: string, region: string, instanceId: string): Promise<MachineLifecycle | undefined>;
  /** Resolves once the machine runs (and its agent is starting; the fleet shows it Online soon after). */
  start(accountId: string, region: string, instanceId: string): Promise<void>;
  /** Resolves once the machine is stopped; `force` kills it at once instead of a clean shutdown. */
  stop(accountId: string, region: string, instanceId: string, force?: boolean): Promise<void>;
  /** Removes the machine and the instance (as EC2 terminates it). */
  terminate(accountId: string, region: string, instanceId: string): Promise<void>;
  /**
   * Images the machine: the container is committed to a new Docker image (tagged
   * `ssm-local/image:<imageId>`). Unless noReboot, the machine is stopped first and started again
   * after, as EC2 reboots an instance for a consistent image. FleetAdmin.add({ image: imageId })
   * launches an instance from it.
   */
  createImage(
    accountId: string,
    region: string,
    instanceId: string,
    request: { name: string; description?: string; noReboot?: boolean },
  ): Promise<MachineImage>;
  image(accountId: string, region: string, imageId: string): Promise<MachineImage | undefined>;
}

export const MACHINES = serviceKey<Machines>('instances.machines');
