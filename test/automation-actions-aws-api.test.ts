// aws:executeAwsApi, aws:waitForAwsResourceProperty and aws:assertAwsResourceProperty (aws-api.ts)
// run by hand against a real server: the calls go through services.operations (model validation,
// the handlers, the wire JSON), and what they did is checked with the SDK.
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POLL_INTERVAL_MS, awsApiActions } from '../src/automation/actions/aws-api.js';
import { selectOutput } from '../src/automation/actions/select.js';
import {
  StepFailure,
  type ActionDefinition,
  type ActionResult,
  type ActionRun,
} from '../src/automation/model.js';
import type { Services } from '../src/core/capability.js';
import { backgroundContext } from '../src/core/context.js';
import { FakeClock } from '../src/index.js';
import { startTestServer, type TestServer } from './support/server.js';

const actions = awsApiActions();
const executeAwsApi = actions['aws:executeAwsApi'] as ActionDefinition;
const waitForProperty = actions['aws:waitForAwsResourceProperty'] as ActionDefinition;
const assertProperty = actions['aws:assertAwsResourceProperty'] as ActionDefinition;

const PREFIX = 'Step fails when it is Execute/Cancelling action.';
const SUFFIX = 'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';

let server: TestServer;
let services: Services;
let client: SSMClient;
let clock: FakeClock;

beforeAll(async () => {
  clock = new FakeClock(Date.now());
  server = await startTestServer({ clock });
  services = server.ssm.runtime.services;
  client = server.client();
});

afterAll(async () => {
  await server.stop();
});

/** One attempt of a step, as the engine would build it; sleep waits on the emulator's scheduler. */
function stepRun(
  inputs: Record<string, unknown>,
  signal = new AbortController().signal,
): ActionRun & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    ctx: backgroundContext(
      services,
      services.config.defaultAccountId,
      'us-east-1',
      'StartAutomationExecution',
    ),
    services,
    executionId: 'exec-1',
    stepName: 'step',
    stepExecutionId: 'step-1',
    action: 'aws:executeAwsApi',
    attempt: 1,
    inputs,
    signal,
    sleeps,
    saveCheckpoint: () => Promise.resolve(),
    now: () => services.clock.now().getTime(),
    sleep(ms) {
      sleeps.push(ms);
      return new Promise<void>((resolve, reject) => {
        if (signal.aborted) return reject(signal.reason as Error);
        const timer = services.scheduler.after(ms, () => resolve());
        signal.addEventListener('abort', () => {
          services.scheduler.cancel(timer);
          reject(signal.reason as Error);
        });
      });
    },
    waitForSignal: () => Promise.reject(new Error('not used')),
  };
}

async function failureOf(action: ActionDefinition, inputs: Record<string, unknown>): Promise<StepFailure> {
  const outcome = await action.run(stepRun(inputs)).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof StepFailure)) throw new Error(`expected a StepFailure, got ${String(outcome)}`);
  return outcome;
}

/** Lets the action's pending promises run (it is between two awaits otherwise). */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!condition()) throw new Error('timed out waiting for the action');
}

