// CreatePatchBaseline, GetPatchBaseline, UpdatePatchBaseline and DeletePatchBaseline over this
// account's baselines; AWS's predefined ones are read-only.
import type {
  CreatePatchBaselineRequest,
  CreatePatchBaselineResult,
  DeletePatchBaselineRequest,
  DeletePatchBaselineResult,
  GetPatchBaselineRequest,
  GetPatchBaselineResult,
  UpdatePatchBaselineRequest,
  UpdatePatchBaselineResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { errors } from '../../protocol/errors.js';
import { baselineErrors, MAX_BASELINES } from './errors.js';
import { getView, resolveBaseline } from './resolve.js';
import { baselinesState, record, removeRecord, type StoredBaseline } from './state.js';
import { checkedSettings } from './validate.js';

export async function createPatchBaseline(
  input: CreatePatchBaselineRequest,
  ctx: RequestContext,
): Promise<CreatePatchBaselineResult> {
  const settings = checkedSettings(input, input.Name!);
  const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value! }));
  const state = baselinesState(ctx.scope);
  const token = input.ClientToken;
  const request = JSON.stringify({ settings, tags });
  if (token !== undefined && Object.hasOwn(state.clientTokens, token)) {
    const earlier = state.clientTokens[token]!;
    if (earlier.request !== request) throw baselineErrors.idempotentMismatch();
    return { BaselineId: earlier.baselineId };
  }
  const existing = Object.values(state.baselines);
  if (existing.length >= MAX_BASELINES) throw baselineErrors.tooManyBaselines();
  const now = ctx.services.clock.now().getTime();
  let baselineId: string;
  do baselineId = `pb-${ctx.services.ids.hex(17)}`;
  while (Object.hasOwn(state.baselines, baselineId));
  state.baselines[baselineId] = {
    baselineId,
    seq: existing.reduce((max, b) => Math.max(max, b.seq), 0) + 1,
    settings,
    createdAt: now,
    modifiedAt: now,
    tags,
  };
  const changed = [record('baselines', baselineId)];
  if (token !== undefined) {
    state.clientTokens[token] = { request, baselineId };
    changed.push(record('clientTokens', token));
  }
  await ctx.persist(changed);
  return { BaselineId: baselineId };
}

export function getPatchBaseline(
  input: GetPatchBaselineRequest,
  ctx: RequestContext,
): GetPatchBaselineResult {
  return getView(ctx, resolveBaseline(ctx, input.BaselineId!));
}

/** The account's own baseline a request names; AWS's predefined ones are not the account's to change. */
function ownBaseline(ctx: RequestContext, baselineId: string): StoredBaseline {
  const resolved = resolveBaseline(ctx, baselineId);
  if (resolved.kind !== 'own') throw baselineErrors.doesNotExist();
  return resolved.baseline;
}

export async function updatePatchBaseline(
  input: UpdatePatchBaselineRequest,
  ctx: RequestContext,
): Promise<UpdatePatchBaselineResult> {
  const baseline = ownBaseline(ctx, input.BaselineId!);
  const { BaselineId: _id, Replace: replace, ...changes } = input;
  const current = baseline.settings;
  const merged = replace
    ? { ...changes, OperatingSystem: current.OperatingSystem }
    : { ...current, ...stripUndefined(changes), OperatingSystem: current.OperatingSystem };
  const settings = checkedSettings(merged, merged.Name ?? current.Name);
  baseline.settings = settings;
  baseline.modifiedAt = ctx.services.clock.now().getTime();
  await ctx.persist([record('baselines', baseline.baselineId)]);
  const view = getView(ctx, { kind: 'own', id: baseline.baselineId, baseline });
  const { PatchGroups: _groups, ...result } = view;
  return result;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== null),
  ) as Partial<T>;
}

export async function deletePatchBaseline(
  input: DeletePatchBaselineRequest,
  ctx: RequestContext,
): Promise<DeletePatchBaselineResult> {
  const baselineId = input.BaselineId!;
  let resolved;
  try {
    resolved = resolveBaseline(ctx, baselineId);
  } catch (error) {
    // Deleting a baseline that is not there succeeds (the operation names no DoesNotExistException).
    if (
      error instanceof Error &&
      (error.name === 'DoesNotExistException' || error.name === 'InvalidResourceId')
    ) {
      if (error.name === 'InvalidResourceId') throw errors.validation(error.message);
      return { BaselineId: baselineId };
    }
    throw error;
  }
  if (resolved.kind === 'aws') throw baselineErrors.predefined();
  const state = baselinesState(ctx.scope);
  const id = resolved.id;
  const group = Object.values(state.groups).find((g) => g.baselineId === id);
  if (group) throw baselineErrors.usedByGroup(group.patchGroup);
  const os = resolved.baseline.settings.OperatingSystem;
  if (state.defaults[os] === id) throw baselineErrors.isDefault(os);
  const changed = [removeRecord(state, 'baselines', id)];
  for (const [token, entry] of Object.entries(state.clientTokens)) {
    if (entry.baselineId === id) changed.push(removeRecord(state, 'clientTokens', token));
  }
  await ctx.persist(changed);
  return { BaselineId: baselineId };
}
