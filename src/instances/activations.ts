// Hybrid activations: CreateActivation, DescribeActivations, DeleteActivation. Registering with an
// activation (admin endpoint / CLI) is in registration.ts; it counts against RegistrationLimit.
import type {
  Activation,
  CreateActivationRequest,
  CreateActivationResult,
  DeleteActivationRequest,
  DeleteActivationResult,
  DescribeActivationsRequest,
  DescribeActivationsResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { instanceErrors } from './errors.js';
import { paginate } from './paging.js';
import { hashActivationCode, instancesState, type ActivationRecord } from './state.js';

const HOUR = 3600_000;
const DEFAULT_LIFETIME = 24 * HOUR;
const MAX_LIFETIME = 30 * 24 * HOUR;
const DEFAULT_MAX_RESULTS = 50;
const MAX_TAGS = 50;

/** 20 characters of base64 from 15 random bytes, like the codes AWS hands out. */
function activationCode(ctx: RequestContext): string {
  return Buffer.from(ctx.services.ids.hex(30), 'hex').toString('base64');
}

export async function createActivation(
  input: CreateActivationRequest,
  ctx: RequestContext,
): Promise<CreateActivationResult> {
  const now = ctx.services.clock.now().getTime();
  const expiresAt = input.ExpirationDate ? input.ExpirationDate.getTime() : now + DEFAULT_LIFETIME;
  if (expiresAt <= now) throw instanceErrors.expirationInPast();
  if (expiresAt > now + MAX_LIFETIME) throw instanceErrors.expirationTooFar();
  const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value! }));
  if (tags.some((t) => t.Key.toLowerCase().startsWith('aws:'))) throw instanceErrors.reservedTagKey();
  if (new Set(tags.map((t) => t.Key)).size !== tags.length) throw instanceErrors.duplicateTagKeys();
  if (tags.length > MAX_TAGS) throw instanceErrors.tooManyTags(MAX_TAGS);
  const id = ctx.services.ids.uuid();
  const code = activationCode(ctx);
  const record: ActivationRecord = {
    id,
    codeHash: hashActivationCode(code),
    ...(input.Description !== undefined ? { description: input.Description } : {}),
    ...(input.DefaultInstanceName !== undefined ? { defaultInstanceName: input.DefaultInstanceName } : {}),
    iamRole: input.IamRole!,
    registrationLimit: input.RegistrationLimit ?? 1,
    registrationsCount: 0,
    expiresAt,
    createdAt: now,
    tags,
  };
  instancesState(ctx.scope).activations[id] = record;
  await ctx.persist();
  return { ActivationId: id, ActivationCode: code };
}

function toActivation(record: ActivationRecord, now: number): Activation {
  return {
    ActivationId: record.id,
    ...(record.description !== undefined ? { Description: record.description } : {}),
    ...(record.defaultInstanceName !== undefined ? { DefaultInstanceName: record.defaultInstanceName } : {}),
    IamRole: record.iamRole,
    RegistrationLimit: record.registrationLimit,
    RegistrationsCount: record.registrationsCount,
    ExpirationDate: new Date(record.expiresAt),
    Expired: now >= record.expiresAt,
    CreatedDate: new Date(record.createdAt),
    Tags: record.tags.map((t) => ({ ...t })),
  };
}

export function describeActivations(
  input: DescribeActivationsRequest,
  ctx: RequestContext,
): DescribeActivationsResult {
  const filters = (input.Filters ?? []).map((f) => {
    if (!f.FilterKey) throw instanceErrors.filterKeyMissing();
    if (!f.FilterValues || f.FilterValues.length === 0) throw instanceErrors.filterValuesMissing(f.FilterKey);
    return { key: f.FilterKey, values: f.FilterValues };
  });
  const field = (record: ActivationRecord, key: string): string | undefined =>
    key === 'ActivationIds'
      ? record.id
      : key === 'DefaultInstanceName'
        ? record.defaultInstanceName
        : record.iamRole;
  const records = Object.values(instancesState(ctx.scope).activations).filter((record) =>
    filters.every((f) => {
      const value = field(record, f.key);
      return value !== undefined && f.values.includes(value);
    }),
  );
  const now = ctx.services.clock.now().getTime();
  const { page, nextToken } = paginate(
    'DescribeActivations',
    records,
    (r) => `${String(r.createdAt).padStart(16, '0')}:${r.id}`,
    input.MaxResults ?? DEFAULT_MAX_RESULTS,
    input.NextToken,
  );
  return {
    ActivationList: page.map((r) => toActivation(r, now)),
    ...(nextToken ? { NextToken: nextToken } : {}),
  };
}

export async function deleteActivation(
  input: DeleteActivationRequest,
  ctx: RequestContext,
): Promise<DeleteActivationResult> {
  const state = instancesState(ctx.scope);
  const id = input.ActivationId!;
  if (!state.activations[id]) {
    throw state.deletedActivations[id] !== undefined
      ? instanceErrors.activationDeleted(id)
      : instanceErrors.invalidActivationId(id);
  }
  delete state.activations[id];
  state.deletedActivations[id] = ctx.services.clock.now().getTime();
  await ctx.persist();
  return {};
}