describe('aws:executeAwsApi', () => {
  it('calls the ssm API: PutParameter writes, GetParameter answers what the Selector reads', async () => {
    const put = await executeAwsApi.run(
      stepRun({
        Service: 'ssm',
        Api: 'PutParameter',
        Name: '/auto/greeting',
        Value: 'hello',
        Type: 'String',
      }),
    );
    expect(put.outputs).toEqual({});
    expect(selectOutput(put.selectable, '$.Version', 'Integer')).toBe(1);

    const seen = await client.send(new GetParameterCommand({ Name: '/auto/greeting' }));
    expect(seen.Parameter?.Value).toBe('hello');

    const get: ActionResult = await executeAwsApi.run(
      stepRun({ Service: 'ssm', Api: 'GetParameter', Name: '/auto/greeting' }),
    );
    expect(get.outputs).toEqual({});
    expect(selectOutput(get.selectable, '$.Parameter.Value')).toBe('hello');
    expect(selectOutput(get.selectable, '$.Parameter.Version')).toBe('1');
    expect(selectOutput(get.selectable, '$.ResponseMetadata.HTTPStatusCode', 'Integer')).toBe(200);
  });

  it("takes boto3's method name and any case of Service", async () => {
    const get = await executeAwsApi.run(
      stepRun({ Service: 'SSM', Api: 'get_parameter', Name: '/auto/greeting' }),
    );
    expect(selectOutput(get.selectable, '$.Parameter.Name')).toBe('/auto/greeting');
  });

  it("fails the step with boto3's text in Automation's frame when the API answers an error", async () => {
    const failure = await failureOf(executeAwsApi, {
      Service: 'ssm',
      Api: 'GetParameter',
      Name: '/auto/none',
    });
    expect(failure.message).toBe(
      `${PREFIX} An error occurred (ParameterNotFound) when calling the GetParameter operation: . ${SUFFIX}`,
    );
    expect(failure.failureType).toBe('Action');
    expect(failure.details).toEqual({ ErrorCode: ['ParameterNotFound'] });
  });

  it("reports the service's validation error for a value the model refuses", async () => {
    const failure = await failureOf(executeAwsApi, {
      Service: 'ssm',
      Api: 'PutParameter',
      Name: '/auto/bad',
      Value: 'x',
      Type: 'Bogus',
    });
    expect(failure.message).toMatch(
      /^Step fails when it is Execute\/Cancelling action\. An error occurred \(ValidationException\) when calling the PutParameter operation: 1 validation error detected: Value 'Bogus' at 'type' failed to satisfy constraint: Member must satisfy enum value set: \[.*\]\. Please refer to/,
    );
  });

  it('checks parameters as botocore does before calling: missing, unknown, wrong type', async () => {
    const failure = await failureOf(executeAwsApi, {
      Service: 'ssm',
      Api: 'GetParameter',
      Nmae: '/auto/greeting',
      WithDecryption: 'yes',
    });
    expect(failure.message).toBe(
      `${PREFIX} Parameter validation failed:\n` +
        'Missing required parameter in input: "Name"\n' +
        'Unknown parameter in input: "Nmae", must be one of: Name, WithDecryption\n' +
        "Invalid type for parameter WithDecryption, value: yes, type: <class 'str'>, valid types: <class 'bool'>. " +
        SUFFIX,
    );
    expect(failure.failureType).toBe('Verification');

    const nested = await failureOf(executeAwsApi, {
      Service: 'ssm',
      Api: 'AddTagsToResource',
      ResourceType: 'Parameter',
      ResourceId: '/auto/greeting',
      Tags: [{ Key: 'team' }],
    });
    expect(nested.message).toContain('Missing required parameter in Tags[0]: "Value"');
  });

  it('refuses any service but ssm', async () => {
    const failure = await failureOf(executeAwsApi, { Service: 'ec2', Api: 'DescribeInstances' });
    expect(failure.failureType).toBe('Verification');
    expect(failure.message).toMatch(/^The service ec2 is not emulated: ssm-local runs aws:executeAwsApi/);
  });

  it('refuses an Api the ssm model does not have', async () => {
    const failure = await failureOf(executeAwsApi, { Service: 'ssm', Api: 'GetParameterz' });
    expect(failure.message).toContain('The ssm service has no operation GetParameterz');
  });

  it('checks Service and Api when the runbook is started', () => {
    expect(() => executeAwsApi.validate?.({ Api: 'GetParameter' })).toThrow('The input Service is required.');
    expect(() => executeAwsApi.validate?.({ Service: 'ssm' })).toThrow('The input Api is required.');
    expect(() => executeAwsApi.validate?.({ Service: 'ssm', Api: 3 })).toThrow(
      'The input Api must be a string.',
    );
    expect(() =>
      executeAwsApi.validate?.({ Service: '{{ svc }}', Api: 'GetParameter', Name: 'x' }),
    ).not.toThrow();
  });
});

