// PutParameter: creates a parameter (version 1) or, with Overwrite, adds a version. What a new
// version does not state (type, description, key id, allowed pattern, data type, tier, policies) it
// takes from the previous version. At most 100 versions are kept: the oldest goes, unless it carries a
// label.
import type { PutParameterRequest, PutParameterResult, Tag } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { MAX_VALUE_LENGTH, parameterErrors } from './errors.js';
import { parseNewName } from './names.js';
import { expirationOf, parsePolicies } from './policies.js';
import { encryptValue } from './secure.js';
import {
  countsOf,
  latest,
  modifiedBy,
  parametersState,
  recountTier,
  setExpiry,
  type ParameterType,
  parameterRecords,
  type ParameterVersion,
  type StoredTier,
} from './state.js';
import {
  DEFAULT_KEY_ID,
  checkAllowedPattern,
  checkDataType,
  checkKeyId,
  compileAllowedPattern,
  resolveTier,
} from './values.js';

const MAX_VERSIONS = 100;
const LIMITS: Record<StoredTier, number> = { Standard: 10_000, Advanced: 100_000 };

function uniqueTags(tags: Tag[] | undefined): { Key: string; Value: string }[] {
  const byKey = new Map<string, string>();
  for (const tag of tags ?? []) byKey.set(tag.Key!, tag.Value!);
  return [...byKey].map(([Key, Value]) => ({ Key, Value }));
}

export async function putParameter(
  input: PutParameterRequest,
  ctx: RequestContext,
): Promise<PutParameterResult> {
  const value = input.Value!;
  // Request validation, which AWS runs before any rule of Parameter Store's own.
  if (value === '') throw parameterErrors.emptyValue();
  if (value.length > MAX_VALUE_LENGTH) throw parameterErrors.valueTooLong();
  const { key, name } = parseNewName(ctx, input.Name!);
  if (input.Overwrite && input.Tags && input.Tags.length > 0) throw parameterErrors.tagsWithOverwrite();

  const state = parametersState(ctx);
  const existing = state.parameters[key];
  if (existing && !input.Overwrite) throw parameterErrors.alreadyExists();
  const previous = existing ? latest(existing) : undefined;

  const type = (input.Type ?? previous?.type) as ParameterType | undefined;
  if (!type) throw parameterErrors.typeRequired();
  if (input.KeyId !== undefined && type !== 'SecureString') throw parameterErrors.keyIdOnlyForSecureString();
  // The type of a parameter inside a hierarchy is fixed; a top-level parameter's can change.
  if (previous && previous.type !== type && key.includes('/')) throw parameterErrors.typeMismatch();

  const dataType = input.DataType ?? previous?.dataType ?? 'text';
  checkDataType(dataType, type, value);
  if (input.AllowedPattern) compileAllowedPattern(input.AllowedPattern);
  const allowedPattern =
    input.AllowedPattern !== undefined ? input.AllowedPattern || undefined : previous?.allowedPattern;
  checkAllowedPattern(allowedPattern, value);

  let keyId: string | undefined;
  if (type === 'SecureString') {
    if (input.KeyId !== undefined) checkKeyId(ctx, input.KeyId);
    keyId = input.KeyId ?? (previous?.type === 'SecureString' ? previous.keyId : undefined) ?? DEFAULT_KEY_ID;
  }

  const now = ctx.services.clock.now().getTime();
  const parsed = input.Policies !== undefined ? parsePolicies(input.Policies, now) : undefined;
  const policies = parsed ? parsed.policies : (previous?.policies ?? []);
  const tier = resolveTier(input.Tier, previous?.tier, value.length, policies.length > 0);
  if (tier !== previous?.tier && countsOf(state)[tier] >= LIMITS[tier]) {
    throw tier === 'Standard' ? parameterErrors.standardLimit() : parameterErrors.advancedLimit();
  }

  if (existing && existing.versions.length >= MAX_VERSIONS) {
    const oldest = existing.versions[0]!;
    if (oldest.labels.length > 0) throw parameterErrors.maxVersions(name, oldest.version);
  }

  const description =
    input.Description !== undefined ? input.Description || undefined : previous?.description;
  const version: ParameterVersion = {
    version: previous ? previous.version + 1 : 1,
    type,
    value: type === 'SecureString' ? encryptValue(ctx, value, keyId!, key) : value,
    ...(keyId !== undefined ? { keyId } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(allowedPattern !== undefined ? { allowedPattern } : {}),
    tier,
    dataType,
    policies,
    labels: [],
    modifiedAt: now,
    modifiedBy: modifiedBy(ctx),
  };

  // Everything above only read; from here on the change is made in one synchronous step.
  if (existing) {
    if (existing.versions.length >= MAX_VERSIONS) existing.versions.shift();
    existing.versions.push(version);
  } else {
    state.parameters[key] = { name, versions: [version], tags: uniqueTags(input.Tags) };
  }
  recountTier(state, previous?.tier, tier);
  const expiresAt = parsed ? parsed.expiresAt : expirationOf(policies);
  setExpiry(state, key, expiresAt);

  await ctx.persist(parameterRecords(key));
  return { Version: version.version, Tier: tier };
}
