// The step loop of one execution: steps in order, or where nextStep, aws:branch, onFailure step:<name>
// and isEnd send it; onFailure Abort/Continue; isCritical deciding the final status; onCancel's step
// when the execution is cancelled; Interactive mode waiting (Waiting) for a StartStep before each
// step, until StopAutomationExecution Complete ends it. Each step's end and the next step's start are
// recorded in one synchronous stretch, so a restart always finds either a step running or none started.
import type { ExecutionRecord, StepDefinition, StepRecord } from '../state.js';
import { LiveExecution } from './live.js';
import { StepIndex, isCritical, onFailureOf } from './runbook.js';
import { RESTART_MESSAGE, StepRunner, type StepContext, type StepOutcome } from './step.js';
import { outputStrings } from './variables.js';

/** What an execution output shows while its step has not succeeded (AWS's text, recorded). */
export const NO_OUTPUT = 'No output available yet because the step is not successfully executed';

export interface RunnerContext extends StepContext {
  /** The emulator is stopping: leave everything as it is for recover(). */
  closing(): boolean;
  /** A new StepExecutionId. */
  uuid(): string;
  /** The execution reached a terminal status (after it was saved). */
  ended(live: LiveExecution): void;
}

const ACTIVE_STEP = new Set(['InProgress', 'Waiting']);

/** The execution's Outputs (`step.Name` entries of the runbook's outputs). */
export function executionOutputs(record: ExecutionRecord, live?: LiveExecution): Record<string, string[]> {
  const outputs: Record<string, string[]> = {};
  for (const reference of record.runbook.outputs) {
    const dot = reference.indexOf('.');
    const values = live?.outputs.get(reference.slice(0, dot));
    const value = dot > 0 ? values?.[reference.slice(dot + 1)] : undefined;
    outputs[reference] = value === undefined ? [NO_OUTPUT] : outputStrings(value);
  }
  return outputs;
}

export class ExecutionRunner {
  private readonly steps: StepRunner;

  constructor(private readonly c: RunnerContext) {
    this.steps = new StepRunner(c);
  }

  private now(): number {
    return this.c.services.clock.now().getTime();
  }

  /** Marks a step as started: its Pending record (or a new one when it runs again) goes InProgress. */
  private begin(live: LiveExecution, def: StepDefinition): StepRecord {
    let rec = live.pending.get(def.name);
    if (rec) live.pending.delete(def.name);
    else {
      rec = {
        stepExecutionId: this.c.uuid(),
        stepName: def.name,
        action: def.action,
        status: 'Pending',
        attempt: 0,
      };
      live.record.steps.push(rec);
    }
    rec.status = 'InProgress';
    rec.startTime = this.now();
    const record = live.record;
    record.currentStepName = def.name;
    record.currentAction = def.action;
    if (record.status === 'Pending' || record.status === 'Waiting') record.status = 'InProgress';
    return rec;
  }

  /** Runs, or after a restart resumes, an execution until it ends or the emulator stops. */
  async run(live: LiveExecution): Promise<void> {
    const record = live.record;
    const index = new StepIndex(record.runbook);
    const running = record.steps.find((s) => ACTIVE_STEP.has(s.status));
    if (record.status === 'Pending') record.status = record.mode === 'Interactive' ? 'Waiting' : 'InProgress';
    if (record.status === 'Cancelling') {
      if (running) this.steps.fail(live, running, 'Cancelled');
      return this.finish(live, 'Cancelled');
    }
    if (record.mode === 'Interactive') return this.interactive(live, index, running);

    let def: StepDefinition | undefined;
    let rec: StepRecord | undefined;
    let outcome: StepOutcome | undefined;
    if (running) {
      def = index.get(running.stepName);
      rec = running;
      if (!def) return this.finish(live);
      if (this.c.actions.get(def.action)?.restart === 'fail') {
        outcome = this.steps.fail(live, running, 'Failed', RESTART_MESSAGE);
      }
    } else if (record.steps.every((s) => s.status === 'Pending')) {
      def = index.first();
      rec = def ? this.begin(live, def) : undefined;
    }
    this.c.save(live);
    while (def && rec) {
      outcome ??= await this.steps.run(live, def, rec);
      if (outcome.kind === 'shutdown' || this.c.closing()) return;
      if (outcome.kind === 'stopped') return this.stopped(live, def, index, rec);
      const next = this.decide(live, def, rec, outcome, index);
      outcome = undefined;
      def = next === undefined ? undefined : index.get(next);
      rec = def ? this.begin(live, def) : undefined;
      if (rec) this.c.save(live);
    }
    if (live.stop) return this.stopped(live, undefined, index);
    return this.finish(live);
  }

