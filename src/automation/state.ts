// Automation state, kept in the store per account and region as keyed records (each write journals
// just the execution it names). Plain JSON only: times are epoch milliseconds.
//
// Ownership: the engine (engine/) creates and writes executions and their steps; the read handlers
// (handlers/) only read them.
import type { AlarmConfiguration, Target } from '@aws-sdk/client-ssm';
import type { ChangedRecord, Tag } from '../core/capability.js';
import type { RegionScope } from '../store/store.js';
import type { ReceivedSignal } from './model.js';

export const CAPABILITY = 'automation';

/** AutomationExecutionStatus (the SDK's enum) as both executions and steps use it. */
export type AutomationStatus =
  | 'Pending'
  | 'InProgress'
  | 'Waiting'
  | 'Success'
  | 'TimedOut'
  | 'Cancelling'
  | 'Cancelled'
  | 'Failed'
  | 'PendingApproval'
  | 'Approved'
  | 'Rejected'
  | 'Scheduled'
  | 'RunbookInProgress'
  | 'PendingChangeCalendarOverride'
  | 'ChangeCalendarOverrideApproved'
  | 'ChangeCalendarOverrideRejected'
  | 'CompletedWithSuccess'
  | 'CompletedWithFailure'
  | 'Exited';

/** A step's declared output: `outputs: [{ Name, Selector, Type }]`. */
export interface StepOutputDeclaration {
  Name: string;
  Selector: string;
  /** String (default), Integer, Boolean, StringList, StringMap, MapList. */
  Type?: string;
}

/** A step as the runbook writes it (inputs not resolved). */
export interface StepDefinition {
  name: string;
  action: string;
  description?: string;
  inputs: Record<string, unknown>;
  /** Abort (default), Continue, or step:<name>. */
  onFailure?: string;
  /** Abort (default) or step:<name>. */
  onCancel?: string;
  nextStep?: string;
  isEnd?: boolean;
  /** Default true. */
  isCritical?: boolean;
  /** Default 1. */
  maxAttempts?: number;
  timeoutSeconds?: number;
  outputs?: StepOutputDeclaration[];
}

/** The runbook as it was when the execution started (edits to the document do not change it). */
export interface Runbook {
  name: string;
  documentVersion: string;
  schemaVersion: string;
  /** The document's parameter declarations (type, default, allowedValues, ...). */
  parameters: Record<string, Record<string, unknown>>;
  mainSteps: StepDefinition[];
  /** `outputs: ["step.Output", ...]`: the execution's outputs. */
  outputs: string[];
  assumeRole?: string;
}

/** One StepExecution. */
export interface StepRecord {
  stepExecutionId: string;
  stepName: string;
  action: string;
  status: AutomationStatus;
  startTime?: number;
  endTime?: number;
  /**
   * StepExecution.Inputs: each resolved input written as JSON text, strings quoted as AWS's recorded
   * answers show them (`"DesiredState": "\"stopped\""`, `"MaxInstanceCount": "1"`).
   */
  inputs?: Record<string, string>;
  /** StepExecution.Outputs (the action's own and the declared ones). */
  outputs?: Record<string, string[]>;
  /** The outputs as typed values, for `{{ step.Name }}` in later steps. */
  outputValues?: Record<string, unknown>;
  response?: string;
  responseCode?: string;
  failureMessage?: string;
  failureDetails?: { FailureStage?: string; FailureType?: string; Details?: Record<string, string[]> };
  /** The attempt now running or last run (maxAttempts). */
  attempt: number;
  overriddenParameters?: Record<string, string[]>;
  /** What the running action saved (ActionRun.saveCheckpoint), for a restart. */
  checkpoint?: unknown;
  /** Epoch ms when the running attempt times out (timeoutSeconds), kept so a restart keeps the deadline. */
  timeoutAt?: number;
  /** Signals received while this step waited (aws:approve's approvals and rejections). */
  signals?: ReceivedSignal[];
  /** ValidNextSteps, for Interactive mode and aws:branch. */
  validNextSteps?: string[];
}

export interface ExecutionRecord {
  automationExecutionId: string;
  /** Orders executions: one more than the largest seq stored when it was created. */
  seq: number;
  documentName: string;
  documentVersion: string;
  runbook: Runbook;
  status: AutomationStatus;
  mode: 'Auto' | 'Interactive';
  /** arn:aws:iam::<account>:user/ssm-local (ssm-local has one caller per account). */
  executedBy: string;
  startTime: number;
  endTime?: number;
  /**
   * The parameters as supplied (Parameters of GetAutomationExecution; AWS's recorded answers show the
   * supplied ones only, not defaults).
   */
  parameters: Record<string, string[]>;
  /** The parameters as typed values, for `{{ name }}`. */
  parameterValues: Record<string, unknown>;
  outputs?: Record<string, string[]>;
  failureMessage?: string;
  /** The step executions in the order they ran (a step run again by a loop appears again). */
  steps: StepRecord[];
  currentStepName?: string;
  currentAction?: string;
  parentAutomationExecutionId?: string;
  /** Local, or CrossAccount (not supported here). */
  automationType: 'Local';
  // ---- rate control (TargetParameterName with Targets or TargetMaps) ----
  targetParameterName?: string;
  targets?: Target[];
  targetMaps?: Record<string, string[]>[];
  resolvedTargets?: { ParameterValues: string[]; Truncated: boolean };
  maxConcurrency?: string;
  maxErrors?: string;
  /** A child execution of rate control: the target value it runs for. */
  target?: string;
  progressCounters?: {
    TotalSteps: number;
    SuccessSteps: number;
    FailedSteps: number;
    CancelledSteps: number;
    TimedOutSteps: number;
  };
  alarmConfiguration?: AlarmConfiguration;
  clientToken?: string;
  tags: Tag[];
}

export interface AutomationState {
  executions: Record<string, ExecutionRecord>;
}

export function automationState(scope: RegionScope): AutomationState {
  return scope.get<AutomationState>(CAPABILITY, () => ({ executions: {} }));
}

export function executionChanged(executionId: string): ChangedRecord {
  return { capability: CAPABILITY, collection: 'executions', key: executionId };
}
