// One run of an association (an execution): find its targets, send its document to them through
// Run Command, record the execution, its targets and each instance's status, and, when the command
// ends, settle them, the association's overview and the instances' association compliance.
import { RUN_COMMAND, type CommandEnded, type CommandRef } from '../commands/api.js';
import { COMPLIANCE } from '../compliance/api.js';
import type { ChangedRecord, RequestContext, Services } from '../core/capability.js';
import { DOCUMENTS } from '../documents/api.js';
import { FLEET, type ManagedInstance } from '../instances/api.js';
import { associationTargets } from './handlers/targets.js';
import {
  INVALID_ASSOCIATION,
  IN_PROGRESS_MESSAGE,
  countBy,
  overviewFor,
  sendRequest,
  targetOutcome,
  type TargetOutcome,
} from './outcome.js';
import {
  associationsState,
  findAssociation,
  keys,
  record,
  type StoredAssociation,
  type StoredExecution,
} from './state.js';

const RESOURCE_TYPE = 'ManagedInstance';

function log(message: string, error?: unknown): void {
  console.error(
    `ssm-local: associations: ${message}`,
    error instanceof Error ? error.message : (error ?? ''),
  );
}

export class AssociationRunner {
  /** Executions whose command has not ended, by `<account>/<region>/<AssociationId>`. */
  private readonly active = new Map<string, Set<string>>();
  /** The largest execution seq of each association, by the same key (filled per scope on first use). */
  private readonly seqs = new Map<string, number>();
  private readonly seqScopes = new Set<string>();
  /** One fleet listing shared by the runs that start together (a thousand due at once list once). */
  private readonly listings = new Map<string, Promise<ManagedInstance[]>>();
  private stopped = false;

  constructor(private readonly services: Services) {}

  stop(): void {
    this.stopped = true;
  }

  /** Whether an execution of the association is still running. */
  busy(ctx: RequestContext, associationId: string): boolean {
    return (this.active.get(activeKey(ctx, associationId))?.size ?? 0) > 0;
  }

  /**
   * Starts an execution: its record exists when this returns (Pending); the promise resolves once its
   * command has been sent (or the run has failed or found no target), not when the command ends.
   * `only` limits the run to those instances (newly matching ones).
   */
  start(ctx: RequestContext, association: StoredAssociation, only?: string[], at?: number): Promise<void> {
    const state = associationsState(ctx.scope);
    const now = at ?? this.services.clock.now().getTime();
    const { associationId } = association;
    const execution: StoredExecution = {
      associationId,
      associationVersion: association.version,
      executionId: this.services.ids.uuid(),
      seq: this.nextSeq(ctx, associationId),
      status: 'Pending',
      detailedStatus: 'Pending',
      createdAt: now,
      resourceCountByStatus: {},
    };
    const executionKey = keys.execution(associationId, execution.executionId);
    state.executions[executionKey] = execution;
    association.lastExecutionAt = now;
    this.markActive(ctx, associationId, execution.executionId, true);
    return this.dispatch(ctx, associationId, execution, only).catch((error: unknown) => {
      log(`run ${execution.executionId} of ${associationId} failed`, error);
      this.markActive(ctx, associationId, execution.executionId, false);
    });
  }

  private async dispatch(
    ctx: RequestContext,
    associationId: string,
    execution: StoredExecution,
    only: string[] | undefined,
  ): Promise<void> {
    const changed: ChangedRecord[] = [
      record('executions', keys.execution(associationId, execution.executionId)),
      record('associations', associationId),
    ];
    const instances = await this.instances(ctx);
    const association = findAssociation(ctx.scope, associationId);
    if (!association || this.stopped) {
      this.markActive(ctx, associationId, execution.executionId, false);
      return;
    }
    const matched = associationTargets(association, instances);
    const matchedIds = new Set(matched.map((i) => i.instanceId));
    const departed = (association.ranOn ?? []).filter((id) => !matchedIds.has(id));
    if (departed.length > 0) await this.forget(ctx, association, departed);
    const chosen = matched.filter((i) => i.online && (!only || only.includes(i.instanceId)));
    if (chosen.length === 0) {
      // Nothing to run on: the execution ends at once with no targets.
      Object.assign(execution, { status: 'Success', detailedStatus: 'Success' });
      execution.lastExecutionAt = execution.createdAt;
      // Applied to no instance (yet): Pending, as before a first run (the choice is ours).
      if ((association.ranOn ?? []).length === 0)
        association.overview = { Status: 'Pending', DetailedStatus: 'Associated' };
      this.markActive(ctx, associationId, execution.executionId, false);
      await ctx.persist(changed);
      return;
    }

    let commandId: string;
    try {
      const command = await this.services.registry
        .get(RUN_COMMAND)
        .send(ctx, sendRequest(association, chosen));
      commandId = command.CommandId!;
    } catch (error) {
      // The document is gone, a parameter no longer fits, ...: the run fails on every target.
      const message = error instanceof Error ? error.message : String(error);
      const outcome: TargetOutcome = {
        status: 'Failed',
        detailedStatus: 'Failed',
        summary: message.slice(0, 512) || 'Failed',
        errorCode: INVALID_ASSOCIATION,
      };
      this.recordTargets(ctx, association, execution, chosen, undefined, changed);
      const ids = chosen.map((i) => i.instanceId);
      this.markActive(ctx, associationId, execution.executionId, false);
      await this.settle(ctx, associationId, execution.executionId, ids, () => outcome);
      return;
    }
    this.recordTargets(ctx, association, execution, chosen, commandId, changed);
    Object.assign(execution, { status: 'InProgress', detailedStatus: 'InProgress', commandId });
    execution.resourceCountByStatus = { InProgress: chosen.length };
    await ctx.persist(changed);
    void this.awaitCommand(
      ctx,
      associationId,
      execution.executionId,
      commandId,
      chosen.map((i) => i.instanceId),
    );
  }

