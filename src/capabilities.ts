// The capabilities this build serves. Each lives in its own folder.
import type { Capability } from './core/capability.js';
import { tagsCapability } from './tags/index.js';
import { parametersCapability } from './parameters/index.js';
import { documentsCapability } from './documents/index.js';
import { instancesCapability } from './instances/index.js';
import { commandsCapability } from './commands/index.js';

export function allCapabilities(): Capability[] {
  return [
    tagsCapability(),
    parametersCapability(),
    instancesCapability(),
    documentsCapability(),
    commandsCapability(),
  ];
}
