// How a BaselineId in a request names a baseline: pb-<17 hex> (or its ARN in this account and region)
// for the account's own, the full ARN for AWS's predefined ones (AWS requires the ARN for those); and
// the views the operations answer of either.
import type { GetPatchBaselineResult, OperatingSystem, PatchBaselineIdentity } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import type { BaselineRules } from '../model.js';
import { baselineErrors } from './errors.js';
import { predefinedByArn, predefinedDefault, type PredefinedBaseline } from './predefined.js';
import {
  baselinesState,
  findBaseline,
  groupsOf,
  type BaselineSettings,
  type StoredBaseline,
} from './state.js';

export type Resolved =
  | { kind: 'own'; id: string; baseline: StoredBaseline }
  | { kind: 'aws'; id: string; predefined: PredefinedBaseline };

const OWN_ID = /^pb-[0-9a-f]{17}$/;
const ARN = /^arn:aws[a-z-]*:ssm:([a-z0-9-]+):(\d{12}):patchbaseline\/(pb-[0-9a-f]{17})$/;

/** The baseline a request names, or DoesNotExistException / InvalidResourceId. */
export function resolveBaseline(ctx: RequestContext, baselineId: string): Resolved {
  let ownId: string | undefined;
  if (OWN_ID.test(baselineId)) ownId = baselineId;
  else {
    const arn = ARN.exec(baselineId);
    if (!arn) throw baselineErrors.invalidId(baselineId);
    const predefined = predefinedByArn(ctx.region, baselineId);
    if (predefined) return { kind: 'aws', id: predefined.arn, predefined };
    if (arn[1] === ctx.region && arn[2] === ctx.accountId) ownId = arn[3]!;
  }
  const baseline = ownId === undefined ? undefined : findBaseline(ctx.scope, ownId);
  if (!baseline) throw baselineErrors.doesNotExist();
  return { kind: 'own', id: baseline.baselineId, baseline };
}

export function settingsOf(resolved: Resolved): BaselineSettings {
  return resolved.kind === 'own' ? resolved.baseline.settings : resolved.predefined.settings;
}

/** The default baseline's id for an OS: the registered one, else AWS's predefined default. */
export function defaultIdFor(ctx: RequestContext, operatingSystem: string): string | undefined {
  const registered = baselinesState(ctx.scope).defaults[operatingSystem];
  if (registered !== undefined) return registered;
  return predefinedDefault(ctx.region, operatingSystem)?.arn;
}

/** The default baseline for an OS, resolved. */
export function defaultFor(ctx: RequestContext, operatingSystem: string): Resolved {
  const id = defaultIdFor(ctx, operatingSystem);
  if (id === undefined) throw baselineErrors.doesNotExist();
  return resolveBaseline(ctx, id);
}

export function identityOf(ctx: RequestContext, resolved: Resolved): PatchBaselineIdentity {
  const settings = settingsOf(resolved);
  return {
    BaselineId: resolved.id,
    BaselineName: settings.Name,
    OperatingSystem: settings.OperatingSystem as OperatingSystem,
    BaselineDescription: settings.Description,
    DefaultBaseline: defaultIdFor(ctx, settings.OperatingSystem) === resolved.id,
  };
}

/** The rules evaluate() applies (a deep copy: the caller may keep it). */
export function rulesOf(resolved: Resolved): BaselineRules {
  const { Name: _name, Description: _description, Sources: _sources, ...rules } = settingsOf(resolved);
  return JSON.parse(JSON.stringify({ ...rules, BaselineId: resolved.id })) as BaselineRules;
}

export function getView(ctx: RequestContext, resolved: Resolved): GetPatchBaselineResult {
  const s = settingsOf(resolved);
  const createdAt = resolved.kind === 'own' ? resolved.baseline.createdAt : resolved.predefined.createdAt;
  const modifiedAt = resolved.kind === 'own' ? resolved.baseline.modifiedAt : resolved.predefined.createdAt;
  return {
    BaselineId: resolved.id,
    Name: s.Name,
    OperatingSystem: s.OperatingSystem,
    GlobalFilters: s.GlobalFilters ?? { PatchFilters: [] },
    ApprovalRules: s.ApprovalRules ?? { PatchRules: [] },
    ApprovedPatches: s.ApprovedPatches ?? [],
    ApprovedPatchesComplianceLevel: s.ApprovedPatchesComplianceLevel ?? 'UNSPECIFIED',
    ApprovedPatchesEnableNonSecurity: s.ApprovedPatchesEnableNonSecurity ?? false,
    RejectedPatches: s.RejectedPatches ?? [],
    RejectedPatchesAction: s.RejectedPatchesAction ?? 'ALLOW_AS_DEPENDENCY',
    PatchGroups: groupsOf(ctx.scope, resolved.id),
    CreatedDate: new Date(createdAt),
    ModifiedDate: new Date(modifiedAt),
    ...(s.Description !== undefined ? { Description: s.Description } : {}),
    Sources: s.Sources ?? [],
    ...(s.AvailableSecurityUpdatesComplianceStatus !== undefined
      ? { AvailableSecurityUpdatesComplianceStatus: s.AvailableSecurityUpdatesComplianceStatus }
      : {}),
  } as GetPatchBaselineResult;
}