describe('aws:waitForAwsResourceProperty', () => {
  it('polls until the property takes one of DesiredValues', async () => {
    await client.send(new PutParameterCommand({ Name: '/auto/state', Value: 'pending', Type: 'String' }));
    const run = stepRun({
      Service: 'ssm',
      Api: 'GetParameter',
      Name: '/auto/state',
      PropertySelector: '$.Parameter.Value',
      DesiredValues: ['ready', 'done'],
    });
    let finished = false;
    const result = waitForProperty.run(run).finally(() => (finished = true));

    await until(() => run.sleeps.length === 1);
    await clock.advance(POLL_INTERVAL_MS);
    await until(() => run.sleeps.length === 2);
    expect(finished).toBe(false);

    await client.send(
      new PutParameterCommand({ Name: '/auto/state', Value: 'done', Type: 'String', Overwrite: true }),
    );
    await clock.advance(POLL_INTERVAL_MS);
    expect(await result).toEqual({ outputs: {} });
    expect(run.sleeps).toEqual([POLL_INTERVAL_MS, POLL_INTERVAL_MS]);
  });

  it('stops when its signal aborts (the step timed out or was cancelled)', async () => {
    const controller = new AbortController();
    const run = stepRun(
      {
        Service: 'ssm',
        Api: 'GetParameter',
        Name: '/auto/state',
        PropertySelector: '$.Parameter.Value',
        DesiredValues: ['never'],
      },
      controller.signal,
    );
    const outcome = waitForProperty.run(run).catch((e: unknown) => e);
    await until(() => run.sleeps.length === 1);
    controller.abort(new Error('timeout'));
    expect(await outcome).toEqual(new Error('timeout'));
  });

  it('fails at once when the API answers an error', async () => {
    const failure = await failureOf(waitForProperty, {
      Service: 'ssm',
      Api: 'GetParameter',
      Name: '/auto/missing',
      PropertySelector: '$.Parameter.Value',
      DesiredValues: ['x'],
    });
    expect(failure.message).toContain('An error occurred (ParameterNotFound)');
  });

  it('checks PropertySelector and DesiredValues', () => {
    const base = { Service: 'ssm', Api: 'GetParameter', Name: 'x' };
    expect(() => waitForProperty.validate?.({ ...base, DesiredValues: ['a'] })).toThrow(
      'The input PropertySelector is required and must be a JSONPath string.',
    );
    expect(() => waitForProperty.validate?.({ ...base, PropertySelector: '$.a' })).toThrow(
      'The input DesiredValues is required and must be a list of at least one value.',
    );
    expect(() =>
      waitForProperty.validate?.({ ...base, PropertySelector: '$.a', DesiredValues: '{{ wanted }}' }),
    ).not.toThrow();
  });
});

describe('aws:assertAwsResourceProperty', () => {
  it('passes when the property is one of DesiredValues', async () => {
    await client.send(new PutParameterCommand({ Name: '/auto/assert', Value: 'Online', Type: 'String' }));
    const result = await assertProperty.run(
      stepRun({
        Service: 'ssm',
        Api: 'GetParameter',
        Name: '/auto/assert',
        PropertySelector: '$.Parameter.Value',
        DesiredValues: ['Online'],
      }),
    );
    expect(result).toEqual({ outputs: {} });
    // A number is compared by its text.
    await assertProperty.run(
      stepRun({
        Service: 'ssm',
        Api: 'GetParameter',
        Name: '/auto/assert',
        PropertySelector: '$.Parameter.Version',
        DesiredValues: ['1'],
      }),
    );
  });

  it('fails when it is not, or when the selector finds nothing', async () => {
    const failure = await failureOf(assertProperty, {
      Service: 'ssm',
      Api: 'GetParameter',
      Name: '/auto/assert',
      PropertySelector: '$.Parameter.Value',
      DesiredValues: ['Offline', 'Stopped'],
    });
    expect(failure.message).toBe(
      `${PREFIX} The value of $.Parameter.Value is "Online", which is not one of the desired values ["Offline","Stopped"]. ${SUFFIX}`,
    );
    expect(failure.failureType).toBe('Verification');

    const absent = await failureOf(assertProperty, {
      Service: 'ssm',
      Api: 'GetParameter',
      Name: '/auto/assert',
      PropertySelector: '$.Parameter.Nothing',
      DesiredValues: ['x'],
    });
    expect(absent.message).toContain('The value of $.Parameter.Nothing is absent from the response');
  });

  it('needs every value an indefinite selector matches to be desired', async () => {
    for (const [name, value] of [
      ['/fleet/a', 'Online'],
      ['/fleet/b', 'Online'],
    ]) {
      await client.send(new PutParameterCommand({ Name: name, Value: value, Type: 'String' }));
    }
    const inputs = {
      Service: 'ssm',
      Api: 'GetParametersByPath',
      Path: '/fleet',
      PropertySelector: '$.Parameters[*].Value',
      DesiredValues: ['Online'],
    };
    await expect(assertProperty.run(stepRun(inputs))).resolves.toEqual({ outputs: {} });
    await client.send(new PutParameterCommand({ Name: '/fleet/c', Value: 'ConnectionLost', Type: 'String' }));
    const failure = await failureOf(assertProperty, inputs);
    expect(failure.message).toContain('is ["Online","Online","ConnectionLost"], which is not one of');
  });
});
