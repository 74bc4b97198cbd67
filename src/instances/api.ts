// What other capabilities (Run Command, State Manager, ...) may ask of the fleet.
import type { Services, Tag } from '../core/capability.js';

export interface ManagedInstance {
  instanceId: string;
  /** The Docker container backing the instance. */
  containerId: string;
  name: string;
  platformType: 'Linux' | 'Windows' | 'MacOS';
  /** Online when the container is running. */
  online: boolean;
  tags: Tag[];
}

export interface Fleet {
  /** The managed instances visible in this account and region (deregistered ones excluded). */
  list(accountId: string, region: string): Promise<ManagedInstance[]>;
  get(accountId: string, region: string, instanceId: string): Promise<ManagedInstance | undefined>;
}

export const FLEET_KEY = 'instances.fleet';

export function fleetOf(services: Services): Fleet | undefined {
  return services.extensions.get(FLEET_KEY) as Fleet | undefined;
}
