// What the admin HTTP routes (/_ssm-local/instances) and the CLI ask of the fleet, beyond the Fleet
// contract that other capabilities use. Failures are SsmErrors (code, message, HTTP status).
import type { CapabilityStatus, Services, Tag } from '../core/capability.js';

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
  pingStatus: 'Online' | 'ConnectionLost';
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

export interface FleetAdmin {
  fleetName(): string;
  status(): CapabilityStatus;
  /** Resolves once the start-up reconciliation (adopt, create) has finished or failed. */
  whenReady(): Promise<void>;
  listAll(): Promise<AdminInstance[]>;
  add(request: AddInstanceRequest): Promise<AdminInstance>;
  /** Removes the instance and its container; false when no such instance. */
  remove(instanceId: string): Promise<boolean>;
  register(request: RegisterRequest): Promise<AdminInstance>;
}

export const FLEET_ADMIN_KEY = 'instances.admin';

export function fleetAdminOf(services: Services): FleetAdmin | undefined {
  return services.extensions.get(FLEET_ADMIN_KEY) as FleetAdmin | undefined;
}
