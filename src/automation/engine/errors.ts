// The errors of StartAutomationExecution, StopAutomationExecution and SendAutomationSignal. Those the
// read handlers answer too come from ../handlers/errors.ts (one text for each); the engine's own are
// here. AWS's text where it is known; the rest are sentences in AWS's style, marked "wording ours".
import { SsmError } from '../../protocol/errors.js';
import { automationErrors as shared } from '../handlers/errors.js';

export const automationErrors = {
  definitionNotFound: shared.definitionNotFound,
  versionNotFound: shared.definitionVersionNotFound,
  invalidParameters: shared.invalidParameters,
  /** AWS's text (recorded): `Parameter "Action" has value "install" not found in [Install, Uninstall].` */
  notAllowed: (name: string, value: string, allowed: unknown[]) =>
    shared.parameterValueNotAllowed(name, value, allowed.map(String)),
  // Wording ours; AWS's quota: 100 running automations and 1,000 queued per account and Region.
  limitExceeded: () =>
    new SsmError(
      'AutomationExecutionLimitExceededException',
      'The number of running and queued automations has reached the limit of 1,100 for this account and Region.',
    ),
  idempotentMismatch: shared.idempotentParameterMismatch,
  // Wording ours.
  invalidTarget: (message: string) => new SsmError('InvalidTarget', message),
  executionNotFound: shared.executionNotFound,
  alreadyEnded: shared.alreadyEnded,
  stepNotFound: shared.stepNotFound,
  // Wording ours.
  stepExecutionNotFound: (stepExecutionId: string, executionId: string) =>
    new SsmError(
      'AutomationStepNotFoundException',
      `Step execution ${stepExecutionId} does not exist in automation execution ${executionId}.`,
    ),
  invalidSignal: shared.invalidSignal,
};
