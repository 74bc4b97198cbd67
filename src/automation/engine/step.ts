// One step of an execution: its inputs resolved, its action run once per attempt (maxAttempts) with
// timeoutSeconds on the scheduler's clock, signals handed to it while it waits, its outputs recorded
// (the action's own and the declared ones, through selectOutput), and its ending worded as AWS words
// it ("Step fails when it is ... Please refer to Automation Service Troubleshooting Guide ...").
import type { Services } from '../../core/capability.js';
import { selectOutput } from '../actions/select.js';
import { StepFailure, type ActionDefinition, type ActionResult, type ActionRun } from '../model.js';
import type { StepDefinition, StepRecord } from '../state.js';
import { Aborted, LiveExecution, sleepOn, whenAborted } from './live.js';
import { inputsView, outputStrings, resolve, type VariableScope } from './variables.js';
import { WAIT_DEFAULT_TIMEOUT_SECONDS } from '../actions/aws-api.js';

const GUIDE = 'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';
const STAGE = 'Execute/Cancelling action';
// The defaults AWS documents for actions that wait (their reference pages: aws:approve waits 7 days):
// a step without timeoutSeconds otherwise waits as long as its action does.
const DEFAULT_TIMEOUT_SECONDS: Record<string, number> = {
  'aws:approve': 604_800,
  'aws:changeInstanceState': 3_600,
  'aws:waitForAwsResourceProperty': WAIT_DEFAULT_TIMEOUT_SECONDS,
};
export const RESTART_MESSAGE = 'The step was interrupted by an emulator restart.';

export type StepOutcome =
  | { kind: 'success'; nextStep?: string }
  /** The step failed, timed out, or a StopStep signal cancelled it. */
  | { kind: 'failed'; status: 'Failed' | 'TimedOut' | 'Cancelled'; message?: string }
  /** StopAutomationExecution stopped it (Cancel or Complete). */
  | { kind: 'stopped' }
  /** The emulator is stopping: nothing is recorded, recover() picks the step up. */
  | { kind: 'shutdown' };

export interface StepContext {
  services: Services;
  actions: Map<string, ActionDefinition>;
  /** Persists the execution record without waiting (the store coalesces writes). */
  save(live: LiveExecution): void;
  /** Persists the execution record and waits until it is durable. */
  saveNow(live: LiveExecution): Promise<void>;
  scope(live: LiveExecution): VariableScope;
}

/** A failure message in AWS's words (kept as it is when an action already wrote it so). */
export function failureText(message: string, status: 'Failed' | 'TimedOut'): string {
  if (/^(Step fails when it is|Step timed out while step is)/.test(message)) return message;
  const text = message.trim() === '' ? '' : `${message.trim().replace(/\.?$/, '.')} `;
  return status === 'TimedOut'
    ? `Step timed out while step is ${STAGE}. ${text}${GUIDE}`
    : `Step fails when it is ${STAGE}. ${text}${GUIDE}`;
}

type Attempt =
  | { ok: true; result: ActionResult }
  | { ok: false; aborted?: Aborted['reason']; failure?: StepFailure | Error };

export class StepRunner {
  constructor(private readonly c: StepContext) {}

  private now(): number {
    return this.c.services.clock.now().getTime();
  }

  /** Ends the step as failed, timed out or cancelled (synchronously: the caller goes on at once). */
  fail(
    live: LiveExecution,
    rec: StepRecord,
    status: 'Failed' | 'TimedOut' | 'Cancelled',
    message?: string,
    details?: StepRecord['failureDetails'],
  ): StepOutcome {
    rec.status = status;
    rec.endTime = this.now();
    delete rec.timeoutAt;
    if (message !== undefined && status !== 'Cancelled') {
      rec.failureMessage = failureText(message, status);
      rec.failureDetails = details ?? { FailureStage: 'Invocation', FailureType: 'Action' };
    }
    live.stepEnded();
    return { kind: 'failed', status, ...(rec.failureMessage ? { message: rec.failureMessage } : {}) };
  }

  async run(live: LiveExecution, def: StepDefinition, rec: StepRecord): Promise<StepOutcome> {
    const action = this.c.actions.get(def.action);
    if (!action) {
      return this.fail(live, rec, 'Failed', `ssm-local does not support the action ${def.action}.`, {
        FailureStage: 'InputValidation',
        FailureType: 'Verification',
      });
    }
    let inputs: Record<string, unknown>;
    try {
      inputs = resolve(def.inputs, this.c.scope(live)) as Record<string, unknown>;
    } catch (error) {
      return this.fail(live, rec, 'Failed', (error as Error).message, {
        FailureStage: 'InputValidation',
        FailureType: 'Verification',
      });
    }
    rec.inputs = inputsView(inputs);
    const maxAttempts = def.maxAttempts ?? 1;
    for (let attempt = Math.max(rec.attempt, 1); ; attempt++) {
      rec.attempt = attempt;
      rec.status = 'InProgress';
      this.c.save(live);
      const outcome = await this.attempt(live, def, rec, action, inputs);
      if (outcome.ok) return this.succeed(live, def, rec, outcome.result);
      if (outcome.aborted === 'shutdown') {
        live.stepEnded();
        return { kind: 'shutdown' };
      }
      if (outcome.aborted === 'cancel') {
        const stepOnly = live.stepStopped && !live.stop;
        const ended = this.fail(live, rec, 'Cancelled');
        return stepOnly ? ended : { kind: 'stopped' };
      }
      if (attempt < maxAttempts) {
        delete rec.checkpoint;
        delete rec.timeoutAt;
        continue;
      }
      return this.failure(live, def, rec, outcome);
    }
  }

