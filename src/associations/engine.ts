// State Manager's engine: when associations run. An association runs at once when created or
// updated (unless ApplyOnlyAtCronInterval), then on its cron or rate schedule, each run an execution
// carried by one Run Command command (runner.ts). Each association with a schedule holds exactly one
// timer on the scheduler, armed for its next run, so a thousand idle associations cost nothing.
//
// As the SSM Agent does (amazon-ssm-agent, association/model SetNextScheduledDate): the next run is
// the schedule's next time after the last run; an association never run runs now; a run that fell
// due while nothing was running (the emulator was down) runs once, not once per missed slot; a
// scheduled run whose previous run is still going is skipped (association/processor).
//
// New targets: the agent polls its associations every 10 minutes (AssociationFrequencyMinutes), so
// an instance that newly matches an association is applied within that time. Here one timer every
// 10 minutes of clock time looks over the accounts and regions that hold associations: each newly
// matching online instance gets a run of its own, and instances that no longer match are dropped
// (their association compliance item with them). A full run also picks every current target.
// An instance that arrives (created, registered, its machine started) is looked at once at once, and
// again 5 s of clock time later (an agent that was lost answers a moment after its machine starts),
// as an agent asks for its associations when it starts.
import { COMPLIANCE } from '../compliance/api.js';
import type { RequestContext, Services } from '../core/capability.js';
import { backgroundContext } from '../core/context.js';
import { parseScheduleExpression, type ScheduleExpression } from '../core/schedule-expression.js';
import type { Timer } from '../core/scheduler.js';
import { FLEET } from '../instances/api.js';
import type { AssociationEngine } from './engine-api.js';
import { associationTargets } from './handlers/targets.js';
import { AssociationRunner } from './runner.js';
import {
  associationList,
  associationsState,
  findAssociation,
  keys,
  record,
  type StoredAssociation,
  type StoredExecution,
} from './state.js';

/** The SSM Agent's default association polling period (DefaultSsmAssociationFrequencyMinutes). */
export const RECONCILE_INTERVAL_MS = 10 * 60_000;
/** A second look at an arrived instance, for an agent that answers a moment after its machine starts. */
const ARRIVAL_RETRY_MS = 5_000;
const OPERATION = 'StateManager';

interface ScopeRef {
  accountId: string;
  region: string;
}

export class AssociationsEngine implements AssociationEngine {
  private readonly runner: AssociationRunner;
  /** One timer per scheduled association, by `<account>/<region>/<AssociationId>`. */
  private readonly timers = new Map<string, Timer>();
  /** Accounts and regions holding associations (what the reconcile pass looks at). */
  private readonly scopes = new Map<string, ScopeRef>();
  private reconcileTimer: Timer | undefined;
  private stopped = false;
  /** Accounts and regions with a look at arrived instances already on its way. */
  private readonly arrivals = new Set<string>();
  private readonly unsubscribe: () => void;

  constructor(readonly services: Services) {
    this.runner = new AssociationRunner(services);
    this.unsubscribe = services.registry.get(FLEET).onArrived((ref) => this.arrived(ref));
  }

  // ---- the seam the handlers call ----

  applied(ctx: RequestContext, associationId: string, _change: 'created' | 'updated'): void {
    if (this.stopped) return;
    const bg = this.context(ctx);
    const association = findAssociation(bg.scope, associationId);
    if (!association) return;
    this.track(bg);
    if (association.settings.ApplyOnlyAtCronInterval && association.settings.ScheduleExpression) {
      this.schedule(bg, association, this.now());
      void bg.persist([record('associations', associationId)]);
    } else {
      void this.runFull(bg, association);
    }
  }

  async removed(ctx: RequestContext, associationId: string): Promise<void> {
    this.services.scheduler.cancel(this.timers.get(timerKey(ctx, associationId)));
    this.timers.delete(timerKey(ctx, associationId));
    const compliance = this.services.registry.find(COMPLIANCE);
    if (!compliance) return;
    const prefix = `${associationId}/`;
    const instanceIds = Object.keys(associationsState(ctx.scope).instanceStatus)
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
    for (const instanceId of instanceIds) {
      await compliance.remove(ctx, instanceId, 'ManagedInstance', 'Association', [associationId]);
    }
  }

  async runOnce(ctx: RequestContext, associationIds: string[]): Promise<void> {
    const bg = this.context(ctx);
    this.track(bg);
    const runs = associationIds.map((id) => {
      const association = findAssociation(bg.scope, id);
      return association ? this.runFull(bg, association) : Promise.resolve();
    });
    await Promise.all(runs);
  }

  // ---- start and stop ----

