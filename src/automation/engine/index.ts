// The runbook engine (see model.ts for its seams): starts executions, runs them in the background
// (runner.ts, rate-control.ts), takes StopAutomationExecution and SendAutomationSignal, and picks
// executions up again after a restart. Every wait is on the injected clock's scheduler, so
// POST /_ssm-local/clock moves sleeps, approvals' timeouts and step timeouts forward.
//
// What differs from real SSM (the engine):
// - ExecutedBy, and every signal's sender, is arn:aws:iam::<account>:user/ssm-local; ssm-local has
//   one caller per account, so aws:approve counts each Approve signal as one approval (Approvers is
//   not checked against the caller) and NotificationArn sends nothing.
// - Quotas: 100 running executions per account and Region (children included) and 1,000 queued
//   (Pending) before AutomationExecutionLimitExceededException; the separate limit of 25 rate-control
//   executions is not applied. Cross-account and multi-Region runs (TargetLocations) are refused.
// - Rate control resolves Targets over the emulator's managed instances (InstanceIds, tag:<key>,
//   tag-key) and ParameterValues; resource groups answer InvalidTarget. A target that matches
//   nothing gives a parent that ends Success with no children. MaxErrors defaults to 0.
// - Runbooks are checked when started, not when created: an unknown `{{ variable }}`, a nextStep,
//   onFailure or onCancel naming no step, or inputs an action refuses answer
//   InvalidAutomationExecutionParametersException (wording ours). An action ssm-local does not have
//   fails its step when the step runs. Most error texts are ours (AWS's where recorded: allowedValues,
//   "Step fails when it is ...", "No output available yet because the step is not successfully
//   executed").
// - Interactive mode: StepExecutions lists every step up front (Pending) as in Auto mode; after each
//   step the execution waits (Waiting) for the next StartStep, whatever the step's outcome, until
//   StopAutomationExecution ends it (Complete: Success, or Failed/TimedOut when a critical step did).
// - StopAutomationExecution Complete on an Auto execution stops it at once (the running step is
//   Cancelled) and ends it as its critical steps say. StopStep cancels the running step; the runbook
//   then goes on as the step's onFailure says. Cancel runs the onCancel step without AWS's two-minute
//   limit or its list of actions it refuses there.
// - After a restart, a step whose action resumes (aws:sleep, aws:pause, aws:approve,
//   aws:executeAutomation, ...) picks up from its checkpoint with its timeout deadline kept; others
//   fail with "The step was interrupted by an emulator restart." and onFailure applies.
// - Parameters shows the parameters as supplied (as AWS's recorded answers show), not defaults.
// - aws:approve's ApproverDecisions is a list of { Approver, Decision, Comment } (AWS documents only
//   "a JSON map"); a Reject fails the step with a message of ours. A timeout's FailureDetails say
//   FailureType Timeout. StartStep takes no overridden parameters (OverriddenParameters stays {}).
import type { StartAutomationExecutionRequest } from '@aws-sdk/client-ssm';
import type { RequestContext, Services } from '../../core/capability.js';
import { backgroundContext } from '../../core/context.js';
import { FLEET } from '../../instances/api.js';
import type { ActionDefinition, AutomationEngineApi, ReceivedSignal, SignalType } from '../model.js';
import { automationState, executionChanged, type AutomationStatus, type ExecutionRecord } from '../state.js';
import { automationErrors } from './errors.js';
import { LiveExecution } from './live.js';
import { RateControl } from './rate-control.js';
import { ExecutionRunner, type RunnerContext } from './runner.js';
import { callerArn, idempotentExecution, newExecution } from './start.js';

const OPERATION = 'Automation';
const MAX_RUNNING = 100;
const MAX_QUEUED = 1000;
/** How long close() waits for runs to notice the shutdown. */
const CLOSE_WAIT_MS = 2000;

export const TERMINAL: ReadonlySet<AutomationStatus> = new Set<AutomationStatus>([
  'Success',
  'TimedOut',
  'Cancelled',
  'Failed',
  'Rejected',
  'CompletedWithSuccess',
  'CompletedWithFailure',
  'Exited',
  'ChangeCalendarOverrideRejected',
]);

interface Slots {
  running: number;
  queue: LiveExecution[];
}

const keyOf = (accountId: string, region: string, id: string) => `${accountId}/${region}/${id}`;

function log(message: string, error: unknown): void {
  console.error(`ssm-local: automation: ${message}`, error instanceof Error ? error.message : error);
}

export class AutomationEngine implements AutomationEngineApi {
  private actions = new Map<string, ActionDefinition>();
  private readonly lives = new Map<string, LiveExecution>();
  private readonly queued = new Set<string>();
  private readonly waiters = new Map<string, Array<(record: ExecutionRecord) => void>>();
  private readonly slots = new Map<string, Slots>();
  private readonly seqs = new Map<string, number>();
  private readonly runs = new Set<Promise<void>>();
  private closing = false;
  private readonly runner: ExecutionRunner;
  private readonly rateControl: RateControl;

