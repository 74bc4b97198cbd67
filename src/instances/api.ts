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
