// aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty, for Service
// ssm (the emulator's own API, through services.operations: the model's validation, the handler in
// the execution's account and region, the JSON a client would receive).
//
// As AWS (the actions' reference pages and recorded FailureMessages):
// - Inputs: Service, Api (the operation's name, GetParameter, or boto3's method name,
//   get_parameter: the reference sends readers to boto3's Client methods), every other input is a
//   parameter of the operation. Parameters are checked as botocore checks them before sending
//   ("Parameter validation failed:\nMissing required parameter in input: \"Name\"", see
//   aws-api-params.ts), then by the service (ValidationException).
// - An API error fails the step with boto3's text inside Automation's frame: "Step fails when it is
//   Execute/Cancelling action. An error occurred (InsufficientCapabilitiesException) when calling
//   the UpdateStack operation: Requires capabilities : [CAPABILITY_IAM]. Please refer to Automation
//   Service Troubleshooting Guide for more diagnosis details." (a user's record of a real run).
// - aws:executeAwsApi has no outputs of its own: the runbook's outputs select from the response
//   (ActionResult.selectable), which is boto3's dict, ResponseMetadata included.
// - aws:waitForAwsResourceProperty calls the API until PropertySelector selects one of
//   DesiredValues; its default timeout is 3600 seconds (the engine's timeoutSeconds, which aborts
//   run.signal). aws:assertAwsResourceProperty calls it once and fails when the value is not one.
//
// What differs from AWS:
// - Only Service ssm is emulated; any other service fails the step (Verification).
// - The poll interval of aws:waitForAwsResourceProperty is not documented by AWS; here it is
//   POLL_INTERVAL_MS on the emulator's clock. An API error while waiting fails the step (AWS's
//   behaviour is not documented either); throttling does not happen here.
// - The message of a failed assertion, of an unknown Api and of another service are ours.
// - Timestamps in the response are epoch seconds (the wire JSON); boto3 hands Automation datetimes,
//   whose rendering in outputs is not documented.
// - The 25-second limit AWS puts on one aws:executeAwsApi call is not enforced (calls are in-process).
import { SsmError } from '../../protocol/errors.js';
import { StepFailure, type ActionDefinition, type ActionResult, type ActionRun } from '../model.js';
import { ParamValidationError, prepareParams, resolveOperation } from './aws-api-params.js';
import { isDefiniteSelector, selectMatches } from './select.js';

/** How long aws:waitForAwsResourceProperty waits between two calls (AWS does not say; a simulator of AWS's own, cdk-ssm-documents, uses 2 s). */
export const POLL_INTERVAL_MS = 2_000;

/** The timeout AWS documents for aws:waitForAwsResourceProperty when the step sets no timeoutSeconds. */
export const WAIT_DEFAULT_TIMEOUT_SECONDS = 3_600;

const FAILURE_PREFIX = 'Step fails when it is Execute/Cancelling action.';
const FAILURE_SUFFIX = 'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';

/** The inputs that are the action's own; every other input is a parameter of the API call. */
const CALL_INPUTS = ['Service', 'Api'];
const PROPERTY_INPUTS = ['PropertySelector', 'DesiredValues'];

export function awsApiActions(): Record<string, ActionDefinition> {
  return {
    'aws:executeAwsApi': {
      restart: 'fail',
      validate: (inputs) => validateCall(inputs),
      async run(run) {
        const response = await callApi(run, CALL_INPUTS);
        return { outputs: {}, selectable: response };
      },
    },
    'aws:waitForAwsResourceProperty': {
      // Waiting again after a restart is harmless: the call only reads.
      restart: 'resume',
      validate: (inputs) => validateProperty(inputs),
      async run(run) {
        const property = propertyInputs(run);
        for (;;) {
          const response = await callApi(run, [...CALL_INPUTS, ...PROPERTY_INPUTS]);
          if (matchesDesired(selectProperty(response, property.selector), property.desired)) return done();
          await run.sleep(POLL_INTERVAL_MS);
        }
      },
    },
    'aws:assertAwsResourceProperty': {
      restart: 'resume',
      validate: (inputs) => validateProperty(inputs),
      async run(run) {
        const property = propertyInputs(run);
        const response = await callApi(run, [...CALL_INPUTS, ...PROPERTY_INPUTS]);
        const values = selectProperty(response, property.selector);
        if (matchesDesired(values, property.desired)) return done();
        throw new StepFailure(
          frame(
            `The value of ${property.selector} is ${shown(values)}, which is not one of the desired values ${JSON.stringify(property.desired)}.`,
          ),
          'Verification',
        );
      },
    },
  };
}

function done(): ActionResult {
  return { outputs: {} };
}

