// Which managed instances a SendCommand reaches: InstanceIds, or Targets by `InstanceIds`,
// `tag:<key>` and `tag-key` (several targets must all match). Unknown or offline instances named
// by id are refused with InvalidInstanceId; instances found by tag that are offline are reached as
// Undeliverable invocations. A stopped EC2 instance is no managed node: the fleet does not list it,
// so by id it is refused as unknown ones are, and no tag reaches it.
import type { Target } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import type { Fleet, ManagedInstance } from '../instances/api.js';
import { commandErrors } from './errors.js';

/** The instances named by id, all of which must exist and be online. */
async function byIds(ctx: RequestContext, fleet: Fleet, ids: string[]): Promise<ManagedInstance[]> {
  if (new Set(ids).size !== ids.length) throw commandErrors.duplicateInstanceId();
  const live = new Map((await fleet.list(ctx.accountId, ctx.region)).map((i) => [i.instanceId, i]));
  const found = ids.map((id) => live.get(id));
  const bad = ids.filter((_, i) => !found[i]?.online);
  if (bad.length > 0) throw commandErrors.invalidInstances(bad, ctx.accountId);
  return found as ManagedInstance[];
}

function matches(instance: ManagedInstance, target: Target): boolean {
  const key = target.Key ?? '';
  const values = target.Values ?? [];
  if (key === 'tag-key') return instance.tags.some((t) => values.includes(t.Key));
  const tagKey = key.slice('tag:'.length);
  return instance.tags.some((t) => t.Key === tagKey && values.includes(t.Value));
}

function checkTargets(targets: Target[]): void {
  for (const target of targets) {
    const key = target.Key ?? '';
    if (key.startsWith('resource-groups:')) throw commandErrors.resourceGroups();
    const known = key === 'tag-key' || (key.startsWith('tag:') && key.length > 'tag:'.length);
    if (!known || (target.Values ?? []).length === 0) throw commandErrors.targetFormats();
  }
}

/**
 * The instances a command reaches, in order. Those named by id are all online; those found by tag
 * may be offline (their invocations are Undeliverable).
 */
export async function resolveTargets(
  ctx: RequestContext,
  fleet: Fleet,
  instanceIds: string[] | undefined,
  targets: Target[] | undefined,
): Promise<ManagedInstance[]> {
  const hasIds = (instanceIds ?? []).length > 0;
  const hasTargets = (targets ?? []).length > 0;
  if (hasIds && hasTargets) throw commandErrors.idsAndTargets();
  if (!hasIds && !hasTargets) throw commandErrors.noTargets();
  if (hasIds) return byIds(ctx, fleet, instanceIds!);

  const list = targets!;
  const idTarget = list.find((t) => (t.Key ?? '').toLowerCase() === 'instanceids');
  if (idTarget) {
    if (list.length > 1 || (idTarget.Values ?? []).length === 0) throw commandErrors.targetFormats();
    return byIds(ctx, fleet, idTarget.Values!);
  }
  checkTargets(list);
  const all = await fleet.list(ctx.accountId, ctx.region);
  return all.filter((instance) => list.every((target) => matches(instance, target)));
}
