// How parameters look in responses: Parameter (GetParameter, GetParameters, GetParametersByPath),
// ParameterMetadata (DescribeParameters) and ParameterHistory (GetParameterHistory).
import type { Parameter, ParameterHistory, ParameterMetadata } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { parameterArn, publicArn, type NameReference } from './names.js';
import { policiesView } from './policies.js';
import type { PublicParameter } from './public.js';
import { visibleValue } from './secure.js';
import type { ParameterVersion, StoredParameter } from './state.js';
import { parameterErrors } from './errors.js';

/** The version a reference selects: the latest, name:version or name:label. Throws as GetParameter does. */
export function selectVersion(parameter: StoredParameter, ref: NameReference): ParameterVersion {
  const { selector } = ref;
  if (!selector) return parameter.versions[parameter.versions.length - 1]!;
  if (selector.version !== undefined) {
    const found = parameter.versions.find((v) => v.version === selector.version);
    if (!found) throw parameterErrors.versionNotFound(selector.version, ref.shown);
    return found;
  }
  const labelled = parameter.versions.find((v) => v.labels.includes(selector.label!));
  if (!labelled) throw parameterErrors.notFound();
  return labelled;
}

export function parameterView(
  ctx: RequestContext,
  key: string,
  version: ParameterVersion,
  name: string,
  withDecryption: boolean | undefined,
  selector?: string,
): Parameter {
  return {
    Name: name,
    Type: version.type,
    Value: visibleValue(ctx, version, key, withDecryption),
    Version: version.version,
    ...(selector !== undefined ? { Selector: selector } : {}),
    LastModifiedDate: new Date(version.modifiedAt),
    ARN: parameterArn(ctx, key),
    DataType: version.dataType,
  };
}

export function publicView(
  ctx: RequestContext,
  found: PublicParameter,
  name: string,
  selector?: string,
): Parameter {
  return {
    Name: name,
    Type: found.type,
    Value: found.value,
    Version: found.version,
    ...(selector !== undefined ? { Selector: selector } : {}),
    LastModifiedDate: new Date(found.modifiedAt),
    ARN: publicArn(ctx, found.key),
    DataType: found.dataType,
  };
}

export function metadataView(
  ctx: RequestContext,
  key: string,
  parameter: StoredParameter,
): ParameterMetadata {
  const current = parameter.versions[parameter.versions.length - 1]!;
  return {
    Name: parameter.name,
    ARN: parameterArn(ctx, key),
    Type: current.type,
    ...(current.keyId !== undefined ? { KeyId: current.keyId } : {}),
    LastModifiedDate: new Date(current.modifiedAt),
    LastModifiedUser: current.modifiedBy,
    ...(current.description !== undefined ? { Description: current.description } : {}),
    ...(current.allowedPattern !== undefined ? { AllowedPattern: current.allowedPattern } : {}),
    Version: current.version,
    Tier: current.tier,
    Policies: policiesView(current.policies),
    DataType: current.dataType,
  };
}

export function publicMetadataView(ctx: RequestContext, found: PublicParameter): ParameterMetadata {
  return {
    Name: found.name,
    ARN: publicArn(ctx, found.key),
    Type: found.type,
    LastModifiedDate: new Date(found.modifiedAt),
    Version: found.version,
    Tier: 'Standard',
    Policies: [],
    DataType: found.dataType,
  };
}

export function historyView(
  ctx: RequestContext,
  key: string,
  version: ParameterVersion,
  name: string,
  withDecryption: boolean | undefined,
): ParameterHistory {
  return {
    Name: name,
    Type: version.type,
    ...(version.keyId !== undefined ? { KeyId: version.keyId } : {}),
    LastModifiedDate: new Date(version.modifiedAt),
    LastModifiedUser: version.modifiedBy,
    ...(version.description !== undefined ? { Description: version.description } : {}),
    Value: visibleValue(ctx, version, key, withDecryption),
    ...(version.allowedPattern !== undefined ? { AllowedPattern: version.allowedPattern } : {}),
    Version: version.version,
    Labels: [...version.labels],
    Tier: version.tier,
    Policies: policiesView(version.policies),
    DataType: version.dataType,
  };
}
