// What the instances capability keeps in the store, per account and region. The instances
// themselves are Docker containers (their labels say which account and region they belong to); the
// store keeps what the API changes: tags edited on managed instances, deregistrations, activations,
// terminated EC2 instances and the images made from instances (Machines).
import { createHash } from 'node:crypto';
import type { Tag } from '../core/capability.js';
import type { MachineImage } from './api.js';
import type { RegionScope } from '../store/store.js';

export interface ActivationRecord {
  id: string;
  /** sha256 of the activation code (the code itself is shown once, by CreateActivation). */
  codeHash: string;
  description?: string;
  defaultInstanceName?: string;
  iamRole: string;
  registrationLimit: number;
  registrationsCount: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  createdAt: number;
  tags: Tag[];
}

/** What an ActivationRecord keeps of its code: CreateActivation hashes it, registration compares. */
export function hashActivationCode(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

export interface InstancesState {
  /** Tags of managed (mi-) instances once the API has touched them; before that, their labels' tags. */
  tags: Record<string, Tag[]>;
  /** Deregistered instance id -> epoch milliseconds. */
  deregistered: Record<string, number>;
  activations: Record<string, ActivationRecord>;
  /** Deleted activation id -> epoch milliseconds (DeleteActivation then answers InvalidActivation). */
  deletedActivations: Record<string, number>;
  /** Terminated i- instance id -> epoch milliseconds (Machines.state answers `terminated`). */
  terminated: Record<string, number>;
  /** Images made from instances (Machines.createImage), by image id. */
  images: Record<string, MachineImage>;
}

export const STATE_KEY = 'instances';

export function instancesState(scope: RegionScope): InstancesState {
  const state = scope.get<InstancesState>(STATE_KEY, () => ({
    tags: {},
    deregistered: {},
    activations: {},
    deletedActivations: {},
    terminated: {},
    images: {},
  }));
  // Documents written by older builds may lack newer members.
  state.tags ??= {};
  state.deregistered ??= {};
  state.activations ??= {};
  state.deletedActivations ??= {};
  state.terminated ??= {};
  state.images ??= {};
  return state;
}
