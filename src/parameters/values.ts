// Rules on a parameter's value and settings: AllowedPattern, data types, KMS key ids and tiers.
import type { RequestContext } from '../core/capability.js';
import { compileUserPattern, type UserPattern } from '../core/patterns.js';
import { parameterErrors } from './errors.js';
import type { StoredTier } from './state.js';

export const STANDARD_MAX_VALUE = 4096;
export const ADVANCED_MAX_VALUE = 8192;
export const DEFAULT_KEY_ID = 'alias/aws/ssm';
export const DATA_TYPES = ['text', 'aws:ec2:image', 'aws:ssm:integration'];
const IMAGE_ID = /^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;

/**
 * AllowedPattern is a regular expression the whole value must match, run on RE2 (core/patterns.ts)
 * so it can never hang the server. A pattern RE2 cannot run (lookaround, backreferences) is refused.
 */
export function compileAllowedPattern(pattern: string): UserPattern {
  const compiled = compileUserPattern(pattern);
  if (!compiled) throw parameterErrors.invalidPattern();
  return compiled;
}

export function checkAllowedPattern(pattern: string | undefined, value: string): void {
  if (pattern === undefined || pattern === '') return;
  if (!compileAllowedPattern(pattern).matches(value)) throw parameterErrors.patternMismatch(pattern);
}

export function checkDataType(dataType: string, type: string, value: string): void {
  if (!DATA_TYPES.includes(dataType)) throw parameterErrors.unsupportedDataType(dataType);
  if (dataType !== 'aws:ec2:image') return;
  if (type !== 'String') throw parameterErrors.imageNeedsString();
  // AWS checks the image itself asynchronously; an id that is not even shaped like one is refused here.
  if (!IMAGE_ID.test(value)) throw parameterErrors.invalidImageId(value);
}

const KEY_UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const MULTI_REGION_KEY = 'mrk-[0-9a-fA-F]{32}';
const ALIAS_NAME = 'alias/[a-zA-Z0-9/_-]+';
const KMS_ARN = 'arn:aws(?:-[a-z]+)*:kms:[a-z0-9-]+:\\d{12}:';
const KEY_ID_FORMS = new RegExp(
  `^(?:${KEY_UUID}|${MULTI_REGION_KEY}|${ALIAS_NAME}|${KMS_ARN}key/(?:${KEY_UUID}|${MULTI_REGION_KEY})|${KMS_ARN}${ALIAS_NAME})$`,
);

/** A KMS key id, key ARN, alias name or alias ARN; anything else is InvalidKeyId, as KMS answers. */
export function checkKeyId(ctx: RequestContext, keyId: string): void {
  if (!KEY_ID_FORMS.test(keyId)) throw parameterErrors.invalidKeyId(keyId, ctx.services.ids.uuid());
}

export type RequestedTier = 'Standard' | 'Advanced' | 'Intelligent-Tiering' | undefined;

/**
 * The tier a write lands in. Without a tier a new parameter is Standard (the account default) and an
 * existing one keeps its tier; Intelligent-Tiering picks Advanced only when the value or policies need
 * it and never moves an advanced parameter down; asking for Standard on an advanced parameter is
 * refused. The value must then fit the tier, and policies need Advanced.
 */
export function resolveTier(
  requested: RequestedTier,
  existing: StoredTier | undefined,
  valueLength: number,
  hasPolicies: boolean,
): StoredTier {
  let tier: StoredTier;
  if (requested === 'Advanced') tier = 'Advanced';
  else if (requested === 'Intelligent-Tiering') {
    const needsAdvanced = valueLength > STANDARD_MAX_VALUE || hasPolicies || existing === 'Advanced';
    tier = needsAdvanced ? 'Advanced' : 'Standard';
  } else if (requested === 'Standard') {
    if (existing === 'Advanced') throw parameterErrors.tierDowngrade();
    tier = 'Standard';
  } else tier = existing ?? 'Standard';
  if (tier === 'Standard' && valueLength > STANDARD_MAX_VALUE) throw parameterErrors.standardValueTooLong();
  if (valueLength > ADVANCED_MAX_VALUE) throw parameterErrors.advancedValueTooLong();
  if (tier === 'Standard' && hasPolicies) throw parameterErrors.policiesNeedAdvanced();
  return tier;
}
