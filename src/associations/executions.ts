// STUB (to be replaced): StartAssociationsOnce, DescribeAssociationExecutions,
// DescribeAssociationExecutionTargets, DescribeInstanceAssociationsStatus.
import type { Handlers } from '../core/capability.js';
import type { AssociationsEngine } from './engine.js';

export function executionHandlers(_engine: () => AssociationsEngine): Handlers {
  return {};
}