  /**
   * After a restart: settles executions left running (their commands have been settled or are
   * redelivered by Run Command's own recovery), runs at once what fell due while the emulator was
   * down (once), and arms every schedule again from its stored next run.
   */
  async recover(): Promise<void> {
    // Runs need the instances: they start once the fleet has adopted them (not before, or a missed
    // run would find no target), without holding up the emulator's start.
    const fleet = this.services.registry.get(FLEET);
    void fleet
      .whenReady()
      .then(() => this.resume())
      .catch((error: unknown) => console.error('ssm-local: resuming associations failed:', error));
    return Promise.resolve();
  }

  private resume(): void {
    if (this.stopped) return;
    const now = this.now();
    for (const scope of this.services.store.scopes()) {
      const list = associationList(scope);
      if (list.length === 0) continue;
      const ctx = backgroundContext(this.services, scope.accountId, scope.region, OPERATION);
      this.track(ctx);
      // Taken before the missed runs start, so that their new executions are not mistaken for these.
      const leftRunning = this.leftRunning(ctx);
      for (const association of list) {
        const { settings } = association;
        const neverRan = association.lastExecutionAt === undefined;
        if (!settings.ScheduleExpression) {
          if (neverRan) void this.runFull(ctx, association);
          continue;
        }
        let due = association.nextRunAt;
        if (due === undefined) {
          if (neverRan && !settings.ApplyOnlyAtCronInterval) due = now;
          else due = this.nextAfter(association, association.lastExecutionAt ?? association.updatedAt);
        }
        if (due === undefined) continue;
        if (due <= now) void this.fire(ctx, association.associationId);
        else this.arm(ctx, association.associationId, due);
      }
      // After the missed runs have started: a run left over from before does not hold them back.
      this.settleLeftRunning(ctx, leftRunning);
    }
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    this.runner.stop();
    for (const timer of this.timers.values()) this.services.scheduler.cancel(timer);
    this.timers.clear();
    this.services.scheduler.cancel(this.reconcileTimer);
    this.reconcileTimer = undefined;
    return Promise.resolve();
  }

  // ---- runs and schedules ----

  /** A run over every target, re-anchoring the schedule at now (the agent's Next(LastExecutionDate)). */
  private runFull(ctx: RequestContext, association: StoredAssociation): Promise<void> {
    const now = this.now();
    this.schedule(ctx, association, now);
    return this.runner.start(ctx, association, undefined, now);
  }

  /** The scheduled run of an association (or its missed run after a restart). */
  private async fire(ctx: RequestContext, associationId: string): Promise<void> {
    this.timers.delete(timerKey(ctx, associationId));
    if (this.stopped) return;
    const association = findAssociation(ctx.scope, associationId);
    if (!association) return;
    if (this.runner.busy(ctx, associationId)) {
      // The previous run is still going: this slot is skipped, as the SSM Agent skips it.
      this.schedule(ctx, association, this.now());
      await ctx.persist([record('associations', associationId)]);
      return;
    }
    await this.runFull(ctx, association);
  }

  /** Sets nextRunAt to the schedule's next time after `after` and arms the association's one timer. */
  private schedule(ctx: RequestContext, association: StoredAssociation, after: number): void {
    const key = timerKey(ctx, association.associationId);
    this.services.scheduler.cancel(this.timers.get(key));
    this.timers.delete(key);
    const next = this.nextAfter(association, after);
    if (next === undefined) {
      delete association.nextRunAt;
      return;
    }
    association.nextRunAt = next;
    this.arm(ctx, association.associationId, next);
  }

  private arm(ctx: RequestContext, associationId: string, when: number): void {
    if (this.stopped) return;
    const key = timerKey(ctx, associationId);
    this.services.scheduler.cancel(this.timers.get(key));
    this.timers.set(
      key,
      this.services.scheduler.at(when, () => this.fire(ctx, associationId)),
    );
  }

  private nextAfter(association: StoredAssociation, after: number): number | undefined {
    const expression = this.expression(association);
    return expression?.next(new Date(after), new Date(association.updatedAt))?.getTime();
  }

  private expression(association: StoredAssociation): ScheduleExpression | undefined {
    const { ScheduleExpression, ScheduleOffset } = association.settings;
    if (!ScheduleExpression) return undefined;
    try {
      return parseScheduleExpression(ScheduleExpression, {
        kind: 'association',
        ...(ScheduleOffset ? { offsetDays: ScheduleOffset } : {}),
      });
    } catch {
      return undefined; // the handlers refuse such expressions; one stored before stays unscheduled
    }
  }

  // ---- executions left running by a restart ----

  /** Executions a restart left Pending or InProgress. */
  private leftRunning(ctx: RequestContext): StoredExecution[] {
    return Object.values(associationsState(ctx.scope).executions).filter(
      (e) => e.status === 'Pending' || e.status === 'InProgress',
    );
  }

