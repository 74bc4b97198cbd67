// DeleteAssociation: by AssociationId, or by document Name and InstanceId (legacy). The engine
// first cancels its schedule and pending runs; then every record of the association goes, in all
// of State Manager's collections (versions, executions, execution targets, per-instance status).
import type { DeleteAssociationRequest, DeleteAssociationResult } from '@aws-sdk/client-ssm';
import type { ChangedRecord, RequestContext } from '../../core/capability.js';
import type { AssociationEngine } from '../engine-api.js';
import { associationsState, removeRecord, type Collection } from '../state.js';
import { exclusive, resolveAssociation } from './lookup.js';

const KEYED_BY_ID_PREFIX: Collection[] = ['versions', 'executions', 'targets', 'instanceStatus'];

export function deleteAssociation(engine: () => AssociationEngine) {
  return async (input: DeleteAssociationRequest, ctx: RequestContext): Promise<DeleteAssociationResult> => {
    const { associationId } = resolveAssociation(ctx, input);
    await exclusive(ctx, associationId, async () => {
      await engine().removed(ctx, associationId);
      const state = associationsState(ctx.scope);
      const removed: ChangedRecord[] = [];
      if (Object.hasOwn(state.associations, associationId)) {
        removed.push(removeRecord(state, 'associations', associationId));
      }
      const prefix = `${associationId}/`;
      for (const collection of KEYED_BY_ID_PREFIX) {
        for (const key of Object.keys(state[collection])) {
          if (key.startsWith(prefix)) removed.push(removeRecord(state, collection, key));
        }
      }
      await ctx.persist(removed);
    });
    return {};
  };
}
