// Checks an association's settings as CreateAssociation and UpdateAssociation do: the document (a
// Command document of this account, Amazon's or shared), its parameters (through the documents
// capability, which answers InvalidParameters as AWS does), the targets, the schedule, the output
// location and, for the legacy InstanceId form, that the instance is a managed instance.
import type { Target } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import { InvalidScheduleExpression, parseScheduleExpression } from '../../core/schedule-expression.js';
import { DOCUMENTS, type ExecutableDocument } from '../../documents/api.js';
import { FLEET } from '../../instances/api.js';
import type { AssociationSettings } from '../state.js';
import { associationErrors } from './errors.js';

/** Document types an association may apply here (Run Command runs them). */
export const ASSOCIATION_DOCUMENT_TYPES = ['Command'];

const INSTANCE_ID = /^(i-(\w{8}|\w{17})|mi-\w{17})$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The targets with the InstanceIds key in AWS's spelling (AWS answers `instanceids` as `InstanceIds`). */
export function normalizeTargets(targets: Target[] | undefined): Target[] | undefined {
  if (!targets || targets.length === 0) return undefined;
  return targets.map((t) => ({
    Key: (t.Key ?? '').toLowerCase() === 'instanceids' ? 'InstanceIds' : (t.Key ?? ''),
    Values: [...(t.Values ?? [])],
  }));
}

function checkTarget(target: Target, count: number): void {
  const key = target.Key ?? '';
  const values = target.Values ?? [];
  if (key === 'InstanceIds') {
    if (count > 1) {
      throw associationErrors.invalidTarget('InstanceIds cannot be combined with other targets.');
    }
    if (values.length === 0)
      throw associationErrors.invalidTarget('Target InstanceIds requires at least one value.');
    if (values.includes('*')) {
      if (values.length > 1)
        throw associationErrors.invalidTarget('The value * must be the only instance ID.');
      return;
    }
    const bad = values.find((v) => !INSTANCE_ID.test(v));
    if (bad !== undefined) throw associationErrors.invalidTarget(`Instance ID ${bad} is not valid.`);
    return;
  }
  if (key === 'tag-key' || (key.startsWith('tag:') && key.length > 'tag:'.length)) {
    if (values.length === 0)
      throw associationErrors.invalidTarget(`Target ${key} requires at least one value.`);
    return;
  }
  if (key === 'resource-groups:Name') {
    if (values.length !== 1) {
      throw associationErrors.invalidTarget(
        'Target resource-groups:Name takes exactly one resource group name.',
      );
    }
    return;
  }
  if (key === 'resource-groups:ResourceTypeFilters') {
    if (values.length === 0) {
      throw associationErrors.invalidTarget(
        'Target resource-groups:ResourceTypeFilters requires at least one value.',
      );
    }
    return;
  }
  throw associationErrors.unsupportedTarget();
}

function checkTargets(settings: AssociationSettings): void {
  const targets = settings.Targets ?? [];
  if ((settings.TargetMaps ?? []).length > 0) {
    if (targets.length > 0) {
      throw associationErrors.invalidTargetMaps("Both Targets and TargetMaps can't be specified together.");
    }
    throw associationErrors.invalidTargetMaps(
      'TargetMaps apply to Automation runbooks, which ssm-local does not run.',
    );
  }
  if (settings.InstanceId !== undefined && targets.length > 0) {
    throw associationErrors.invalidTarget('Specify either InstanceId or Targets, not both.');
  }
  if (settings.InstanceId === undefined && targets.length === 0) throw associationErrors.noTargets();
  for (const target of targets) checkTarget(target, targets.length);
}

function checkSchedule(settings: AssociationSettings): void {
  const { ScheduleExpression: text, ScheduleOffset: offset, ApplyOnlyAtCronInterval: onlyAtCron } = settings;
  if (text === undefined) {
    if (offset !== undefined) {
      throw associationErrors.invalidSchedule(
        'ScheduleOffset can only be used with a cron schedule expression.',
      );
    }
    if (onlyAtCron) {
      throw associationErrors.invalidSchedule('ApplyOnlyAtCronInterval requires a schedule expression.');
    }
    return;
  }
  let type: string;
  try {
    type = parseScheduleExpression(text, { kind: 'association', offsetDays: offset }).type;
  } catch (error) {
    if (error instanceof InvalidScheduleExpression) throw associationErrors.invalidSchedule(error.message);
    throw error;
  }
  if (onlyAtCron && type === 'rate') {
    throw associationErrors.invalidSchedule('ApplyOnlyAtCronInterval is not supported for rate expressions.');
  }
}

function checkOutputLocation(settings: AssociationSettings): void {
  if (settings.OutputLocation === undefined) return;
  const s3 = settings.OutputLocation.S3Location;
  if (!s3 || s3.OutputS3BucketName === undefined || !BUCKET.test(s3.OutputS3BucketName)) {
    throw associationErrors.invalidOutputLocation();
  }
  if (s3.OutputS3Region !== undefined && !REGION.test(s3.OutputS3Region)) {
    throw associationErrors.invalidOutputLocation();
  }
}

/**
 * Checks settings as CreateAssociation and UpdateAssociation do and returns the document they
 * resolve to. Throws the SsmError AWS answers.
 */
export async function checkSettings(
  ctx: RequestContext,
  settings: AssociationSettings,
): Promise<ExecutableDocument> {
  const documents = ctx.services.registry.get(DOCUMENTS);
  const doc = documents.resolveForExecution(
    ctx,
    settings.Name,
    settings.DocumentVersion,
    ASSOCIATION_DOCUMENT_TYPES,
  );
  checkTargets(settings);
  documents.plan(ctx, doc, settings.Parameters ?? {});
  checkSchedule(settings);
  checkOutputLocation(settings);
  if (settings.InstanceId !== undefined) {
    const fleet = ctx.services.registry.get(FLEET);
    const instance = await fleet.get(ctx.accountId, ctx.region, settings.InstanceId);
    if (!instance) throw associationErrors.invalidInstanceId(settings.InstanceId);
  }
  return doc;
}