  private settleLeftRunning(ctx: RequestContext, running: StoredExecution[]): void {
    if (running.length === 0) return;
    const state = associationsState(ctx.scope);
    const targetsOf = new Map<string, string[]>();
    for (const target of Object.values(state.targets)) {
      const key = keys.execution(target.associationId, target.executionId);
      const ids = targetsOf.get(key);
      if (ids) ids.push(target.resourceId);
      else targetsOf.set(key, [target.resourceId]);
    }
    for (const execution of running) {
      const key = keys.execution(execution.associationId, execution.executionId);
      const instanceIds = targetsOf.get(key) ?? [];
      if (execution.commandId) {
        void this.runner.awaitCommand(
          ctx,
          execution.associationId,
          execution.executionId,
          execution.commandId,
          instanceIds,
        );
        continue;
      }
      // Stopped before its command was sent: nothing ran.
      const now = this.now();
      Object.assign(execution, { status: 'Failed', detailedStatus: 'Failed', lastExecutionAt: now });
      const outcome = {
        status: 'Failed',
        detailedStatus: 'Failed',
        summary: 'The emulator stopped before this run started.',
      } as const;
      if (instanceIds.length > 0) {
        void this.runner.settle(
          ctx,
          execution.associationId,
          execution.executionId,
          instanceIds,
          () => outcome,
        );
      } else {
        void ctx.persist([record('executions', key)]);
      }
    }
  }

  // ---- new and departed targets ----

  private track(ctx: RequestContext): void {
    this.scopes.set(`${ctx.accountId}/${ctx.region}`, { accountId: ctx.accountId, region: ctx.region });
    if (!this.reconcileTimer && !this.stopped) {
      this.reconcileTimer = this.services.scheduler.every(RECONCILE_INTERVAL_MS, () => this.reconcile());
    }
  }

  /** An instance arrived in an account and region: look at its associations now, and again soon. */
  private arrived(ref: ScopeRef): void {
    const key = `${ref.accountId}/${ref.region}`;
    if (this.stopped || !this.scopes.has(key) || this.arrivals.has(key)) return;
    this.arrivals.add(key);
    const look = (): Promise<void> =>
      this.reconcileScope(key).catch((error: unknown) =>
        console.error('ssm-local: applying associations to a new instance failed:', error),
      );
    void Promise.resolve()
      .then(look)
      .finally(() => {
        this.arrivals.delete(key);
        if (!this.stopped) this.services.scheduler.after(ARRIVAL_RETRY_MS, look);
      });
  }

  /** Applies each association to the instances that newly match it; forgets those that left. */
  async reconcile(): Promise<void> {
    for (const key of [...this.scopes.keys()]) {
      if (this.stopped) return;
      await this.reconcileScope(key);
    }
    if (this.scopes.size === 0) {
      this.services.scheduler.cancel(this.reconcileTimer);
      this.reconcileTimer = undefined;
    }
  }

  private async reconcileScope(key: string): Promise<void> {
    const scope = this.scopes.get(key);
    if (!scope || this.stopped) return;
    const { accountId, region } = scope;
    const fleet = this.services.registry.get(FLEET);
    const ctx = backgroundContext(this.services, accountId, region, OPERATION);
    const list = associationList(ctx.scope);
    if (list.length === 0) {
      this.scopes.delete(key);
      return;
    }
    const instances = await fleet.list(accountId, region);
    for (const association of list) {
      if (!findAssociation(ctx.scope, association.associationId)) continue;
      // Not applied anywhere yet (ApplyOnlyAtCronInterval waiting for its time): its run will come.
      if (association.lastExecutionAt === undefined) continue;
      const matched = associationTargets(association, instances);
      const matchedIds = new Set(matched.map((i) => i.instanceId));
      const ranOn = association.ranOn ?? [];
      const departed = ranOn.filter((id) => !matchedIds.has(id));
      if (departed.length > 0) await this.runner.forget(ctx, association, departed);
      const known = new Set(ranOn);
      const fresh = matched.filter((i) => i.online && !known.has(i.instanceId)).map((i) => i.instanceId);
      if (fresh.length > 0 && !this.runner.busy(ctx, association.associationId)) {
        await this.runner.start(ctx, association, fresh);
      }
    }
  }

  private context(ctx: RequestContext): RequestContext {
    return backgroundContext(this.services, ctx.accountId, ctx.region, OPERATION);
  }

  private now(): number {
    return this.services.clock.now().getTime();
  }
}

function timerKey(ref: { accountId: string; region: string }, associationId: string): string {
  return `${ref.accountId}/${ref.region}/${associationId}`;
}
