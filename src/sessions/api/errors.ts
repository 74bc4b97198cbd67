// Session Manager's request errors, with AWS's text where it is known. Texts marked "wording ours"
// are plain sentences in AWS's style.
import { SsmError, errors } from '../../protocol/errors.js';

export const sessionErrors = {
  /**
   * "An error occurred (TargetNotConnected) when calling the StartSession operation: i-123456 is not
   * connected." (aws/session-manager-plugin#5, aws-samples/sagemaker-ssh-helper#1).
   */
  targetNotConnected: (target: string) => new SsmError('TargetNotConnected', `${target} is not connected.`),
  // Wording ours.
  notSessionDocument: (name: string, type: string) =>
    new SsmError(
      'InvalidDocument',
      `Document ${name} is of type ${type}. StartSession starts sessions with documents of type Session.`,
    ),
  // Wording ours.
  unsupportedSessionType: (name: string, sessionType: string) =>
    new SsmError(
      'InvalidDocument',
      `Document ${name} has sessionType ${sessionType}. Supported session types: Standard_Stream, InteractiveCommands, NonInteractiveCommands, Port.`,
    ),
  // Wording ours.
  doesNotExist: (sessionId: string) =>
    new SsmError('DoesNotExistException', `Session with Id ${sessionId} does not exist.`),
  // Wording ours.
  invalidDateFilter: (key: string, value: string) =>
    errors.validation(`The value ${value} of filter ${key} is not a valid date.`),
  // Wording ours.
  notStarted: () => new SsmError('InternalServerError', 'Session Manager is not started.', 500),
};
