// Automation's request errors, for the read handlers here and the engine's write handlers (Start,
// Stop, SendAutomationSignal). Texts quoted from AWS say where they were found; texts marked
// "wording ours" are plain sentences in AWS's style (no recorded AWS text was found for them).
import { SsmError } from '../../protocol/errors.js';

export const automationErrors = {
  // Wording ours.
  executionNotFound: (executionId: string) =>
    new SsmError(
      'AutomationExecutionNotFoundException',
      `Automation execution ${executionId} does not exist.`,
    ),
  // Wording ours.
  definitionNotFound: (documentName: string) =>
    new SsmError(
      'AutomationDefinitionNotFoundException',
      `Automation document ${documentName} does not exist, or is not a document of type Automation.`,
    ),
  // Wording ours.
  definitionVersionNotFound: (documentName: string, documentVersion: string) =>
    new SsmError(
      'AutomationDefinitionVersionNotFoundException',
      `Version ${documentVersion} of Automation document ${documentName} does not exist.`,
    ),
  /** Any rule about the parameters or targets of StartAutomationExecution; the engine words it. */
  invalidParameters: (message: string) =>
    new SsmError('InvalidAutomationExecutionParametersException', message),
  /**
   * A value outside a parameter's allowedValues. AWS's text, as an association running a runbook
   * reported it (CrowdStrike/aws-ssm-distributor#100):
   * `Parameter "Action" has value "install" not found in [Install, Uninstall].`
   */
  parameterValueNotAllowed: (name: string, value: string, allowed: readonly string[]) =>
    new SsmError(
      'InvalidAutomationExecutionParametersException',
      `Parameter "${name}" has value "${value}" not found in [${allowed.join(', ')}].`,
    ),
  /** A signal the execution cannot take now (its type, its state, its step); the engine words it. */
  invalidSignal: (message: string) => new SsmError('InvalidAutomationSignalException', message),
  // Wording ours.
  signalNotAccepted: (signalType: string, executionId: string) =>
    new SsmError(
      'InvalidAutomationSignalException',
      `Signal ${signalType} is not valid for the current state of automation execution ${executionId}.`,
    ),
  /** StopAutomationExecution on an execution that cannot stop (already ended, ...); the engine words it. */
  invalidStatusUpdate: (message: string) => new SsmError('InvalidAutomationStatusUpdateException', message),
  // Wording ours.
  alreadyEnded: (executionId: string, status: string) =>
    new SsmError(
      'InvalidAutomationStatusUpdateException',
      `Automation execution ${executionId} has already ended with status ${status}.`,
    ),
  // Wording ours.
  stepNotFound: (stepName: string, executionId: string) =>
    new SsmError(
      'AutomationStepNotFoundException',
      `Step ${stepName} does not exist in automation execution ${executionId}.`,
    ),
  // Wording ours.
  executionLimitExceeded: (limit: number) =>
    new SsmError(
      'AutomationExecutionLimitExceededException',
      `The number of automation executions running at the same time exceeded the limit of ${limit}.`,
    ),
  // Wording ours.
  idempotentParameterMismatch: () =>
    new SsmError(
      'IdempotentParameterMismatch',
      'The request reused a ClientToken with parameters that differ from the original request.',
    ),
  /** The shape carries no message. */
  invalidFilterKey: () => new SsmError('InvalidFilterKey', ''),
  // Wording ours, in the form of DescribeParameters' InvalidFilterValue.
  invalidFilterValue: (key: string, value: string, expected: string) =>
    new SsmError(
      'InvalidFilterValue',
      `The following filter value is not valid: ${value}. The value of filter ${key} must be ${expected}.`,
    ),
};

/** What a time filter (StartTimeBefore, StartTimeAfter) takes, for its InvalidFilterValue. */
export const TIME_VALUE = 'a date and time such as 2030-01-31T13:45:00Z, or seconds since the epoch';

/** Epoch milliseconds of a time filter's value: ISO 8601 (or any Date.parse form) or epoch seconds. */
export function filterTime(key: string, value: string): number {
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value);
  if (!Number.isFinite(ms)) throw automationErrors.invalidFilterValue(key, value, TIME_VALUE);
  return ms;
}

/** Every AutomationExecutionStatus (executions and steps share it). */
export const STATUSES: readonly string[] = [
  'Pending',
  'InProgress',
  'Waiting',
  'Success',
  'TimedOut',
  'Cancelling',
  'Cancelled',
  'Failed',
  'PendingApproval',
  'Approved',
  'Rejected',
  'Scheduled',
  'RunbookInProgress',
  'PendingChangeCalendarOverride',
  'ChangeCalendarOverrideApproved',
  'ChangeCalendarOverrideRejected',
  'CompletedWithSuccess',
  'CompletedWithFailure',
  'Exited',
];

/** A filter value that must be one of `allowed`, or InvalidFilterValue. */
export function oneOf(key: string, value: string, allowed: readonly string[]): string {
  if (!allowed.includes(value)) {
    throw automationErrors.invalidFilterValue(key, value, `one of ${allowed.join(', ')}`);
  }
  return value;
}