  private failure(live: LiveExecution, def: StepDefinition, rec: StepRecord, outcome: Attempt): StepOutcome {
    if (outcome.ok) throw new Error('not a failure');
    if (outcome.aborted === 'timeout') {
      const seconds = def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[def.action];
      return this.fail(live, rec, 'TimedOut', `The step's timeoutSeconds (${seconds}) passed.`, {
        FailureStage: 'Invocation',
        FailureType: 'Timeout',
      });
    }
    const error = outcome.failure;
    if (error instanceof StepFailure) {
      return this.fail(live, rec, error.status, error.message, {
        FailureStage: error.failureType === 'Verification' ? 'InputValidation' : 'Invocation',
        FailureType: error.failureType,
        ...(Object.keys(error.details).length > 0 ? { Details: error.details } : {}),
      });
    }
    return this.fail(live, rec, 'Failed', error?.message ?? 'The action failed.');
  }

  private succeed(
    live: LiveExecution,
    def: StepDefinition,
    rec: StepRecord,
    result: ActionResult,
  ): StepOutcome {
    const values: Record<string, unknown> = { ...result.outputs };
    for (const declared of def.outputs ?? []) {
      // A selector that matches nothing gives no output (the step succeeds); one of the wrong Type fails it.
      try {
        const value = selectOutput(result.selectable ?? result.outputs, declared.Selector, declared.Type);
        if (value !== undefined) values[declared.Name] = value;
      } catch (error) {
        return this.fail(live, rec, 'Failed', `Output ${declared.Name}: ${(error as Error).message}`, {
          FailureStage: 'PostVerification',
          FailureType: 'Verification',
        });
      }
    }
    rec.outputValues = values;
    rec.outputs = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, outputStrings(v)]));
    if (result.response !== undefined) rec.response = result.response;
    rec.status = 'Success';
    rec.endTime = this.now();
    delete rec.timeoutAt;
    live.stepEnded();
    return { kind: 'success', ...(result.nextStep !== undefined ? { nextStep: result.nextStep } : {}) };
  }

  private async attempt(
    live: LiveExecution,
    def: StepDefinition,
    rec: StepRecord,
    action: ActionDefinition,
    inputs: Record<string, unknown>,
  ): Promise<Attempt> {
    const { scheduler } = this.c.services;
    const controller = new AbortController();
    live.running = { step: rec, controller };
    if (live.stop && !live.inCancelWorkflow) controller.abort('cancel');
    const seconds = def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS[def.action];
    if (rec.timeoutAt === undefined && seconds !== undefined) rec.timeoutAt = this.now() + seconds * 1000;
    const timer =
      rec.timeoutAt !== undefined
        ? scheduler.at(rec.timeoutAt, () => controller.abort('timeout'))
        : undefined;
    const run = this.actionRun(live, def, rec, inputs, controller);
    try {
      const running = action.run(run);
      running.catch(() => undefined); // an action that rejects after being aborted is ignored
      return { ok: true, result: await Promise.race([running, whenAborted(controller.signal)]) };
    } catch (error) {
      if (error instanceof Aborted || controller.signal.aborted) {
        return { ok: false, aborted: error instanceof Aborted ? error.reason : 'cancel' };
      }
      return { ok: false, failure: error instanceof Error ? error : new Error(String(error)) };
    } finally {
      scheduler.cancel(timer);
    }
  }

  private actionRun(
    live: LiveExecution,
    def: StepDefinition,
    rec: StepRecord,
    inputs: Record<string, unknown>,
    controller: AbortController,
  ): ActionRun {
    const { services } = this.c;
    const record = live.record;
    return {
      ctx: live.ctx,
      services,
      executionId: live.id,
      stepName: def.name,
      stepExecutionId: rec.stepExecutionId,
      action: def.action,
      attempt: rec.attempt,
      inputs: structuredClone(inputs),
      signal: controller.signal,
      ...(rec.checkpoint !== undefined ? { checkpoint: structuredClone(rec.checkpoint) } : {}),
      saveCheckpoint: async (value) => {
        rec.checkpoint = structuredClone(value);
        await this.c.saveNow(live);
      },
      now: () => this.now(),
      sleep: (ms) => sleepOn(services.scheduler, ms, controller.signal),
      waitForSignal: async (accepted) => {
        const received = await live.nextSignal(rec, accepted, controller.signal, () => {
          rec.status = 'Waiting';
          if (record.status === 'InProgress') record.status = 'Waiting';
          this.c.save(live);
        });
        rec.status = 'InProgress';
        if (record.status === 'Waiting') record.status = 'InProgress';
        this.c.save(live);
        return received;
      },
    };
  }
}