  /** Waits for the execution's command and settles the execution from its invocations. */
  async awaitCommand(
    ctx: RequestContext,
    associationId: string,
    executionId: string,
    commandId: string,
    instanceIds: string[],
  ): Promise<void> {
    this.markActive(ctx, associationId, executionId, true);
    try {
      const ref: CommandRef = { accountId: ctx.accountId, region: ctx.region, commandId };
      const ended: CommandEnded | undefined = await this.services.registry.get(RUN_COMMAND).whenEnded(ref);
      // The command has ended: the next scheduled run may start while this one is being recorded.
      this.markActive(ctx, associationId, executionId, false);
      if (this.stopped) return;
      await this.settle(ctx, associationId, executionId, instanceIds, (instanceId) => {
        const invocation = ended?.invocations.find((i) => i.instanceId === instanceId);
        if (invocation) return targetOutcome(invocation);
        return {
          status: 'Failed',
          detailedStatus: 'Failed',
          summary: 'The command of this run was not found.',
        };
      });
    } catch (error) {
      log(`settling run ${executionId} of ${associationId} failed`, error);
    } finally {
      this.markActive(ctx, associationId, executionId, false);
    }
  }

  /** The targets, each instance's status (InProgress) and the association's targets list. */
  private recordTargets(
    ctx: RequestContext,
    association: StoredAssociation,
    execution: StoredExecution,
    chosen: ManagedInstance[],
    commandId: string | undefined,
    changed: ChangedRecord[],
  ): void {
    const state = associationsState(ctx.scope);
    const { associationId } = association;
    const documentVersion = this.resolvedVersion(ctx, association);
    const ranOn = new Set(association.ranOn ?? []);
    for (const instance of chosen) {
      const id = instance.instanceId;
      const targetKey = keys.target(associationId, execution.executionId, id);
      state.targets[targetKey] = {
        associationId,
        associationVersion: execution.associationVersion,
        executionId: execution.executionId,
        resourceId: id,
        resourceType: RESOURCE_TYPE,
        status: 'InProgress',
        detailedStatus: 'InProgress',
        lastExecutionAt: execution.createdAt,
        ...(commandId ? { outputSourceId: commandId } : {}),
      };
      const statusKey = keys.instanceStatus(associationId, id);
      state.instanceStatus[statusKey] = {
        associationId,
        instanceId: id,
        associationVersion: execution.associationVersion,
        name: association.settings.Name,
        ...(documentVersion ? { documentVersion } : {}),
        ...(association.settings.AssociationName
          ? { associationName: association.settings.AssociationName }
          : {}),
        executionDate: execution.createdAt,
        status: 'InProgress',
        detailedStatus: 'InProgress',
        executionSummary: IN_PROGRESS_MESSAGE,
      };
      ranOn.add(id);
      changed.push(record('targets', targetKey), record('instanceStatus', statusKey));
    }
    association.ranOn = [...ranOn];
    association.overview = overviewFor(ctx, association) ?? association.overview;
  }

  /** Ends an execution: each target's outcome, instance statuses, compliance, overview. */
  async settle(
    ctx: RequestContext,
    associationId: string,
    executionId: string,
    instanceIds: string[],
    outcomeOf: (instanceId: string) => TargetOutcome,
  ): Promise<void> {
    const state = associationsState(ctx.scope);
    const executionKey = keys.execution(associationId, executionId);
    const execution = state.executions[executionKey];
    if (!execution) return;
    const now = this.services.clock.now().getTime();
    const association = findAssociation(ctx.scope, associationId);
    const changed: ChangedRecord[] = [record('executions', executionKey)];
    const outcomes = instanceIds.map((id) => ({ id, outcome: outcomeOf(id) }));
    for (const { id, outcome } of outcomes) {
      const targetKey = keys.target(associationId, executionId, id);
      const target = state.targets[targetKey];
      if (target) {
        Object.assign(target, {
          status: outcome.status,
          detailedStatus: outcome.detailedStatus,
          lastExecutionAt: now,
        });
        changed.push(record('targets', targetKey));
      }
      const statusKey = keys.instanceStatus(associationId, id);
      const status = state.instanceStatus[statusKey];
      // A later run on this instance has already written its own status.
      if (status && status.executionDate <= execution.createdAt) {
        Object.assign(status, {
          executionDate: execution.createdAt,
          status: outcome.status,
          detailedStatus: outcome.detailedStatus,
          executionSummary: outcome.summary,
        });
        if (outcome.errorCode) status.errorCode = outcome.errorCode;
        else delete status.errorCode;
        changed.push(record('instanceStatus', statusKey));
      }
    }
    const success = outcomes.every((o) => o.outcome.status === 'Success');
    Object.assign(execution, {
      status: success ? 'Success' : 'Failed',
      detailedStatus: success ? 'Success' : 'Failed',
    });
    execution.resourceCountByStatus = countBy(outcomes, (o) => o.outcome.status);
    execution.lastExecutionAt = now;
    if (association) {
      if (success && (association.lastSuccessfulExecutionAt ?? 0) < execution.createdAt) {
        association.lastSuccessfulExecutionAt = execution.createdAt;
      }
      association.overview = overviewFor(ctx, association) ?? association.overview;
      changed.push(record('associations', associationId));
    }
    await ctx.persist(changed);
    if (association) await this.syncCompliance(ctx, association, execution, outcomes);
  }

