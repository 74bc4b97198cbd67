// UpdateAssociation: a new AssociationVersion each time. As AWS documents, the request replaces the
// association's settings: an optional member left out is reset (Parameters, ScheduleExpression,
// AssociationName, OutputLocation, DocumentVersion back to $DEFAULT, ...), except Name and Targets
// (and a legacy InstanceId), which are kept when omitted, as AWS's recorded responses show.
// AssociationVersion, when given, must be the latest (or $LATEST): optimistic concurrency.
import type { UpdateAssociationRequest, UpdateAssociationResult } from '@aws-sdk/client-ssm';
import type { RequestContext } from '../../core/capability.js';
import type { AssociationEngine } from '../engine-api.js';
import { associationsState, keys, record } from '../state.js';
import { associationErrors, MAX_VERSIONS } from './errors.js';
import { exclusive, findLegacy, requireAssociation } from './lookup.js';
import { checkSettings } from './validate.js';
import { descriptionView, settingsFrom } from './views.js';

export function updateAssociation(engine: () => AssociationEngine) {
  return async (input: UpdateAssociationRequest, ctx: RequestContext): Promise<UpdateAssociationResult> => {
    const associationId = input.AssociationId!;
    const current = requireAssociation(ctx, associationId);
    return exclusive(ctx, associationId, async () => {
      const asked = input.AssociationVersion;
      if (asked !== undefined && asked !== '$LATEST' && asked !== String(current.version)) {
        throw associationErrors.notLatestVersion(asked, current.version);
      }
      if (current.version >= MAX_VERSIONS) throw associationErrors.versionLimitExceeded(associationId);

      const old = current.settings;
      const settings = settingsFrom({ ...input, Name: input.Name ?? old.Name });
      if (old.InstanceId !== undefined && settings.Targets === undefined)
        settings.InstanceId = old.InstanceId;
      if (old.InstanceId === undefined && settings.Targets === undefined && old.Targets) {
        settings.Targets = JSON.parse(JSON.stringify(old.Targets)) as typeof old.Targets;
      }
      if (settings.InstanceId !== undefined && settings.Name !== old.Name) {
        const other = findLegacy(ctx, settings.Name, settings.InstanceId);
        if (other && other.associationId !== associationId) {
          throw associationErrors.invalidUpdate(
            `Instance ${settings.InstanceId} already has an association with document ${settings.Name}.`,
          );
        }
      }
      await checkSettings(ctx, settings);

      // Deleted while the checks awaited: answer as if it had not been found.
      const association = requireAssociation(ctx, associationId);
      const now = ctx.services.clock.now().getTime();
      const version = association.version + 1;
      association.settings = settings;
      association.version = version;
      association.updatedAt = now;
      association.overview = { Status: 'Pending', DetailedStatus: 'Creating' };
      const versionKey = keys.version(associationId, version);
      associationsState(ctx.scope).versions[versionKey] = {
        associationId,
        version,
        createdAt: now,
        settings: JSON.parse(JSON.stringify(settings)) as typeof settings,
      };
      await ctx.persist([record('associations', associationId), record('versions', versionKey)]);
      const view = descriptionView(association);
      engine().applied(ctx, associationId, 'updated');
      return { AssociationDescription: view };
    });
  };
}
