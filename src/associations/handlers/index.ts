// The association API over stored associations: CreateAssociation, CreateAssociationBatch,
// DescribeAssociation, ListAssociations, UpdateAssociation, ListAssociationVersions,
// DeleteAssociation, DescribeEffectiveInstanceAssociations, UpdateAssociationStatus, and the
// Association resource type of the tagging operations. Runs, schedules and statuses are the
// engine's (../engine.ts); targets.ts says which instances an association targets.
import type { Handlers, RequestContext, Tag, TaggableType } from '../../core/capability.js';
import { errors } from '../../protocol/errors.js';
import type { AssociationEngine } from '../engine-api.js';
import { findAssociation } from '../state.js';
import { createAssociation, createAssociationBatch } from './create.js';
import { deleteAssociation } from './delete.js';
import { describeAssociation } from './describe.js';
import { describeEffectiveInstanceAssociations } from './effective.js';
import { listAssociations } from './list.js';
import { updateAssociationStatus } from './status.js';
import { updateAssociation } from './update.js';
import { listAssociationVersions } from './versions.js';

export function associationHandlers(engine: () => AssociationEngine): Handlers {
  return {
    CreateAssociation: createAssociation(engine),
    CreateAssociationBatch: createAssociationBatch(engine),
    DescribeAssociation: describeAssociation,
    ListAssociations: listAssociations,
    UpdateAssociation: updateAssociation(engine),
    ListAssociationVersions: listAssociationVersions,
    DeleteAssociation: deleteAssociation(engine),
    DescribeEffectiveInstanceAssociations: describeEffectiveInstanceAssociations,
    UpdateAssociationStatus: updateAssociationStatus,
  };
}

/** An association's tags (ResourceType Association, ResourceId its AssociationId). */
export const associationTaggable: TaggableType = {
  tags: (ctx: RequestContext, resourceId: string): Tag[] => {
    const association = findAssociation(ctx.scope, resourceId);
    if (!association) throw errors.invalidResourceId();
    return association.tags;
  },
};
