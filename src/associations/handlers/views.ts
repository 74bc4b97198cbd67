// How stored associations read back: AssociationDescription (create, update, describe),
// Association (ListAssociations) and AssociationVersionInfo (ListAssociationVersions). AWS echoes
// AssociationVersion, DocumentVersion ($DEFAULT when none was given) and ApplyOnlyAtCronInterval
// (false) on every description; other members appear only when they were given. An association
// made with the legacy InstanceId also reads back with Targets InstanceIds = [that instance].
import type {
  Association,
  AssociationDescription,
  AssociationStatusName,
  AssociationVersionInfo,
  CreateAssociationRequest,
  Target,
} from '@aws-sdk/client-ssm';
import type { AssociationSettings, StoredAssociation, StoredVersion } from '../state.js';
import { normalizeTargets } from './validate.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

const SETTING_KEYS = [
  'Name',
  'DocumentVersion',
  'InstanceId',
  'Parameters',
  'Targets',
  'ScheduleExpression',
  'OutputLocation',
  'AssociationName',
  'AutomationTargetParameterName',
  'MaxErrors',
  'MaxConcurrency',
  'ComplianceSeverity',
  'SyncCompliance',
  'ApplyOnlyAtCronInterval',
  'CalendarNames',
  'TargetLocations',
  'ScheduleOffset',
  'Duration',
  'TargetMaps',
  'AlarmConfiguration',
  'AssociationDispatchAssumeRole',
] as const satisfies readonly (keyof AssociationSettings)[];

/** The settings a request gives (CreateAssociation, a batch entry, UpdateAssociation), as stored. */
export function settingsFrom(
  input: Partial<CreateAssociationRequest> & { Name: string },
): AssociationSettings {
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const value = (input as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) settings[key] = copy(value);
  }
  const result = settings as unknown as AssociationSettings;
  const targets = normalizeTargets(result.Targets);
  if (targets) result.Targets = targets;
  else delete result.Targets;
  return result;
}

function targetsOf(settings: AssociationSettings): Target[] | undefined {
  if (settings.InstanceId !== undefined) return [{ Key: 'InstanceIds', Values: [settings.InstanceId] }];
  return settings.Targets ? copy(settings.Targets) : undefined;
}

/** The members of the settings, copied, without Name/InstanceId/Targets (which callers place). */
function settingMembers(settings: AssociationSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    if (key === 'Name' || key === 'InstanceId' || key === 'Targets') continue;
    if (settings[key] !== undefined) out[key] = copy(settings[key]);
  }
  return out;
}

/** AssociationDescription of the association at its latest version, or at the version given. */
export function descriptionView(
  association: StoredAssociation,
  version?: StoredVersion,
): AssociationDescription {
  const settings = version?.settings ?? association.settings;
  const view: AssociationDescription = {
    Name: settings.Name,
    ...(settings.InstanceId !== undefined ? { InstanceId: settings.InstanceId } : {}),
    AssociationVersion: String(version?.version ?? association.version),
    Date: new Date(association.createdAt),
    LastUpdateAssociationDate: new Date(association.updatedAt),
    Overview: copy(association.overview),
    AssociationId: association.associationId,
    ...settingMembers(settings),
    DocumentVersion: settings.DocumentVersion ?? '$DEFAULT',
    ApplyOnlyAtCronInterval: settings.ApplyOnlyAtCronInterval ?? false,
  };
  const targets = targetsOf(settings);
  if (targets) view.Targets = targets;
  if (association.legacyStatus) {
    const { Date: at, ...status } = association.legacyStatus;
    view.Status = { ...status, Name: status.Name as AssociationStatusName, Date: new Date(at) };
  }
  if (association.lastExecutionAt !== undefined)
    view.LastExecutionDate = new Date(association.lastExecutionAt);
  if (association.lastSuccessfulExecutionAt !== undefined) {
    view.LastSuccessfulExecutionDate = new Date(association.lastSuccessfulExecutionAt);
  }
  return view;
}

/** The Association entry of ListAssociations. */
export function listView(association: StoredAssociation): Association {
  const s = association.settings;
  const view: Association = {
    Name: s.Name,
    ...(s.InstanceId !== undefined ? { InstanceId: s.InstanceId } : {}),
    AssociationId: association.associationId,
    AssociationVersion: String(association.version),
    DocumentVersion: s.DocumentVersion ?? '$DEFAULT',
    Overview: copy(association.overview),
  };
  const targets = targetsOf(s);
  if (targets) view.Targets = targets;
  if (association.lastExecutionAt !== undefined)
    view.LastExecutionDate = new Date(association.lastExecutionAt);
  if (s.ScheduleExpression !== undefined) view.ScheduleExpression = s.ScheduleExpression;
  if (s.AssociationName !== undefined) view.AssociationName = s.AssociationName;
  if (s.ScheduleOffset !== undefined) view.ScheduleOffset = s.ScheduleOffset;
  if (s.Duration !== undefined) view.Duration = s.Duration;
  if (s.TargetMaps !== undefined) view.TargetMaps = copy(s.TargetMaps);
  return view;
}

/** One AssociationVersionInfo of ListAssociationVersions: the version's settings as given. */
export function versionView(version: StoredVersion): AssociationVersionInfo {
  const s = version.settings;
  const members = settingMembers(s);
  delete members['AlarmConfiguration'];
  delete members['AutomationTargetParameterName'];
  const view: AssociationVersionInfo = {
    AssociationId: version.associationId,
    AssociationVersion: String(version.version),
    CreatedDate: new Date(version.createdAt),
    Name: s.Name,
    ...members,
  };
  const targets = targetsOf(s);
  if (targets) view.Targets = targets;
  return view;
}
