// Finding the association a request names: by AssociationId, or by document Name and InstanceId
// for associations made with the legacy InstanceId (AWS: an association created with Targets is
// retrieved by its AssociationId), and a guard against concurrent changes to one association.
import type { RequestContext } from '../../core/capability.js';
import { associationList, findAssociation, type StoredAssociation } from '../state.js';
import { associationErrors } from './errors.js';
import { SsmError } from '../../protocol/errors.js';

export interface AssociationRef {
  AssociationId?: string;
  Name?: string;
  InstanceId?: string;
}

/** The association made with the legacy InstanceId for this document and instance, if any. */
export function findLegacy(
  ctx: RequestContext,
  name: string,
  instanceId: string,
): StoredAssociation | undefined {
  return associationList(ctx.scope).find(
    (a) => a.settings.InstanceId === instanceId && a.settings.Name === name,
  );
}

/** The association with this id, or AssociationDoesNotExist. */
export function requireAssociation(ctx: RequestContext, associationId: string): StoredAssociation {
  const association = findAssociation(ctx.scope, associationId);
  if (!association) throw associationErrors.doesNotExist(associationId);
  return association;
}

/** The association an AssociationId, or a Name and InstanceId, names; or AssociationDoesNotExist. */
export function resolveAssociation(ctx: RequestContext, ref: AssociationRef): StoredAssociation {
  if (ref.AssociationId !== undefined) return requireAssociation(ctx, ref.AssociationId);
  if (ref.Name === undefined || ref.InstanceId === undefined) throw associationErrors.identifierMissing();
  const association = findLegacy(ctx, ref.Name, ref.InstanceId);
  if (!association) throw associationErrors.legacyDoesNotExist(ref.Name, ref.InstanceId);
  return association;
}

const busy = new Set<string>();

/**
 * Runs a change to one association (update, delete) that awaits between reading and writing;
 * a second change to the same association meanwhile is refused with TooManyUpdates, as AWS does.
 */
export async function exclusive<T>(
  ctx: RequestContext,
  associationId: string,
  change: () => Promise<T>,
): Promise<T> {
  const key = `${ctx.accountId}/${ctx.region}/${associationId}`;
  if (busy.has(key)) {
    throw new SsmError(
      'TooManyUpdates',
      'There are concurrent updates for a resource that supports one update at a time.',
    );
  }
  busy.add(key);
  try {
    return await change();
  } finally {
    busy.delete(key);
  }
}
