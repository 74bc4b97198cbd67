// Default baselines and patch groups: RegisterDefaultPatchBaseline, GetDefaultPatchBaseline,
// RegisterPatchBaselineForPatchGroup, DeregisterPatchBaselineForPatchGroup,
// GetPatchBaselineForPatchGroup and DescribePatchGroups. A patch group has at most one baseline per
// operating system; an OS without a registered default uses AWS's predefined one (by its ARN).
import type {
  DeregisterPatchBaselineForPatchGroupRequest,
  DeregisterPatchBaselineForPatchGroupResult,
  DescribePatchGroupsRequest,
  DescribePatchGroupsResult,
  GetDefaultPatchBaselineRequest,
  GetDefaultPatchBaselineResult,
  GetPatchBaselineForPatchGroupRequest,
  GetPatchBaselineForPatchGroupResult,
  OperatingSystem,
  PatchOrchestratorFilter,
  RegisterDefaultPatchBaselineRequest,
  RegisterDefaultPatchBaselineResult,
  RegisterPatchBaselineForPatchGroupRequest,
  RegisterPatchBaselineForPatchGroupResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { pageAfterKey, sortedByKey } from '../../core/pagination.js';
import { baselineErrors, MAX_GROUPS_PER_BASELINE } from './errors.js';
import { defaultIdFor, identityOf, resolveBaseline, settingsOf } from './resolve.js';
import { baselinesState, record, registrationKey, removeRecord, type StoredRegistration } from './state.js';

export async function registerDefaultPatchBaseline(
  input: RegisterDefaultPatchBaselineRequest,
  ctx: RequestContext,
): Promise<RegisterDefaultPatchBaselineResult> {
  const resolved = resolveBaseline(ctx, input.BaselineId!);
  const os = settingsOf(resolved).OperatingSystem;
  baselinesState(ctx.scope).defaults[os] = resolved.id;
  await ctx.persist([record('defaults', os)]);
  return { BaselineId: input.BaselineId };
}

export function getDefaultPatchBaseline(
  input: GetDefaultPatchBaselineRequest,
  ctx: RequestContext,
): GetDefaultPatchBaselineResult {
  const os = input.OperatingSystem ?? 'WINDOWS';
  const id = defaultIdFor(ctx, os);
  if (id === undefined) throw baselineErrors.doesNotExist();
  return { BaselineId: id, OperatingSystem: os as OperatingSystem };
}

export async function registerPatchBaselineForPatchGroup(
  input: RegisterPatchBaselineForPatchGroupRequest,
  ctx: RequestContext,
): Promise<RegisterPatchBaselineForPatchGroupResult> {
  const resolved = resolveBaseline(ctx, input.BaselineId!);
  const os = settingsOf(resolved).OperatingSystem;
  const patchGroup = input.PatchGroup!;
  const state = baselinesState(ctx.scope);
  const key = registrationKey(patchGroup, os);
  if (Object.hasOwn(state.groups, key)) throw baselineErrors.groupHasBaseline(os);
  const count = Object.values(state.groups).filter((g) => g.baselineId === resolved.id).length;
  if (count >= MAX_GROUPS_PER_BASELINE) throw baselineErrors.tooManyGroups(resolved.id);
  state.groups[key] = { patchGroup, operatingSystem: os, baselineId: resolved.id };
  await ctx.persist([record('groups', key)]);
  return { BaselineId: input.BaselineId, PatchGroup: patchGroup };
}

export async function deregisterPatchBaselineForPatchGroup(
  input: DeregisterPatchBaselineForPatchGroupRequest,
  ctx: RequestContext,
): Promise<DeregisterPatchBaselineForPatchGroupResult> {
  const resolved = resolveBaseline(ctx, input.BaselineId!);
  const os = settingsOf(resolved).OperatingSystem;
  const patchGroup = input.PatchGroup!;
  const state = baselinesState(ctx.scope);
  const key = registrationKey(patchGroup, os);
  if (state.groups[key]?.baselineId !== resolved.id)
    throw baselineErrors.notRegistered(patchGroup, input.BaselineId!);
  await ctx.persist([removeRecord(state, 'groups', key)]);
  return { BaselineId: input.BaselineId, PatchGroup: patchGroup };
}

/** The baseline id a patch group uses for an OS: its registration, else the OS default. */
export function groupBaselineId(
  ctx: RequestContext,
  patchGroup: string | undefined,
  os: string,
): string | undefined {
  if (patchGroup !== undefined) {
    const registered = baselinesState(ctx.scope).groups[registrationKey(patchGroup, os)];
    if (registered) return registered.baselineId;
  }
  return defaultIdFor(ctx, os);
}

export function getPatchBaselineForPatchGroup(
  input: GetPatchBaselineForPatchGroupRequest,
  ctx: RequestContext,
): GetPatchBaselineForPatchGroupResult {
  const os = input.OperatingSystem ?? 'WINDOWS';
  const id = groupBaselineId(ctx, input.PatchGroup!, os);
  if (id === undefined) throw baselineErrors.doesNotExist();
  return { BaselineId: id, PatchGroup: input.PatchGroup, OperatingSystem: os as OperatingSystem };
}

type Test = (registration: StoredRegistration) => boolean;

function filterTest(filter: PatchOrchestratorFilter): Test {
  const values = filter.Values ?? [];
  switch (filter.Key) {
    case 'NAME_PREFIX':
      return (g) => values.some((v) => g.patchGroup.startsWith(v));
    case 'OPERATING_SYSTEM':
      return (g) => values.includes(g.operatingSystem);
    default:
      throw baselineErrors.validation(
        `The filter key ${String(filter.Key)} is not valid. Valid keys: NAME_PREFIX, OPERATING_SYSTEM.`,
      );
  }
}

/** Registrations in patch group order, then operating system. */
export function describePatchGroups(
  input: DescribePatchGroupsRequest,
  ctx: RequestContext,
): DescribePatchGroupsResult {
  const tests = (input.Filters ?? []).map(filterTest);
  const keyOf = (g: StoredRegistration): string => `${g.patchGroup}|${g.operatingSystem}`;
  const matching = sortedByKey(
    Object.values(baselinesState(ctx.scope).groups).filter((g) => tests.every((test) => test(g))),
    keyOf,
  );
  const page = pageAfterKey('DescribePatchGroups', matching, keyOf, input.MaxResults ?? 100, input.NextToken);
  const mappings = page.items.flatMap((g) => {
    try {
      return [
        { PatchGroup: g.patchGroup, BaselineIdentity: identityOf(ctx, resolveBaseline(ctx, g.baselineId)) },
      ];
    } catch {
      return [];
    }
  });
  return { Mappings: mappings, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}
