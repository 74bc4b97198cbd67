// The capabilities this build serves, each in its own folder. The runtime starts them in dependency
// order (what each provides and needs), so the order here does not matter.
import type { Capability } from './core/capability.js';
import type { InstanceExecutor } from './docker/executor.js';
import { automationCapability } from './automation/index.js';
import { associationsCapability } from './associations/index.js';
import { commandsCapability } from './commands/index.js';
import { complianceCapability } from './compliance/index.js';
import { documentsCapability } from './documents/index.js';
import { instancesCapability, type FleetBackend } from './instances/index.js';
import { inventoryCapability } from './inventory/index.js';
import { gathererCapability } from './inventory/gatherer/index.js';
import { parametersCapability } from './parameters/index.js';
import { patchCapability } from './patch/index.js';
import { sessionsCapability } from './sessions/index.js';
import { tagsCapability } from './tags/index.js';

export interface CapabilityOptions {
  /** Where instances live instead of Docker containers (a MemoryFleet in tests). */
  fleet?: FleetBackend;
  /** Runs processes in instances instead of the Docker executor (a fake in tests). */
  executor?: InstanceExecutor;
}

export function allCapabilities(options: CapabilityOptions = {}): Capability[] {
  return [
    tagsCapability(),
    parametersCapability(),
    instancesCapability(options),
    documentsCapability(),
    commandsCapability(),
    complianceCapability(),
    inventoryCapability(),
    gathererCapability(),
    associationsCapability(),
    patchCapability(),
    sessionsCapability(),
    automationCapability(),
  ];
}