  constructor(private readonly services: Services) {
    const context: RunnerContext = {
      services,
      actions: this.actions,
      save: (live) =>
        void this.persist(live).catch((error: unknown) => log('saving an execution failed', error)),
      saveNow: (live) => this.persist(live),
      scope: (live) => ({
        accountId: live.ctx.accountId,
        region: live.ctx.region,
        executionId: live.id,
        now: this.now(),
        parameters: live.record.parameterValues,
        outputs: (step) => live.outputs.get(step),
      }),
      closing: () => this.closing,
      uuid: () => services.ids.uuid(),
      ended: (live) => this.ended(live),
    };
    this.runner = new ExecutionRunner(context);
    this.rateControl = new RateControl(context, this);
  }

  /** The actions it runs, by name (set once, in the capability's start). */
  useActions(actions: Map<string, ActionDefinition>): void {
    this.actions.clear();
    for (const [name, action] of actions) this.actions.set(name, action);
  }

  private now(): number {
    return this.services.clock.now().getTime();
  }

  private persist(live: LiveExecution): Promise<void> {
    return live.ctx.persist([executionChanged(live.id)]);
  }

  private slotsOf(accountId: string, region: string): Slots {
    const key = `${accountId}/${region}`;
    let slots = this.slots.get(key);
    if (!slots) this.slots.set(key, (slots = { running: 0, queue: [] }));
    return slots;
  }

  // ---- starting ----

  async start(
    ctx: RequestContext,
    request: StartAutomationExecutionRequest,
    parentId?: string,
  ): Promise<string> {
    const existing = idempotentExecution(ctx, request);
    if (existing) return existing;
    const slots = this.slotsOf(ctx.accountId, ctx.region);
    if (slots.running >= MAX_RUNNING && slots.queue.length >= MAX_QUEUED)
      throw automationErrors.limitExceeded();
    const record = await newExecution(ctx, request, parentId, {
      actions: this.actions,
      uuid: () => this.services.ids.uuid(),
      now: () => this.now(),
      nextSeq: (c) => this.nextSeq(c),
    });
    const id = record.automationExecutionId;
    automationState(ctx.scope).executions[id] = record;
    await ctx.persist([executionChanged(id)]);
    this.launch(record, ctx.accountId, ctx.region);
    return id;
  }

  private nextSeq(ctx: RequestContext): number {
    const key = `${ctx.accountId}/${ctx.region}`;
    let seq = this.seqs.get(key);
    if (seq === undefined) {
      seq = 0;
      for (const record of Object.values(automationState(ctx.scope).executions))
        seq = Math.max(seq, record.seq);
    }
    this.seqs.set(key, seq + 1);
    return seq + 1;
  }

  /** Runs an execution now, or queues it (Pending) while MAX_RUNNING run in its account and Region. */
  private launch(record: ExecutionRecord, accountId: string, region: string): void {
    if (this.closing) return;
    const live = new LiveExecution(backgroundContext(this.services, accountId, region, OPERATION), record);
    const key = keyOf(accountId, region, record.automationExecutionId);
    this.lives.set(key, live);
    const slots = this.slotsOf(accountId, region);
    if (slots.running >= MAX_RUNNING) {
      slots.queue.push(live);
      this.queued.add(key);
      return;
    }
    this.execute(live, slots);
  }

  private execute(live: LiveExecution, slots: Slots): void {
    slots.running++;
    const rateControlled = live.record.resolvedTargets !== undefined && live.record.target === undefined;
    const run = (rateControlled ? this.rateControl.run(live) : this.runner.run(live))
      .catch((error: unknown) => log(`execution ${live.id} failed`, error))
      .finally(() => this.runs.delete(run));
    this.runs.add(run);
  }

  /** An execution reached a terminal status: its slot goes to the next queued one; waiters hear of it. */
  private ended(live: LiveExecution): void {
    const { accountId, region } = live.ctx;
    const key = keyOf(accountId, region, live.id);
    this.lives.delete(key);
    const slots = this.slotsOf(accountId, region);
    if (this.queued.delete(key)) {
      slots.queue = slots.queue.filter((l) => l !== live);
    } else {
      slots.running--;
      const next = this.closing ? undefined : slots.queue.shift();
      if (next) {
        this.queued.delete(keyOf(accountId, region, next.id));
        this.execute(next, slots);
      }
    }
    const waiters = this.waiters.get(key) ?? [];
    this.waiters.delete(key);
    for (const waiter of waiters) waiter(live.record);
  }

  whenEnded(accountId: string, region: string, executionId: string): Promise<ExecutionRecord | undefined> {
    const record = automationState(this.services.store.scope(accountId, region)).executions[executionId];
    if (!record || TERMINAL.has(record.status)) return Promise.resolve(record);
    const key = keyOf(accountId, region, executionId);
    return new Promise((resolve) => {
      const list = this.waiters.get(key) ?? [];
      list.push(resolve);
      this.waiters.set(key, list);
    });
  }

