// The one error type. Every error a client sees is an SsmError: a code (the model's error shape
// name, written as `__type`), an HTTP status and AWS's message text.

export class SsmError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra members of the error shape (for example ReasonCode), written beside the message. */
  readonly extra: Record<string, unknown>;

  constructor(code: string, message: string, status = 400, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.extra = extra;
  }
}

export const errors = {
  validation: (message: string) => new SsmError('ValidationException', message),
  serialization: (message: string) => new SsmError('SerializationException', message),
  unknownOperation: (message = '') => new SsmError('UnknownOperationException', message),
  notImplemented: (operation: string) =>
    new SsmError(
      'InternalFailure',
      `The operation ${operation} is not implemented by ssm-local yet. See the README for what is implemented.`,
      501,
    ),
  internal: (message = 'An internal error occurred in ssm-local.') =>
    new SsmError('InternalServerError', message, 500),
  unrecognizedClient: () =>
    new SsmError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
  invalidSignature: () =>
    new SsmError(
      'InvalidSignatureException',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
    ),
  missingAuthentication: () =>
    new SsmError('MissingAuthenticationTokenException', 'Missing Authentication Token'),
  invalidResourceId: (message = '') => new SsmError('InvalidResourceId', message),
  tooManyTagsError: (message = '') => new SsmError('TooManyTagsError', message),
  invalidNextToken: (message = "The specified token isn't valid.") =>
    new SsmError('InvalidNextToken', message),
};
