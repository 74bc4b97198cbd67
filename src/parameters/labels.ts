// LabelParameterVersion and UnlabelParameterVersion. A label names one version of a parameter: at
// most 10 per version, letters, digits, . - _ only, not starting with a digit or with aws/ssm (any
// case), at most 100 characters (the model checks the length). A label put on another version moves
// there. Labels that break the rules are reported in InvalidLabels and not attached.
import type {
  LabelParameterVersionRequest,
  LabelParameterVersionResult,
  UnlabelParameterVersionRequest,
  UnlabelParameterVersionResult,
} from '@aws-sdk/client-ssm';
import type { RequestContext } from '../core/capability.js';
import { parameterErrors } from './errors.js';
import { parseReference } from './names.js';
import {
  latest,
  parameterRecords,
  parametersState,
  type ParameterVersion,
  type StoredParameter,
} from './state.js';

const MAX_LABELS = 10;

export function validLabel(label: string): boolean {
  return /^[a-zA-Z0-9_.-]+$/.test(label) && !/^\d/.test(label) && !/^(aws|ssm)/i.test(label);
}

function target(
  ctx: RequestContext,
  name: string,
  wanted: number | undefined,
): { parameter: StoredParameter; version: ParameterVersion; shown: string; key: string } {
  const ref = parseReference(ctx, name);
  const parameter = ref.foreign ? undefined : parametersState(ctx).parameters[ref.key];
  if (!parameter) throw parameterErrors.notFound();
  const version =
    wanted === undefined ? latest(parameter) : parameter.versions.find((v) => v.version === wanted);
  if (!version) throw parameterErrors.versionNotFound(wanted!, ref.shown);
  return { parameter, version, shown: ref.shown, key: ref.key };
}

export async function labelParameterVersion(
  input: LabelParameterVersionRequest,
  ctx: RequestContext,
): Promise<LabelParameterVersionResult> {
  const { parameter, version, key } = target(ctx, input.Name!, input.ParameterVersion);
  const requested = [...new Set(input.Labels ?? [])];
  const invalid = requested.filter((label) => !validLabel(label));
  const adding = requested.filter((label) => validLabel(label) && !version.labels.includes(label));
  if (version.labels.length + adding.length > MAX_LABELS) throw parameterErrors.labelLimit();
  for (const other of parameter.versions) {
    if (other !== version) other.labels = other.labels.filter((label) => !adding.includes(label));
  }
  version.labels.push(...adding);
  await ctx.persist(parameterRecords(key));
  return { InvalidLabels: invalid, ParameterVersion: version.version };
}

export async function unlabelParameterVersion(
  input: UnlabelParameterVersionRequest,
  ctx: RequestContext,
): Promise<UnlabelParameterVersionResult> {
  const { version, key } = target(ctx, input.Name!, input.ParameterVersion!);
  const requested = [...new Set(input.Labels ?? [])];
  const removed = requested.filter((label) => version.labels.includes(label));
  const invalid = requested.filter((label) => !version.labels.includes(label));
  version.labels = version.labels.filter((label) => !removed.includes(label));
  await ctx.persist(parameterRecords(key));
  return { RemovedLabels: removed, InvalidLabels: invalid };
}
