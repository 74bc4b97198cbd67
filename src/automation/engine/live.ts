// What the engine keeps in memory for an execution while it runs: the running step's abort
// controller, the signals a waiting step accepts (a mailbox, so two quick approvals are both
// counted), a pending StartStep wait (Interactive mode), and a stop request.
import type { RequestContext } from '../../core/capability.js';
import type { Scheduler } from '../../core/scheduler.js';
import type { AbortReason, ReceivedSignal, SignalType } from '../model.js';
import type { ExecutionRecord, StepRecord } from '../state.js';

/** How a wait ended because its step was told to stop. */
export class Aborted extends Error {
  constructor(readonly reason: AbortReason) {
    super(`aborted: ${reason}`);
    this.name = 'Aborted';
  }
}

export function reasonOf(signal: AbortSignal): AbortReason {
  const reason: unknown = signal.reason;
  return reason === 'timeout' || reason === 'shutdown' ? reason : 'cancel';
}

/**
 * A promise that rejects with Aborted once `signal` aborts (never resolves). Meant for a race: its
 * rejection counts as handled, so one that lost its race does not surface later as unhandled.
 */
export function whenAborted(signal: AbortSignal): Promise<never> {
  const aborted = new Promise<never>((_resolve, reject) => {
    const fail = () => reject(new Aborted(reasonOf(signal)));
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
  aborted.catch(() => undefined);
  return aborted;
}

/** Waits `ms` on the scheduler's clock; rejects with Aborted when `signal` aborts first. */
export function sleepOn(scheduler: Scheduler, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new Aborted(reasonOf(signal)));
  if (ms <= 0) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      scheduler.cancel(timer);
      reject(new Aborted(reasonOf(signal)));
    };
    const timer = scheduler.after(ms, () => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export type StopRequest = 'Cancel' | 'Complete';

export class LiveExecution {
  /** The step attempt now running, and its controller. */
  running?: { step: StepRecord; controller: AbortController };
  /** A StopStep signal stopped the running step (not the whole execution). */
  stepStopped = false;
  stop?: StopRequest;
  /** Signals of these types are taken in while this step runs (its action asked for them). */
  private accepting?: { stepExecutionId: string; types: SignalType[] };
  private mailbox: ReceivedSignal[] = [];
  private wake?: () => void;
  /** Interactive mode: the execution waits for a StartStep. */
  private startStep?: (stepName: string) => void;
  private stopWaiters: Array<() => void> = [];

  /** The outputs of each step's latest successful run, for `{{ step.Output }}`. */
  readonly outputs = new Map<string, Record<string, unknown>>();
  /** The Pending record of each step not run yet (StepExecutions lists every step up front). */
  readonly pending = new Map<string, StepRecord>();
  /** An onCancel step is running: the stop request does not abort it. */
  inCancelWorkflow = false;

  constructor(
    readonly ctx: RequestContext,
    readonly record: ExecutionRecord,
  ) {
    for (const step of record.steps) {
      if (step.status === 'Pending' && !this.pending.has(step.stepName))
        this.pending.set(step.stepName, step);
      if (step.status === 'Success') this.outputs.set(step.stepName, step.outputValues ?? {});
    }
  }

  get id(): string {
    return this.record.automationExecutionId;
  }

  /** Whether a signal of this type reaches the running step now. */
  accepts(type: SignalType): boolean {
    return this.accepting?.types.includes(type) ?? false;
  }

  deliver(signal: ReceivedSignal): void {
    this.mailbox.push(signal);
    this.wake?.();
  }

  /** Waits for a signal of `types` for step `step` (one already in the mailbox answers at once). */
  async nextSignal(
    step: StepRecord,
    types: SignalType[],
    signal: AbortSignal,
    onWait: () => void,
  ): Promise<ReceivedSignal> {
    this.accepting = { stepExecutionId: step.stepExecutionId, types };
    const aborted = whenAborted(signal);
    for (;;) {
      const index = this.mailbox.findIndex((s) => types.includes(s.type));
      if (index >= 0) return this.mailbox.splice(index, 1)[0]!;
      onWait();
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), aborted]);
      this.wake = undefined;
    }
  }

  /** The running step ended: it takes no more signals. */
  stepEnded(): void {
    this.accepting = undefined;
    this.mailbox = [];
    this.wake = undefined;
    this.running = undefined;
    this.stepStopped = false;
  }

  get awaitingStartStep(): boolean {
    return this.startStep !== undefined;
  }

  /** Interactive mode: resolves with the step a StartStep names, or undefined when the execution stops. */
  waitForStartStep(): Promise<string | undefined> {
    return new Promise((resolve) => {
      const stopped = () => {
        this.startStep = undefined;
        resolve(undefined);
      };
      this.startStep = (name) => {
        this.startStep = undefined;
        this.stopWaiters = this.stopWaiters.filter((w) => w !== stopped);
        resolve(name);
      };
      this.stopWaiters.push(stopped);
      if (this.stop) stopped();
    });
  }

  startStepNamed(stepName: string): void {
    this.startStep?.(stepName);
  }

  /** Resolves once the execution is told to stop (StopAutomationExecution or the emulator stopping). */
  whenStopped(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stop) resolve();
      else this.stopWaiters.push(resolve);
    });
  }

  /** StopAutomationExecution, or the emulator stopping: the running step is aborted. */
  requestStop(request: StopRequest | 'shutdown'): void {
    if (request !== 'shutdown') this.stop ??= request;
    this.running?.controller.abort(request === 'shutdown' ? 'shutdown' : 'cancel');
    const waiters = this.stopWaiters;
    this.stopWaiters = [];
    for (const waiter of waiters) waiter();
  }
}
