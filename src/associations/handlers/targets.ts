// Which managed instances an association targets now: Targets by `InstanceIds` (`*` is every
// instance), `tag:<key>` and `tag-key` (several targets must all match, as in Run Command), or the
// legacy InstanceId. Resource groups reach no instance (ssm-local has no resource groups).
// Shared by DescribeEffectiveInstanceAssociations and the engine.
import type { Target } from '@aws-sdk/client-ssm';
import type { ManagedInstance } from '../../instances/api.js';
import type { StoredAssociation } from '../state.js';

function matchesTarget(instance: ManagedInstance, target: Target): boolean {
  const key = target.Key ?? '';
  const values = target.Values ?? [];
  if (key.toLowerCase() === 'instanceids')
    return values.includes('*') || values.includes(instance.instanceId);
  if (key === 'tag-key') return instance.tags.some((t) => values.includes(t.Key));
  if (key.startsWith('tag:')) {
    const tagKey = key.slice('tag:'.length);
    return instance.tags.some((t) => t.Key === tagKey && values.includes(t.Value));
  }
  return false;
}

/** Whether the association's latest version targets this instance. */
export function targetsInstance(association: StoredAssociation, instance: ManagedInstance): boolean {
  const { InstanceId, Targets } = association.settings;
  if (InstanceId !== undefined) return InstanceId === instance.instanceId;
  if (!Targets || Targets.length === 0) return false;
  return Targets.every((target) => matchesTarget(instance, target));
}

/** The instances (of those given, in their order) that the association targets now. */
export function associationTargets(
  association: StoredAssociation,
  instances: ManagedInstance[],
): ManagedInstance[] {
  return instances.filter((instance) => targetsInstance(association, instance));
}