  /** Where the runbook goes after a step (recorded as its ValidNextSteps). */
  private decide(
    live: LiveExecution,
    def: StepDefinition,
    rec: StepRecord,
    outcome: StepOutcome,
    index: StepIndex,
  ): string | undefined {
    let next: string | undefined;
    if (outcome.kind === 'success') {
      live.outputs.set(def.name, rec.outputValues ?? {});
      next = outcome.nextStep ?? index.after(def);
    } else {
      const onFailure = onFailureOf(def);
      if (onFailure === 'Continue') next = index.after(def);
      else if (onFailure.startsWith('step:')) next = onFailure.slice('step:'.length);
    }
    if (next !== undefined) rec.validNextSteps = [next];
    return next;
  }

  /** Interactive mode: each step waits for a StartStep naming it; only StopAutomationExecution ends it. */
  private async interactive(
    live: LiveExecution,
    index: StepIndex,
    running: StepRecord | undefined,
  ): Promise<void> {
    const record = live.record;
    let pending: StepRecord | undefined = running;
    for (;;) {
      if (pending) {
        const def = index.get(pending.stepName);
        let outcome: StepOutcome;
        if (def && this.c.actions.get(def.action)?.restart !== 'fail') {
          outcome = await this.steps.run(live, def, pending);
        } else {
          outcome = this.steps.fail(live, pending, 'Failed', RESTART_MESSAGE);
        }
        if (outcome.kind === 'shutdown' || this.c.closing()) return;
        if (outcome.kind === 'stopped') return this.stopped(live, def, index, pending);
        if (def) this.decide(live, def, pending, outcome, index);
      }
      if (live.stop) return this.stopped(live, undefined, index);
      record.status = 'Waiting';
      delete record.currentStepName;
      delete record.currentAction;
      this.c.save(live);
      const name = await live.waitForStartStep();
      if (this.c.closing()) return;
      const def = name === undefined ? undefined : index.get(name);
      if (!def) return this.stopped(live, undefined, index);
      pending = this.begin(live, def);
      this.c.save(live);
    }
  }

  /** StopAutomationExecution: Cancel runs the stopped step's onCancel step, then ends Cancelled; Complete ends now. */
  private async stopped(
    live: LiveExecution,
    def: StepDefinition | undefined,
    index: StepIndex,
    stoppedStep?: StepRecord,
  ): Promise<void> {
    // Complete: the step it stopped does not count against the execution.
    if (live.stop === 'Complete') return this.finish(live, undefined, stoppedStep);
    const onCancel = def?.onCancel;
    const target = onCancel?.startsWith('step:') ? index.get(onCancel.slice('step:'.length)) : undefined;
    if (target && !this.c.closing()) {
      live.inCancelWorkflow = true;
      const rec = this.begin(live, target);
      live.record.status = 'Cancelling';
      this.c.save(live);
      const outcome = await this.steps.run(live, target, rec);
      if (outcome.kind === 'shutdown' || this.c.closing()) return;
    }
    return this.finish(live, 'Cancelled');
  }

  /** Ends the execution: its status (from its critical steps unless given), outputs, end time. */
  async finish(live: LiveExecution, status?: 'Cancelled', excused?: StepRecord): Promise<void> {
    const record = live.record;
    let final: ExecutionRecord['status'] = status ?? 'Success';
    let message: string | undefined;
    if (!status) {
      const index = new StepIndex(record.runbook);
      for (const step of record.steps) {
        const def = index.get(step.stepName);
        if (!def || !isCritical(def) || step === excused) continue;
        if (step.status === 'Failed' || step.status === 'TimedOut' || step.status === 'Cancelled') {
          final = step.status;
          message = step.failureMessage;
        }
      }
    }
    record.status = final;
    record.endTime = this.now();
    if (message !== undefined) record.failureMessage = message;
    delete record.currentStepName;
    delete record.currentAction;
    record.outputs = executionOutputs(record, live);
    await this.c.saveNow(live);
    this.c.ended(live);
  }
}