/** Calls the step's API and answers its response as boto3 gives it. */
async function callApi(run: ActionRun, ownInputs: string[]): Promise<Record<string, unknown>> {
  const service = run.inputs.Service;
  const api = run.inputs.Api;
  if (typeof service !== 'string' || service.trim() === '') {
    throw new StepFailure('The input Service is required and must be a string.', 'Verification');
  }
  if (typeof api !== 'string' || api.trim() === '') {
    throw new StepFailure('The input Api is required and must be a string.', 'Verification');
  }
  if (service.trim().toLowerCase() !== 'ssm') {
    throw new StepFailure(
      `The service ${service} is not emulated: ssm-local runs aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty against its own API only (Service: ssm).`,
      'Verification',
    );
  }
  const operation = resolveOperation(api);
  if (!operation) {
    throw new StepFailure(
      `${FAILURE_PREFIX} The ssm service has no operation ${api} (give the operation's name, such as GetParameter, or boto3's method name, such as get_parameter). ${FAILURE_SUFFIX}`,
      'Verification',
    );
  }
  const params: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(run.inputs)) {
    if (!ownInputs.includes(name)) params[name] = value;
  }
  let prepared: Record<string, unknown>;
  try {
    prepared = prepareParams(operation, params);
  } catch (error) {
    if (error instanceof ParamValidationError) throw new StepFailure(frame(error.message), 'Verification');
    throw error;
  }
  try {
    const body = await run.services.operations.call(run.ctx, operation, prepared);
    return { ...body, ResponseMetadata: responseMetadata(run, body) };
  } catch (error) {
    if (error instanceof SsmError) {
      throw new StepFailure(
        frame(`An error occurred (${error.code}) when calling the ${operation} operation: ${error.message}`),
        'Action',
        { ErrorCode: [error.code] },
      );
    }
    throw error;
  }
}

/** Automation's frame around a failure's text: its phase before, the troubleshooting pointer after. */
function frame(text: string): string {
  return `${FAILURE_PREFIX} ${text.endsWith('.') ? text : `${text}.`} ${FAILURE_SUFFIX}`;
}

/** What boto3 adds to every response dict. */
function responseMetadata(run: ActionRun, body: Record<string, unknown>): Record<string, unknown> {
  const requestId = run.services.ids.uuid();
  return {
    RequestId: requestId,
    HTTPStatusCode: 200,
    HTTPHeaders: {
      'x-amzn-requestid': requestId,
      'content-type': 'application/x-amz-json-1.1',
      'content-length': String(Buffer.byteLength(JSON.stringify(body))),
      date: new Date(run.now()).toUTCString(),
    },
    RetryAttempts: 0,
  };
}

interface PropertyInputs {
  selector: string;
  desired: string[];
}

function propertyInputs(run: ActionRun): PropertyInputs {
  const problem = propertyProblem(run.inputs, true);
  if (problem) throw new StepFailure(problem, 'Verification');
  return {
    selector: run.inputs.PropertySelector as string,
    desired: (run.inputs.DesiredValues as unknown[]).map((v) => textOf(v)),
  };
}

/**
 * The values PropertySelector picks from the response: one for a definite selector, every match for
 * an indefinite one (`$.InstanceInformationList..PingStatus`).
 */
function selectProperty(response: unknown, selector: string): unknown[] {
  let matches: unknown[];
  try {
    matches = selectMatches(response, selector);
  } catch (error) {
    throw new StepFailure(error instanceof Error ? error.message : String(error), 'Verification');
  }
  return isDefiniteSelector(selector) ? matches.slice(0, 1) : matches;
}

/** Desired when something was selected and every selected value is one of DesiredValues. */
function matchesDesired(values: unknown[], desired: string[]): boolean {
  return values.length > 0 && values.every((value) => desired.includes(textOf(value)));
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function shown(values: unknown[]): string {
  if (values.length === 0) return 'absent from the response';
  return values.length === 1 ? JSON.stringify(values[0]) : JSON.stringify(values);
}

function validateCall(inputs: Record<string, unknown>): void {
  for (const name of CALL_INPUTS) {
    const value = inputs[name];
    if (value === undefined || value === null || value === '') {
      throw new Error(`The input ${name} is required.`);
    }
    if (typeof value !== 'string') throw new Error(`The input ${name} must be a string.`);
  }
}

function validateProperty(inputs: Record<string, unknown>): void {
  validateCall(inputs);
  const problem = propertyProblem(inputs, false);
  if (problem) throw new Error(problem);
}

/**
 * What is wrong with PropertySelector and DesiredValues, if anything. Before variables are resolved
 * a `{{ }}` string may stand for the list.
 */
function propertyProblem(inputs: Record<string, unknown>, resolved: boolean): string | undefined {
  const selector = inputs.PropertySelector;
  if (typeof selector !== 'string' || selector.trim() === '') {
    return 'The input PropertySelector is required and must be a JSONPath string.';
  }
  const desired = inputs.DesiredValues;
  if (!resolved && typeof desired === 'string' && /^\s*\{\{.*\}\}\s*$/.test(desired)) return undefined;
  if (!Array.isArray(desired) || desired.length === 0) {
    return 'The input DesiredValues is required and must be a list of at least one value.';
  }
  if (!desired.every((v) => ['string', 'number', 'boolean'].includes(typeof v))) {
    return 'The input DesiredValues must be a list of strings.';
  }
  return undefined;
}