  // ---- stopping and signals ----

  private find(
    ctx: RequestContext,
    id: string,
  ): { record: ExecutionRecord; live: LiveExecution | undefined } {
    const record = automationState(ctx.scope).executions[id];
    if (!record) throw automationErrors.executionNotFound(id);
    return { record, live: this.lives.get(keyOf(ctx.accountId, ctx.region, id)) };
  }

  async stop(ctx: RequestContext, executionId: string, type: 'Cancel' | 'Complete'): Promise<void> {
    const { record, live } = this.find(ctx, executionId);
    if (TERMINAL.has(record.status)) throw automationErrors.alreadyEnded(executionId, record.status);
    if (record.status === 'Cancelling') return;
    if (!live || this.queued.has(keyOf(ctx.accountId, ctx.region, executionId))) {
      // Not running (queued, or not picked up yet after a restart): it ends without running.
      Object.assign(record, { status: 'Cancelled', endTime: this.now() });
      await ctx.persist([executionChanged(executionId)]);
      if (live) this.ended(live);
      return;
    }
    if (type === 'Cancel') {
      record.status = 'Cancelling';
      await ctx.persist([executionChanged(executionId)]);
    }
    live.requestStop(type);
  }

  async signal(
    ctx: RequestContext,
    executionId: string,
    type: SignalType | 'Revoke',
    payload: Record<string, string[]>,
  ): Promise<void> {
    const { record, live } = this.find(ctx, executionId);
    if (TERMINAL.has(record.status) || !live) {
      throw automationErrors.invalidSignal(
        `Automation execution ${executionId} has ended: it takes no signals.`,
      );
    }
    if (type === 'Revoke') throw automationErrors.invalidSignal('Revoke applies to change requests only.');
    const stepName = payload['StepName']?.[0];
    if (type === 'StartStep' || (type === 'Resume' && live.awaitingStartStep && stepName !== undefined)) {
      if (record.mode !== 'Interactive') {
        throw automationErrors.invalidSignal(`${type} is accepted in Interactive mode only.`);
      }
      if (stepName === undefined) throw automationErrors.invalidSignal('The payload must give StepName.');
      if (!record.runbook.mainSteps.some((s) => s.name === stepName)) {
        throw automationErrors.stepNotFound(stepName, executionId);
      }
      if (!live.awaitingStartStep)
        throw automationErrors.invalidSignal('A step is running: wait until it ends.');
      live.startStepNamed(stepName);
      return;
    }
    if (type === 'StopStep') {
      const stepExecutionId = payload['StepExecutionId']?.[0];
      if (stepExecutionId === undefined)
        throw automationErrors.invalidSignal('The payload must give StepExecutionId.');
      const step = record.steps.find((s) => s.stepExecutionId === stepExecutionId);
      if (!step) throw automationErrors.stepExecutionNotFound(stepExecutionId, executionId);
      if (live.running?.step !== step)
        throw automationErrors.invalidSignal(`Step ${step.stepName} is not running.`);
      live.stepStopped = true;
      live.running.controller.abort('cancel');
      return;
    }
    const running = live.running?.step;
    if (!running || !live.accepts(type)) {
      throw automationErrors.invalidSignal(`No step of this automation is waiting for a ${type} signal.`);
    }
    const received: ReceivedSignal = { type, payload, sender: callerArn(ctx.accountId), at: this.now() };
    (running.signals ??= []).push(received);
    await ctx.persist([executionChanged(executionId)]);
    live.deliver(received);
  }

  // ---- restart ----

  /** Picks executions left running, waiting or queued by a restart up again (once the fleet is ready). */
  async recover(): Promise<void> {
    const fleet = this.services.registry.find(FLEET);
    void (fleet ? fleet.whenReady() : Promise.resolve())
      .then(() => this.resume())
      .catch((error: unknown) => log('resuming automations failed', error));
    return Promise.resolve();
  }

  private resume(): void {
    for (const scope of this.services.store.scopes()) {
      const executions = Object.values(automationState(scope).executions)
        .filter((e) => !TERMINAL.has(e.status))
        .sort((a, b) => a.seq - b.seq);
      for (const record of executions) {
        const key = keyOf(scope.accountId, scope.region, record.automationExecutionId);
        if (!this.lives.has(key)) this.launch(record, scope.accountId, scope.region);
      }
    }
  }

  /** Stops running steps ('shutdown'), leaving their executions to recover() after a restart. */
  async close(): Promise<void> {
    this.closing = true;
    for (const live of this.lives.values()) live.requestStop('shutdown');
    const settled = Promise.allSettled([...this.runs]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_WAIT_MS)));
    await Promise.race([settled, timeout]);
    clearTimeout(timer);
  }
}
