// The targets of a rate-controlled execution, as values of its TargetParameterName: Targets keys
// ParameterValues (the values themselves), InstanceIds (instance ids, `*` for every instance),
// tag:<key> and tag-key (the fleet's managed instances carrying them), or TargetMaps (one set of
// parameters per map). Resource groups are not supported here.
import type { StartAutomationExecutionRequest, Target } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { FLEET, type ManagedInstance } from '../../instances/api.js';
import { automationErrors } from './errors.js';

export interface ResolvedTarget {
  /** The StepName of the parent's step: the target parameter's value (or the map as JSON). */
  value: string;
  /** What the child execution gets on top of the parent's Parameters. */
  parameters: Record<string, string[]>;
}

function matches(instance: ManagedInstance, target: Target): boolean {
  const key = target.Key ?? '';
  const values = target.Values ?? [];
  if (key === 'InstanceIds') return values.includes('*') || values.includes(instance.instanceId);
  if (key === 'tag-key') return instance.tags.some((t) => values.includes(t.Key));
  const tagKey = key.slice('tag:'.length);
  return instance.tags.some((t) => t.Key === tagKey && values.includes(t.Value));
}

async function targetValues(ctx: RequestContext, targets: Target[]): Promise<string[]> {
  const parameterValues = targets.filter((t) => t.Key === 'ParameterValues');
  const fleetTargets = targets.filter((t) => t.Key !== 'ParameterValues');
  for (const target of fleetTargets) {
    const key = target.Key ?? '';
    if (key !== 'InstanceIds' && key !== 'tag-key' && !key.startsWith('tag:')) {
      throw automationErrors.invalidTarget(
        key === 'ResourceGroup' || key.startsWith('resource-groups:')
          ? 'ssm-local does not support targeting resource groups. Use ParameterValues, InstanceIds, tag:<key> or tag-key.'
          : `Target key ${key} is not supported. Use ParameterValues, InstanceIds, tag:<key>, tag-key or ResourceGroup.`,
      );
    }
    if ((target.Values ?? []).length === 0)
      throw automationErrors.invalidTarget(`Target ${key} has no values.`);
  }
  const values = parameterValues.flatMap((t) => t.Values ?? []);
  if (fleetTargets.length > 0) {
    const instances = await ctx.services.registry.get(FLEET).list(ctx.accountId, ctx.region);
    // Every target must match (as tags select resources in AWS's Resource Groups Tagging API).
    for (const instance of instances) {
      if (fleetTargets.every((t) => matches(instance, t))) values.push(instance.instanceId);
    }
  }
  return [...new Set(values)];
}

export async function resolveTargets(
  ctx: RequestContext,
  request: StartAutomationExecutionRequest,
  targetParameterName: string,
): Promise<ResolvedTarget[]> {
  if (request.TargetMaps && request.TargetMaps.length > 0) {
    return request.TargetMaps.map((map) => {
      const own = map[targetParameterName];
      const value = own && own.length === 1 ? own[0]! : JSON.stringify(own ?? map);
      return { value, parameters: structuredClone(map) };
    });
  }
  const values = await targetValues(ctx, request.Targets ?? []);
  return values.map((value) => ({ value, parameters: { [targetParameterName]: [value] } }));
}
