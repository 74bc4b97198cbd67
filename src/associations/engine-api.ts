// The seam between State Manager's request handlers (handlers/: create, update, delete, describe,
// list, versions) and its engine (engine.ts: schedules, runs through Run Command, executions,
// per-instance status, association compliance, restart recovery).
import type { RequestContext } from '../core/capability.js';

export interface AssociationEngine {
  /**
   * An association was created, or updated to a new version, and persisted: (re)schedule it, and
   * run it at once on its targets unless ApplyOnlyAtCronInterval says to wait for the schedule.
   */
  applied(ctx: RequestContext, associationId: string, change: 'created' | 'updated'): void;
  /**
   * An association is being deleted: cancel its schedule and any run of it still waiting, and remove
   * its association compliance. The handler removes the stored records.
   */
  removed(ctx: RequestContext, associationId: string): Promise<void>;
  /** StartAssociationsOnce: run each (existing, already checked) association now. */
  runOnce(ctx: RequestContext, associationIds: string[]): Promise<void>;
}
