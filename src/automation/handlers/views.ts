// How execution records read back: AutomationExecution (GetAutomationExecution),
// AutomationExecutionMetadata (DescribeAutomationExecutions) and StepExecution (both Get and
// DescribeAutomationStepExecutions). Which members appear follows AWS's recorded outputs (the AWS CLI
// examples of get-automation-execution, describe-automation-executions and
// describe-automation-step-executions, the API reference's GetAutomationExecution sample, and users'
// outputs):
// - an execution always shows Parameters, Outputs ({} when none), Mode, ExecutedBy, Targets ([] when
//   none) and ResolvedTargets ({ ParameterValues: [], Truncated: false } when none); the metadata of
//   DescribeAutomationExecutions adds LogFile "" and AutomationType.
// - a step's TimeoutSeconds, OnFailure, MaxAttempts, IsEnd, NextStep and IsCritical appear only when
//   its definition in the runbook sets them (AWS leaves defaults out); ValidNextSteps is what the
//   engine recorded, else [nextStep] when the definition names one; a step that has started shows
//   OverriddenParameters ({} when none), one still Pending shows only its name, action and status.
import type {
  AutomationExecution,
  AutomationExecutionMetadata,
  AutomationExecutionStatus,
  StepExecution,
} from '@aws-sdk/client-ssm';
import type { ExecutionRecord, StepDefinition, StepRecord } from '../state.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The step of the runbook a step execution ran (rate control's per-target steps have none). */
function definitionOf(record: ExecutionRecord, step: StepRecord): StepDefinition | undefined {
  return record.runbook.mainSteps.find((s) => s.name === step.stepName && s.action === step.action);
}

export function stepView(record: ExecutionRecord, step: StepRecord): StepExecution {
  const definition = definitionOf(record, step);
  const view: StepExecution = { StepName: step.stepName, Action: step.action };
  if (definition?.timeoutSeconds !== undefined) view.TimeoutSeconds = definition.timeoutSeconds;
  if (definition?.onFailure !== undefined) view.OnFailure = definition.onFailure;
  if (definition?.maxAttempts !== undefined) view.MaxAttempts = definition.maxAttempts;
  if (step.startTime !== undefined) view.ExecutionStartTime = new Date(step.startTime);
  if (step.endTime !== undefined) view.ExecutionEndTime = new Date(step.endTime);
  view.StepStatus = step.status as AutomationExecutionStatus;
  if (step.responseCode !== undefined) view.ResponseCode = step.responseCode;
  if (step.inputs !== undefined) view.Inputs = copy(step.inputs);
  if (step.outputs !== undefined) view.Outputs = copy(step.outputs);
  if (step.response !== undefined) view.Response = step.response;
  if (step.failureMessage !== undefined) view.FailureMessage = step.failureMessage;
  if (step.failureDetails !== undefined) view.FailureDetails = copy(step.failureDetails);
  view.StepExecutionId = step.stepExecutionId;
  if (step.overriddenParameters !== undefined || step.startTime !== undefined) {
    view.OverriddenParameters = copy(step.overriddenParameters ?? {});
  }
  if (definition?.isEnd !== undefined) view.IsEnd = definition.isEnd;
  if (definition?.nextStep !== undefined) view.NextStep = definition.nextStep;
  if (definition?.isCritical !== undefined) view.IsCritical = definition.isCritical;
  const validNextSteps =
    step.validNextSteps ?? (definition?.nextStep !== undefined ? [definition.nextStep] : undefined);
  if (validNextSteps !== undefined) view.ValidNextSteps = [...validNextSteps];
  return view;
}

/** Members that AutomationExecution and AutomationExecutionMetadata share, in AWS's order. */
function common(record: ExecutionRecord) {
  return {
    AutomationExecutionId: record.automationExecutionId,
    DocumentName: record.documentName,
    DocumentVersion: record.documentVersion,
    AutomationExecutionStatus: record.status as AutomationExecutionStatus,
    ExecutionStartTime: new Date(record.startTime),
    ...(record.endTime !== undefined ? { ExecutionEndTime: new Date(record.endTime) } : {}),
  };
}

/** The members shown only when the record has them. */
function optional(record: ExecutionRecord) {
  return {
    ...(record.failureMessage !== undefined ? { FailureMessage: record.failureMessage } : {}),
    ...(record.parentAutomationExecutionId !== undefined
      ? { ParentAutomationExecutionId: record.parentAutomationExecutionId }
      : {}),
    ...(record.currentStepName !== undefined ? { CurrentStepName: record.currentStepName } : {}),
    ...(record.currentAction !== undefined ? { CurrentAction: record.currentAction } : {}),
    ...(record.targetParameterName !== undefined ? { TargetParameterName: record.targetParameterName } : {}),
    ...(record.targetMaps !== undefined ? { TargetMaps: copy(record.targetMaps) } : {}),
    ...(record.maxConcurrency !== undefined ? { MaxConcurrency: record.maxConcurrency } : {}),
    ...(record.maxErrors !== undefined ? { MaxErrors: record.maxErrors } : {}),
    ...(record.target !== undefined ? { Target: record.target } : {}),
    ...(record.alarmConfiguration !== undefined
      ? { AlarmConfiguration: copy(record.alarmConfiguration) }
      : {}),
  };
}

const targetsOf = (record: ExecutionRecord) => copy(record.targets ?? []);
const resolvedTargetsOf = (record: ExecutionRecord) =>
  copy(record.resolvedTargets ?? { ParameterValues: [], Truncated: false });

export function executionView(record: ExecutionRecord): AutomationExecution {
  return {
    ...common(record),
    StepExecutions: record.steps.map((step) => stepView(record, step)),
    StepExecutionsTruncated: false,
    Parameters: copy(record.parameters),
    Outputs: copy(record.outputs ?? {}),
    Mode: record.mode,
    ExecutedBy: record.executedBy,
    Targets: targetsOf(record),
    ResolvedTargets: resolvedTargetsOf(record),
    ...optional(record),
    ...(record.progressCounters !== undefined ? { ProgressCounters: copy(record.progressCounters) } : {}),
  };
}

export function metadataView(record: ExecutionRecord): AutomationExecutionMetadata {
  return {
    ...common(record),
    ExecutedBy: record.executedBy,
    LogFile: '',
    Outputs: copy(record.outputs ?? {}),
    Mode: record.mode,
    Targets: targetsOf(record),
    ResolvedTargets: resolvedTargetsOf(record),
    AutomationType: record.automationType,
    ...optional(record),
  };
}
