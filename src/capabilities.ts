// The capabilities this build serves. Each lives in its own folder.
import type { Capability } from './core/capability.js';
import { tagsCapability } from './tags/index.js';

export function allCapabilities(): Capability[] {
  return [tagsCapability()];
}