  /** SyncCompliance AUTO: one Association item per association on each instance, as the SSM Agent writes. */
  private async syncCompliance(
    ctx: RequestContext,
    association: StoredAssociation,
    execution: StoredExecution,
    outcomes: Array<{ id: string; outcome: TargetOutcome }>,
  ): Promise<void> {
    const compliance = this.services.registry.find(COMPLIANCE);
    if (!compliance || association.settings.SyncCompliance === 'MANUAL') return;
    const documentVersion =
      this.resolvedVersion(ctx, association) ?? association.settings.DocumentVersion ?? '';
    for (const { id, outcome } of outcomes) {
      try {
        await compliance.put(ctx, {
          resourceId: id,
          resourceType: RESOURCE_TYPE,
          complianceType: 'Association',
          execution: { time: execution.createdAt },
          uploadType: 'PARTIAL',
          items: [
            {
              Id: association.associationId,
              Title: '',
              Severity: association.settings.ComplianceSeverity ?? 'UNSPECIFIED',
              Status: outcome.status === 'Success' ? 'COMPLIANT' : 'NON_COMPLIANT',
              Details: { DocumentName: association.settings.Name, DocumentVersion: documentVersion },
            },
          ],
        });
      } catch (error) {
        log(`association compliance for ${id} not written`, error);
      }
    }
  }

  /** Instances that are no longer targets: no longer counted, their compliance item removed. */
  async forget(ctx: RequestContext, association: StoredAssociation, instanceIds: string[]): Promise<void> {
    const gone = new Set(instanceIds);
    association.ranOn = (association.ranOn ?? []).filter((id) => !gone.has(id));
    association.overview = overviewFor(ctx, association) ?? association.overview;
    await ctx.persist([record('associations', association.associationId)]);
    const compliance = this.services.registry.find(COMPLIANCE);
    for (const instanceId of instanceIds) {
      try {
        await compliance?.remove(ctx, instanceId, RESOURCE_TYPE, 'Association', [association.associationId]);
      } catch (error) {
        log(`association compliance for ${instanceId} not removed`, error);
      }
    }
  }

  /** The document version a run uses ("1"), as DescribeInstanceAssociationsStatus shows it. */
  private resolvedVersion(ctx: RequestContext, association: StoredAssociation): string | undefined {
    try {
      const { Name, DocumentVersion } = association.settings;
      return this.services.registry
        .get(DOCUMENTS)
        .resolveForExecution(ctx, Name, DocumentVersion, ['Command']).documentVersion;
    } catch {
      return association.settings.DocumentVersion;
    }
  }

  private instances(ctx: RequestContext): Promise<ManagedInstance[]> {
    const key = `${ctx.accountId}/${ctx.region}`;
    let listing = this.listings.get(key);
    if (!listing) {
      listing = this.services.registry.get(FLEET).list(ctx.accountId, ctx.region);
      this.listings.set(key, listing);
      const forget = (): void => void this.listings.delete(key);
      listing.then(forget, forget);
    }
    return listing;
  }

  private markActive(ctx: RequestContext, associationId: string, executionId: string, on: boolean): void {
    const key = activeKey(ctx, associationId);
    const set = this.active.get(key) ?? new Set<string>();
    if (on) set.add(executionId);
    else set.delete(executionId);
    if (set.size > 0) this.active.set(key, set);
    else this.active.delete(key);
  }

  private nextSeq(ctx: RequestContext, associationId: string): number {
    const scopeKey = `${ctx.accountId}/${ctx.region}`;
    if (!this.seqScopes.has(scopeKey)) {
      this.seqScopes.add(scopeKey);
      for (const execution of Object.values(associationsState(ctx.scope).executions)) {
        const key = activeKey(ctx, execution.associationId);
        this.seqs.set(key, Math.max(this.seqs.get(key) ?? 0, execution.seq));
      }
    }
    const key = activeKey(ctx, associationId);
    const seq = (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, seq);
    return seq;
  }
}

function activeKey(ctx: RequestContext, associationId: string): string {
  return `${ctx.accountId}/${ctx.region}/${associationId}`;
}
