// The seams inside Automation, between:
// - engine/: the runbook engine. It starts executions (parameters checked, rate control making child
//   executions), walks the steps (nextStep, isEnd, onFailure, onCancel, isCritical, maxAttempts,
//   timeoutSeconds), resolves `{{ variables }}` into each step's inputs, records step outputs (with
//   Selector and Type, through select.ts) and execution outputs, keeps the status machine, handles
//   signals and StopAutomationExecution, and picks executions up again after a restart. It owns the
//   flow actions (aws:sleep, aws:pause, aws:approve, aws:executeAutomation) and the write handlers
//   (StartAutomationExecution, StopAutomationExecution, SendAutomationSignal).
// - handlers/ (read side): GetAutomationExecution, DescribeAutomationExecutions,
//   DescribeAutomationStepExecutions, over the records of state.ts.
// - actions/: every other action, each an ActionDefinition the engine calls through ActionRun:
//   aws:runCommand, aws:changeInstanceState, aws:createImage (instances.ts), aws:executeScript
//   (script/), aws:executeAwsApi, aws:waitForAwsResourceProperty, aws:assertAwsResourceProperty
//   (aws-api.ts), aws:branch (branch.ts), and the Selector/Type helper (select.ts).
import type { RequestContext, Services } from '../core/capability.js';
import type { ExecutionRecord } from './state.js';

/** Why a running step was told to stop (its ActionRun.signal's reason). */
export type AbortReason = 'cancel' | 'timeout' | 'shutdown';

export type SignalType = 'Approve' | 'Reject' | 'StartStep' | 'StopStep' | 'Resume';

/** A SendAutomationSignal that reached a waiting step. */
export interface ReceivedSignal {
  type: SignalType;
  /** The request's Payload (e.g. Comment for Approve/Reject). */
  payload: Record<string, string[]>;
  /** The caller's ARN (arn:aws:iam::<account>:user/ssm-local here). */
  sender: string;
  /** Epoch milliseconds. */
  at: number;
}

/** One run (one attempt) of one step's action. */
export interface ActionRun {
  /** A background context in the execution's account and region. */
  ctx: RequestContext;
  services: Services;
  executionId: string;
  stepName: string;
  stepExecutionId: string;
  action: string;
  /** 1 for the first attempt (maxAttempts retries count up). */
  attempt: number;
  /**
   * The step's inputs with every `{{ variable }}` resolved. A variable that is the whole value keeps
   * its type (a StringList parameter is a list, an Integer a number, a MapList a list of maps); inside
   * a longer string it is written as text.
   */
  inputs: Record<string, unknown>;
  /**
   * Aborted when the step must stop: StopAutomationExecution or a StopStep signal ('cancel'), its
   * timeoutSeconds passed ('timeout'), or the emulator stops ('shutdown', the step resumes or fails
   * after the restart as its definition's `restart` says). The reason is `signal.reason`.
   */
  signal: AbortSignal;
  /** What this attempt saved with saveCheckpoint before an emulator restart; undefined on a first run. */
  checkpoint?: unknown;
  /** Persists a plain-JSON value to find again after a restart (a command id, a child execution, a deadline). */
  saveCheckpoint(value: unknown): Promise<void>;
  /** Now, on the emulator's (injected) clock, epoch milliseconds. */
  now(): number;
  /**
   * Waits `ms` milliseconds on the emulator's clock (the scheduler: POST /_ssm-local/clock moves it).
   * Rejects with the abort reason when signal aborts.
   */
  sleep(ms: number): Promise<void>;
  /**
   * Waits for SendAutomationSignal of one of `accepted` types to this execution, showing the step and
   * the execution as Waiting meanwhile (InProgress again once it returns). A signal of another type
   * is refused with InvalidAutomationSignalException. Rejects when signal aborts.
   */
  waitForSignal(accepted: SignalType[]): Promise<ReceivedSignal>;
}

/** What an action produced. */
export interface ActionResult {
  /**
   * The action's own outputs, as StepExecution.Outputs shows them and `{{ step.Name }}` reads them
   * (aws:runCommand: CommandId, Status, ResponseCode, Output; aws:executeScript: Payload;
   * aws:createImage: ImageId, ImageState; aws:executeAutomation: ExecutionId, Status, Output).
   * Plain JSON values; the engine writes each as Outputs' string list.
   */
  outputs: Record<string, unknown>;
  /**
   * What the step's `outputs` Selectors read (`$.Payload.x` for aws:executeScript, the API answer for
   * aws:executeAwsApi). Defaults to `outputs`.
   */
  selectable?: unknown;
  /** aws:branch: the step to run next (it overrides nextStep); undefined goes on as usual. */
  nextStep?: string;
  /** StepExecution.Response (a short text), when the action has one. */
  response?: string;
}

/** How an action fails its step. Anything else an action throws fails it too (its message kept). */
export class StepFailure extends Error {
  constructor(
    message: string,
    /** FailureDetails.FailureType: Verification (bad inputs), Action (the work failed), ... */
    readonly failureType: 'Verification' | 'Action' | 'Timeout' = 'Action',
    /** FailureDetails.Details, e.g. { ErrorCode: ['...'], ExecutionId: ['...'] }. */
    readonly details: Record<string, string[]> = {},
    /** The step's status: Failed, or TimedOut when the action itself gave up waiting. */
    readonly status: 'Failed' | 'TimedOut' = 'Failed',
  ) {
    super(message);
    this.name = 'StepFailure';
  }
}

export interface ActionDefinition {
  /**
   * Checks a step's inputs as written in the runbook (variables not yet resolved: a value may be a
   * `{{ ... }}` string), when the runbook is started. Throws a message (a string Error) that the
   * engine reports as InvalidAutomationExecutionParametersException / the step's failure.
   */
  validate?(inputs: Record<string, unknown>): void;
  run(run: ActionRun): Promise<ActionResult>;
  /**
   * After an emulator restart while the step ran: 'resume' runs the action again with the
   * checkpoint it saved (it must pick up where it was: a command it sent, a child execution, a
   * deadline); 'fail' fails the step ("The step was interrupted by an emulator restart") and the
   * runbook goes on as its onFailure says.
   */
  restart: 'resume' | 'fail';
}

/** What the engine offers actions and handlers beyond one step (aws:executeAutomation, the API). */
export interface AutomationEngineApi {
  /**
   * Starts an execution (StartAutomationExecution's checks and errors) and answers its id; it runs
   * in the background. `parentExecutionId` makes it a child (aws:executeAutomation, rate control).
   */
  start(
    ctx: RequestContext,
    request: import('@aws-sdk/client-ssm').StartAutomationExecutionRequest,
    parentExecutionId?: string,
  ): Promise<string>;
  /** Resolves with the record once the execution is terminal; undefined when there is none. */
  whenEnded(accountId: string, region: string, executionId: string): Promise<ExecutionRecord | undefined>;
  /** StopAutomationExecution (Cancel or Complete). */
  stop(ctx: RequestContext, executionId: string, type: 'Cancel' | 'Complete'): Promise<void>;
}
