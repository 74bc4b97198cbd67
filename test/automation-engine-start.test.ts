// StartAutomationExecution's checks and errors, ClientToken idempotency, the running/queued quota,
// and the not-found errors of StopAutomationExecution and SendAutomationSignal.
import {
  PutParameterCommand,
  StopAutomationExecutionCommand,
  type StartAutomationExecutionRequest,
} from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  allRecords,
  createRunbook,
  record,
  signal,
  sleepStep,
  startAutomation,
  startAutomationServer,
  untilStatus,
  type AutomationServer,
} from './automation-helpers.js';
import { eventually } from './commands-helpers.js';
import { errorOf } from './support/server.js';

const MISSING_ID = '00000000-0000-0000-0000-000000000000';

describe('StartAutomationExecution: checks and errors', () => {
  let s: AutomationServer;
  beforeEach(async () => {
    s = await startAutomationServer();
    await createRunbook(s.ssm, 'Checked', {
      parameters: {
        Name: { type: 'String', allowedPattern: '^[a-z]+$', minChars: 2, maxChars: 8 },
        Action: { type: 'String', default: 'Install', allowedValues: ['Install', 'Uninstall'] },
        Count: { type: 'Integer', default: 1 },
        Flag: { type: 'Boolean', default: false },
        Ids: { type: 'StringList', default: ['x'], minItems: 1, maxItems: 2 },
        Settings: { type: 'StringMap', default: {} },
        Instance: { type: 'AWS::EC2::Instance::Id', default: 'i-0123456789abcdef0' },
      },
      mainSteps: [sleepStep('nap', 'PT1H')],
    });
  });
  afterEach(async () => s.stop());

  const start = (extra: Partial<StartAutomationExecutionRequest>, name = 'Checked') =>
    startAutomation(s.ssm, name, extra);
  const refused = async (extra: Partial<StartAutomationExecutionRequest>, name = 'Checked') => {
    const error = await errorOf(() => start(extra, name));
    return { name: error.name, message: error.message };
  };
  const invalid = (message: string | RegExp) => ({
    name: 'InvalidAutomationExecutionParametersException',
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });

  it('refuses runbooks that are missing, not Automation, or of a version that does not exist', async () => {
    expect(await refused({}, 'Nowhere')).toEqual({
      name: 'AutomationDefinitionNotFoundException',
      message: 'Automation document Nowhere does not exist, or is not a document of type Automation.',
    });
    expect(await refused({}, 'AWS-RunShellScript')).toMatchObject({
      name: 'AutomationDefinitionNotFoundException',
    });
    expect(await refused({ DocumentVersion: '7', Parameters: { Name: ['ab'] } })).toEqual({
      name: 'AutomationDefinitionVersionNotFoundException',
      message: 'Version 7 of Automation document Checked does not exist.',
    });
  });

  it('checks parameters against their declarations', async () => {
    expect(await refused({})).toEqual(invalid('Parameter "Name" is required, but no value was supplied.'));
    expect(await refused({ Parameters: { Name: ['ab'], Other: ['x'] } })).toEqual(
      invalid('Parameter "Other" is not defined in the runbook.'),
    );
    expect(await refused({ Parameters: { Name: ['ab'], Action: ['install'] } })).toEqual(
      invalid('Parameter "Action" has value "install" not found in [Install, Uninstall].'),
    );
    expect(await refused({ Parameters: { Name: ['AB'] } })).toEqual(
      invalid('Parameter "Name" has value "AB" not matching "^[a-z]+$".'),
    );
    expect(await refused({ Parameters: { Name: ['a'] } })).toEqual(invalid(/shorter than the minimum of 2/));
    expect(await refused({ Parameters: { Name: ['abcdefghi'] } })).toEqual(
      invalid(/longer than the maximum of 8/),
    );
    expect(await refused({ Parameters: { Name: ['ab', 'cd'] } })).toEqual(invalid(/takes one value, but 2/));
    expect(await refused({ Parameters: { Name: ['ab'], Count: ['x'] } })).toEqual(
      invalid(/not a valid Integer/),
    );
    expect(await refused({ Parameters: { Name: ['ab'], Flag: ['yes'] } })).toEqual(
      invalid(/not a valid Boolean/),
    );
    expect(await refused({ Parameters: { Name: ['ab'], Settings: ['[1]'] } })).toEqual(
      invalid(/not a valid StringMap/),
    );
    expect(await refused({ Parameters: { Name: ['ab'], Ids: [] } })).toEqual(invalid(/requires at least 1/));
    expect(await refused({ Parameters: { Name: ['ab'], Ids: ['a', 'b', 'c'] } })).toEqual(
      invalid(/allows at most 2/),
    );
  });

  it('types the values, applies defaults, and resolves {{ssm:...}} references', async () => {
    await s.ssm.send(new PutParameterCommand({ Name: '/app/name', Value: 'stored', Type: 'String' }));
    const id = await start({
      Parameters: { Name: ['{{ssm:/app/name}}'], Count: ['5'], Flag: ['TRUE'], Settings: ['{"a":"b"}'] },
      Mode: 'Interactive',
      Tags: [{ Key: 'team', Value: 'ops' }],
    });
    const started = record(s.server, id);
    expect(started.parameterValues).toEqual({
      Name: 'stored',
      Action: 'Install',
      Count: 5,
      Flag: true,
      Ids: ['x'],
      Settings: { a: 'b' },
      Instance: 'i-0123456789abcdef0',
    });
    expect(started.parameters).toEqual({
      Name: ['{{ssm:/app/name}}'],
      Count: ['5'],
      Flag: ['TRUE'],
      Settings: ['{"a":"b"}'],
    });
    expect(started).toMatchObject({ mode: 'Interactive', tags: [{ Key: 'team', Value: 'ops' }] });
  });

  it('checks the runbook: variables, step references and action inputs', async () => {
    await createRunbook(s.ssm, 'UnknownVariable', { mainSteps: [sleepStep('a', '{{ Nope }}')] });
    expect(await refused({}, 'UnknownVariable')).toEqual(invalid(/\{\{ Nope \}\}/));
    await createRunbook(s.ssm, 'UnknownStep', { mainSteps: [sleepStep('a', 'PT0S', { nextStep: 'b' })] });
    expect(await refused({}, 'UnknownStep')).toEqual(
      invalid('Step a refers in nextStep to step b, which does not exist.'),
    );
    await createRunbook(s.ssm, 'BadDuration', { mainSteps: [sleepStep('a', 'ten minutes')] });
    expect(await refused({}, 'BadDuration')).toEqual(
      invalid(/^Step a \(aws:sleep\): Duration ten minutes is not a valid/),
    );
    await createRunbook(s.ssm, 'TooFewApprovers', {
      mainSteps: [
        { name: 'a', action: 'aws:approve', inputs: { Approvers: ['x', 'y'], MinRequiredApprovals: 3 } },
      ],
    });
    expect(await refused({}, 'TooFewApprovers')).toEqual(
      invalid("Step a (aws:approve): MinRequiredApprovals can't exceed the number of Approvers."),
    );
    await createRunbook(s.ssm, 'TooLong', { mainSteps: [sleepStep('a', 'P8D')] });
    expect(await refused({}, 'TooLong')).toEqual(invalid(/maximum delay of 604799 seconds/));
  });

  it('refuses what rate control and this emulator cannot do', async () => {
    const params = { Parameters: { Name: ['ab'] } };
    expect(
      await refused({ ...params, TargetLocations: [{ Accounts: ['111122223333'], Regions: ['us-east-1'] }] }),
    ).toEqual(invalid(/TargetLocations is not supported/));
    expect(await refused({ ...params, Targets: [{ Key: 'ParameterValues', Values: ['a'] }] })).toEqual(
      invalid('TargetParameterName is required when Targets are specified.'),
    );
    expect(
      await refused({ TargetParameterName: 'Missing', Targets: [{ Key: 'ParameterValues', Values: ['a'] }] }),
    ).toEqual(invalid('TargetParameterName Missing is not a parameter of runbook Checked.'));
    expect(
      await refused({
        TargetParameterName: 'Name',
        Targets: [{ Key: 'ParameterValues', Values: ['a'] }],
        TargetMaps: [{ Name: ['b'] }],
      }),
    ).toEqual(invalid('Targets and TargetMaps cannot be specified together.'));
    expect(
      await refused({ TargetParameterName: 'Name', Targets: [{ Key: 'ResourceGroup', Values: ['g'] }] }),
    ).toEqual({
      name: 'InvalidTarget',
      message: expect.stringContaining('resource groups') as string,
    });
    expect(
      await refused({ TargetParameterName: 'Name', Targets: [{ Key: 'ParameterValues', Values: ['NO'] }] }),
    ).toEqual(invalid('Parameter "Name" has value "NO" not matching "^[a-z]+$".'));
  });

  it('answers the same execution to a retried ClientToken, and refuses it with other parameters', async () => {
    const token = '0f4d8e3c-1b2a-4c5d-9e8f-7a6b5c4d3e2f';
    const first = await start({ Parameters: { Name: ['ab'] }, ClientToken: token });
    expect(await start({ Parameters: { Name: ['ab'] }, ClientToken: token.toUpperCase() })).toBe(first);
    expect(await refused({ Parameters: { Name: ['cd'] }, ClientToken: token })).toEqual({
      name: 'IdempotentParameterMismatch',
      message: 'The request reused a ClientToken with parameters that differ from the original request.',
    });
    expect(await start({ Parameters: { Name: ['ab'] } })).not.toBe(first);
  });

  it('answers AutomationExecutionNotFoundException and InvalidAutomationStatusUpdateException', async () => {
    const stop = (id: string) =>
      s.ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id }));
    for (const call of [() => stop(MISSING_ID), () => signal(s.ssm, MISSING_ID, 'Approve')]) {
      const error = await errorOf(call);
      expect({ name: error.name, message: error.message }).toEqual({
        name: 'AutomationExecutionNotFoundException',
        message: `Automation execution ${MISSING_ID} does not exist.`,
      });
    }
    await createRunbook(s.ssm, 'Quick', { mainSteps: [sleepStep('a', 'PT0S')] });
    const id = await startAutomation(s.ssm, 'Quick');
    await untilStatus(s.server, id, 'Success');
    const error = await errorOf(() => stop(id));
    expect({ name: error.name, message: error.message }).toEqual({
      name: 'InvalidAutomationStatusUpdateException',
      message: `Automation execution ${id} has already ended with status Success.`,
    });
  });

  it('runs 100 executions at once, queues 1,000 more as Pending, and refuses the next', async () => {
    await createRunbook(s.ssm, 'Held', { mainSteps: [{ name: 'hold', action: 'aws:pause', inputs: {} }] });
    for (let batch = 0; batch < 11; batch++) {
      await Promise.all(Array.from({ length: 100 }, () => startAutomation(s.ssm, 'Held')));
    }
    const error = await errorOf(() => startAutomation(s.ssm, 'Held'));
    expect(error.name).toBe('AutomationExecutionLimitExceededException');
    const byStatus = () => {
      const counts: Record<string, string[]> = {};
      for (const e of allRecords(s.server)) (counts[e.status] ??= []).push(e.automationExecutionId);
      return counts;
    };
    await eventually(
      async () => byStatus(),
      (c) => c['Waiting']?.length === 100,
      5000,
      5,
    );
    const queued = byStatus()['Pending']!;
    expect(queued).toHaveLength(1000);
    await signal(s.ssm, byStatus()['Waiting']![0]!, 'Resume');
    await eventually(
      async () => byStatus(),
      (c) => c['Success']?.length === 1 && c['Waiting']?.length === 100,
      5000,
      5,
    );
    expect(byStatus()['Pending']).toHaveLength(999);
    const last = byStatus()['Pending']![0]!;
    await s.ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: last }));
    expect(record(s.server, last).status).toBe('Cancelled');
  }, 30_000);
});
