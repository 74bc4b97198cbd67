// State Manager: associations that apply a document to targets at creation and on a schedule, by
// really running it through Run Command (handlers/ for the API over stored associations, engine.ts
// for schedules, runs, executions, per-instance status, association compliance and restarts).
//
// What differs from real SSM:
// - (filled in by the handlers and the engine)
// - Runs (engine.ts, runner.ts): each run is one Run Command command to the matching instances that
//   are online; an offline or stopped target is not part of that run and is applied when it comes
//   back. Instances that newly match are applied within 10 minutes of clock time (the SSM Agent's
//   association polling period), not at once; instances that stop matching drop out (with their
//   association compliance item). A scheduled run whose previous run is still going is skipped.
// - A run with no target ends Success with ResourceCountByStatus "{}", and an association applied
//   to no instance shows Overview Pending/Associated (AWS's behaviour here is not recorded).
// - Statuses: execution and target Status is Success or Failed; a target's DetailedStatus is its
//   invocation's StatusDetails (Success, Failed, ExecutionTimedOut, Undeliverable, ...). While a run
//   goes, executions, targets and instance statuses read InProgress ("Executing association", as
//   the agent writes); ErrorCode is ExecutionError for a failed run, InvalidAssoc for one that could
//   not be sent (document gone, parameters no longer valid), with the error as ExecutionSummary.
// - Association compliance: one item per association and instance (Title "", Details DocumentName
//   and DocumentVersion, ExecutionSummary ExecutionTime only, as the agent uploads it), Severity
//   from ComplianceSeverity (the agent always writes UNSPECIFIED).
// - After a restart, executions left InProgress settle from their commands (which Run Command's
//   recovery fails or redelivers); a run missed while the emulator was down runs once at start.
// - Execution history is kept without limit; AWS's retention is not applied.
// - Associations apply Command documents only (Run Command runs them): Automation runbooks and
//   Policy documents are refused with InvalidDocument, so TargetMaps, ParameterValues targets and
//   TargetLocations (cross-account) have nothing to apply to (TargetMaps: InvalidTargetMaps).
//   CalendarNames, AlarmConfiguration and AssociationDispatchAssumeRole are stored and echoed only.
// - Targets: InstanceIds (`*` for every instance), tag:<key>, tag-key; several targets must all
//   match. resource-groups:Name / ResourceTypeFilters are accepted and stored but target nothing
//   (no resource groups). Other keys: InvalidTarget "Unsupported Target Type". Instance ids in
//   Targets need not exist; a legacy InstanceId must be a managed instance (InvalidInstanceId).
// - OutputLocation is checked for form only (bucket name, region); nothing checks the bucket exists.
// - UpdateAssociation replaces the settings as AWS documents: omitted members are reset, except Name
//   and Targets (and a legacy InstanceId), which are kept; it resets Overview to Pending/Creating.
// - AssociationAlreadyExists only for a second legacy (InstanceId) association of the same document
//   and instance; associations by Targets may repeat. Limits: 2,000 associations per account and
//   region, 1,000 versions per association.
// - ListAssociations lists oldest first; filters of one key match any of their values, different
//   keys all; the InstanceId filter matches legacy InstanceId and InstanceIds targets naming it (not
//   tags or `*`). DescribeEffectiveInstanceAssociations Content is the document's JSON, compact.
// - Wording ours (AWS's text not known): InvalidTarget except the two quoted texts, InvalidSchedule,
//   InvalidTargetMaps, InvalidAssociationVersion, AssociationVersionLimitExceeded, InvalidInstanceId,
//   InvalidUpdate, InvalidTag, and AssociationDoesNotExist for a Name+InstanceId lookup.
import type { Capability, CapabilityStatus, Services } from '../core/capability.js';
import { COMPLIANCE } from '../compliance/api.js';
import { RUN_COMMAND } from '../commands/api.js';
import { DOCUMENTS } from '../documents/api.js';
import { FLEET } from '../instances/api.js';
import { errors } from '../protocol/errors.js';
import { AssociationsEngine } from './engine.js';
import { executionHandlers } from './executions.js';
import { associationHandlers, associationTaggable } from './handlers/index.js';

export function associationsCapability(): Capability {
  let engine: AssociationsEngine | undefined;
  const engineOrFail = (): AssociationsEngine => {
    if (!engine) throw errors.internal('The associations capability has not started.');
    return engine;
  };
  return {
    name: 'associations',
    needs: [DOCUMENTS, FLEET, RUN_COMMAND],
    uses: [COMPLIANCE],
    handlers: { ...associationHandlers(engineOrFail), ...executionHandlers(engineOrFail) },
    taggable: { Association: associationTaggable },
    start(services: Services) {
      engine = new AssociationsEngine(services);
    },
    async started() {
      await engine?.recover();
    },
    async stop() {
      await engine?.stop();
    },
    status(): CapabilityStatus {
      return engine ? { up: true } : { up: false, detail: 'not started' };
    },
  };
}
