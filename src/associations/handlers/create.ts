// CreateAssociation and CreateAssociationBatch: check the settings, store the association at
// version 1 with Overview Pending/Creating, then hand it to the engine (which runs it unless
// ApplyOnlyAtCronInterval says to wait). An association made with the legacy InstanceId is unique
// per document and instance (AssociationAlreadyExists) and reads back with Status Associated.
import type {
  AssociationDescription,
  CreateAssociationBatchRequest,
  CreateAssociationBatchRequestEntry,
  CreateAssociationBatchResult,
  CreateAssociationRequest,
  CreateAssociationResult,
  FailedCreateAssociation,
} from '@aws-sdk/client-ssm';
import type { RequestContext, Tag } from '../../core/capability.js';
import { SsmError } from '../../protocol/errors.js';
import type { AssociationEngine } from '../engine-api.js';
import { associationList, associationsState, keys, record, type StoredAssociation } from '../state.js';
import { associationErrors, MAX_ASSOCIATIONS } from './errors.js';
import { findLegacy } from './lookup.js';
import { checkSettings } from './validate.js';
import { descriptionView, settingsFrom } from './views.js';

async function create(
  ctx: RequestContext,
  engine: () => AssociationEngine,
  input: CreateAssociationBatchRequestEntry,
  tags: Tag[],
): Promise<AssociationDescription> {
  const settings = settingsFrom({ ...input, Name: input.Name! });
  await checkSettings(ctx, settings);
  if (tags.some((t) => t.Key.toLowerCase().startsWith('aws:'))) throw associationErrors.invalidTag();
  if (settings.InstanceId !== undefined && findLegacy(ctx, settings.Name, settings.InstanceId)) {
    throw associationErrors.alreadyExists();
  }
  const existing = associationList(ctx.scope);
  if (existing.length >= MAX_ASSOCIATIONS) throw associationErrors.limitExceeded();

  const now = ctx.services.clock.now().getTime();
  const associationId = ctx.services.ids.uuid();
  const association: StoredAssociation = {
    associationId,
    seq: existing.reduce((max, a) => Math.max(max, a.seq), 0) + 1,
    settings,
    version: 1,
    createdAt: now,
    updatedAt: now,
    tags: tags.map((t) => ({ Key: t.Key, Value: t.Value })),
    overview: { Status: 'Pending', DetailedStatus: 'Creating' },
  };
  if (settings.InstanceId !== undefined) {
    association.legacyStatus = { Date: now, Name: 'Associated', Message: `Associated with ${settings.Name}` };
  }
  const state = associationsState(ctx.scope);
  const versionKey = keys.version(associationId, 1);
  state.associations[associationId] = association;
  state.versions[versionKey] = {
    associationId,
    version: 1,
    createdAt: now,
    settings: JSON.parse(JSON.stringify(settings)),
  };
  await ctx.persist([record('associations', associationId), record('versions', versionKey)]);
  const view = descriptionView(association);
  engine().applied(ctx, associationId, 'created');
  return view;
}

export function createAssociation(engine: () => AssociationEngine) {
  return async (input: CreateAssociationRequest, ctx: RequestContext): Promise<CreateAssociationResult> => {
    const tags = (input.Tags ?? []).map((t) => ({ Key: t.Key!, Value: t.Value! }));
    return { AssociationDescription: await create(ctx, engine, input, tags) };
  };
}

/** AWS's batch text for an entry whose association exists (AWS CLI example create-association-batch). */
const BATCH_ALREADY_EXISTS = 'Association Already Exists';

export function createAssociationBatch(engine: () => AssociationEngine) {
  return async (
    input: CreateAssociationBatchRequest,
    ctx: RequestContext,
  ): Promise<CreateAssociationBatchResult> => {
    const successful: AssociationDescription[] = [];
    const failed: FailedCreateAssociation[] = [];
    for (const entry of input.Entries ?? []) {
      try {
        successful.push(await create(ctx, engine, entry, []));
      } catch (error) {
        if (!(error instanceof SsmError) || error.status >= 500) throw error;
        const message =
          error.code === 'AssociationAlreadyExists' ? BATCH_ALREADY_EXISTS : error.message || error.code;
        failed.push({ Entry: entry, Message: message, Fault: 'Client' });
      }
    }
    return { Successful: successful, Failed: failed };
  };
}
