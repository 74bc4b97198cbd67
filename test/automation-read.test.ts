// Automation's read side (GetAutomationExecution, DescribeAutomationExecutions,
// DescribeAutomationStepExecutions, the Automation tag resource) over execution records seeded
// straight into the store, read back through the real SDK. Running runbooks is the engine's and is
// not exercised here.
import {
  DescribeAutomationExecutionsCommand,
  type DescribeAutomationExecutionsCommandInput,
  DescribeAutomationStepExecutionsCommand,
  type DescribeAutomationStepExecutionsCommandInput,
  GetAutomationExecutionCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RequestContext } from '../src/core/capability.js';
import { automationErrors } from '../src/automation/handlers/errors.js';
import { automationTaggable } from '../src/automation/handlers/index.js';
import { automationState, type ExecutionRecord, type StepRecord } from '../src/automation/state.js';
import { serviceModel } from '../src/protocol/model.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

const ACCOUNT = '000000000000';
const OTHER_ACCOUNT = '111122223333';
const T0 = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const MISSING = id(999);

function execution(n: number, overrides: Partial<ExecutionRecord> = {}): ExecutionRecord {
  return {
    automationExecutionId: id(n),
    seq: n,
    documentName: 'Team-Restart',
    documentVersion: '1',
    runbook: {
      name: 'Team-Restart',
      documentVersion: '1',
      schemaVersion: '0.3',
      parameters: {},
      mainSteps: [],
      outputs: [],
    },
    status: 'Success',
    mode: 'Auto',
    executedBy: `arn:aws:iam::${ACCOUNT}:user/ssm-local`,
    startTime: T0 + n * HOUR,
    endTime: T0 + n * HOUR + 60_000,
    parameters: {},
    parameterValues: {},
    steps: [],
    automationType: 'Local',
    tags: [],
    ...overrides,
  };
}

/** A step execution that ran from `start` for a minute. */
function ran(
  n: number,
  name: string,
  action: string,
  start: number,
  extra: Partial<StepRecord> = {},
): StepRecord {
  return {
    stepExecutionId: `10000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    stepName: name,
    action,
    status: 'Success',
    startTime: start,
    endTime: start + 60_000,
    attempt: 1,
    ...extra,
  };
}

describe('automation read API', () => {
  let server: TestServer;
  let ssm: SSMClient;

  beforeAll(async () => {
    server = await startTestServer({ accounts: { AKIDOTHER: OTHER_ACCOUNT } });
    ssm = server.client();
  });
  afterAll(async () => server?.stop());

  const store = () => server.ssm.runtime.services.store;
  const seed = (records: ExecutionRecord[], account = ACCOUNT, region = 'us-east-1') => {
    const { executions } = automationState(store().scope(account, region));
    for (const r of records) executions[r.automationExecutionId] = r;
  };
  beforeEach(async () => store().reset());

  const get = async (executionId: string, client = ssm) =>
    (await client.send(new GetAutomationExecutionCommand({ AutomationExecutionId: executionId })))
      .AutomationExecution!;
  const describeExecutions = (input: DescribeAutomationExecutionsCommandInput = {}) =>
    ssm.send(new DescribeAutomationExecutionsCommand(input));
  const ids = async (input: DescribeAutomationExecutionsCommandInput) =>
    ((await describeExecutions(input)).AutomationExecutionMetadataList ?? []).map(
      (m) => m.AutomationExecutionId,
    );
  const describeSteps = (input: DescribeAutomationStepExecutionsCommandInput) =>
    ssm.send(new DescribeAutomationStepExecutionsCommand(input));
  const stepNames = async (
    input: Omit<DescribeAutomationStepExecutionsCommandInput, 'AutomationExecutionId'>,
  ) =>
    ((await describeSteps({ AutomationExecutionId: id(1), ...input })).StepExecutions ?? []).map(
      (s) => s.StepName,
    );

  describe('GetAutomationExecution', () => {
    /** A runbook whose steps set every static member, none, or some, and one step not yet run. */
    function detailed(): ExecutionRecord {
      const record = execution(1, {
        status: 'Failed',
        parameters: { InstanceId: ['i-0123456789abcdef0'], AutomationAssumeRole: [''] },
        outputs: { 'launch.CommandId': ['c0ffee00-0000-4000-8000-000000000000'] },
        failureMessage: 'Step fails when it is Execution. Boom.',
      });
      record.runbook.mainSteps = [
        {
          name: 'launch',
          action: 'aws:runCommand',
          inputs: { DocumentName: 'AWS-RunShellScript' },
          timeoutSeconds: 300,
          onFailure: 'Abort',
          maxAttempts: 2,
          isEnd: false,
          nextStep: 'boom',
          isCritical: true,
        },
        { name: 'boom', action: 'aws:executeScript', inputs: {} },
        { name: 'never', action: 'aws:sleep', inputs: { Duration: 'PT1M' }, isEnd: true },
      ];
      record.steps = [
        ran(1, 'launch', 'aws:runCommand', T0 + HOUR, {
          inputs: { DocumentName: '"AWS-RunShellScript"', InstanceIds: '["i-0123456789abcdef0"]' },
          outputs: { CommandId: ['c0ffee00-0000-4000-8000-000000000000'], Status: ['Success'] },
          response: 'Command c0ffee00 returned Success',
          responseCode: '0',
        }),
        ran(2, 'boom', 'aws:executeScript', T0 + HOUR + 60_000, {
          status: 'Failed',
          failureMessage: 'Step fails when it is Execution. Boom.',
          failureDetails: {
            FailureStage: 'Invocation',
            FailureType: 'Action',
            Details: { ErrorCode: ['x'] },
          },
          overriddenParameters: { Duration: ['PT2S'] },
        }),
        {
          stepExecutionId: '10000000-0000-4000-8000-000000000003',
          stepName: 'never',
          action: 'aws:sleep',
          status: 'Pending',
          attempt: 0,
        },
      ];
      return record;
    }

    it('answers every member the record has, and AWS defaults for the ones it always shows', async () => {
      seed([detailed()]);
      const { StepExecutions, ...rest } = await get(id(1));
      expect(rest).toStrictEqual({
        AutomationExecutionId: id(1),
        DocumentName: 'Team-Restart',
        DocumentVersion: '1',
        AutomationExecutionStatus: 'Failed',
        ExecutionStartTime: new Date(T0 + HOUR),
        ExecutionEndTime: new Date(T0 + HOUR + 60_000),
        StepExecutionsTruncated: false,
        Parameters: { InstanceId: ['i-0123456789abcdef0'], AutomationAssumeRole: [''] },
        Outputs: { 'launch.CommandId': ['c0ffee00-0000-4000-8000-000000000000'] },
        FailureMessage: 'Step fails when it is Execution. Boom.',
        Mode: 'Auto',
        ExecutedBy: `arn:aws:iam::${ACCOUNT}:user/ssm-local`,
        Targets: [],
        ResolvedTargets: { ParameterValues: [], Truncated: false },
      });
      expect(StepExecutions).toStrictEqual([
        {
          StepName: 'launch',
          Action: 'aws:runCommand',
          TimeoutSeconds: 300,
          OnFailure: 'Abort',
          MaxAttempts: 2,
          ExecutionStartTime: new Date(T0 + HOUR),
          ExecutionEndTime: new Date(T0 + HOUR + 60_000),
          StepStatus: 'Success',
          ResponseCode: '0',
          Inputs: { DocumentName: '"AWS-RunShellScript"', InstanceIds: '["i-0123456789abcdef0"]' },
          Outputs: { CommandId: ['c0ffee00-0000-4000-8000-000000000000'], Status: ['Success'] },
          Response: 'Command c0ffee00 returned Success',
          StepExecutionId: '10000000-0000-4000-8000-000000000001',
          OverriddenParameters: {},
          IsEnd: false,
          NextStep: 'boom',
          IsCritical: true,
          ValidNextSteps: ['boom'],
        },
        {
          // Nothing of its definition is set, so none of TimeoutSeconds, OnFailure, ... shows.
          StepName: 'boom',
          Action: 'aws:executeScript',
          ExecutionStartTime: new Date(T0 + HOUR + 60_000),
          ExecutionEndTime: new Date(T0 + HOUR + 120_000),
          StepStatus: 'Failed',
          FailureMessage: 'Step fails when it is Execution. Boom.',
          FailureDetails: {
            FailureStage: 'Invocation',
            FailureType: 'Action',
            Details: { ErrorCode: ['x'] },
          },
          StepExecutionId: '10000000-0000-4000-8000-000000000002',
          OverriddenParameters: { Duration: ['PT2S'] },
        },
        {
          StepName: 'never',
          Action: 'aws:sleep',
          StepStatus: 'Pending',
          StepExecutionId: '10000000-0000-4000-8000-000000000003',
          IsEnd: true,
        },
      ]);
    });

    it('shows the running step and the rate-control members', async () => {
      seed([
        execution(2, {
          status: 'InProgress',
          endTime: undefined,
          currentStepName: 'i-0123456789abcdef0',
          currentAction: 'aws:executeAutomation',
          parentAutomationExecutionId: id(7),
          targetParameterName: 'InstanceId',
          targets: [{ Key: 'tag:Env', Values: ['dev'] }],
          targetMaps: [{ InstanceId: ['i-0123456789abcdef0'] }],
          resolvedTargets: { ParameterValues: ['i-0123456789abcdef0'], Truncated: false },
          maxConcurrency: '1',
          maxErrors: '1',
          target: 'i-0123456789abcdef0',
          progressCounters: {
            TotalSteps: 1,
            SuccessSteps: 0,
            FailedSteps: 0,
            CancelledSteps: 0,
            TimedOutSteps: 0,
          },
          alarmConfiguration: { IgnorePollAlarmFailure: true, Alarms: [{ Name: 'cpu-high' }] },
          steps: [
            ran(9, 'i-0123456789abcdef0', 'aws:executeAutomation', T0, {
              status: 'InProgress',
              endTime: undefined,
              inputs: { InstanceId: 'i-0123456789abcdef0' },
            }),
          ],
        }),
      ]);
      const found = await get(id(2));
      expect(found).toMatchObject({
        AutomationExecutionStatus: 'InProgress',
        CurrentStepName: 'i-0123456789abcdef0',
        CurrentAction: 'aws:executeAutomation',
        ParentAutomationExecutionId: id(7),
        TargetParameterName: 'InstanceId',
        Targets: [{ Key: 'tag:Env', Values: ['dev'] }],
        TargetMaps: [{ InstanceId: ['i-0123456789abcdef0'] }],
        ResolvedTargets: { ParameterValues: ['i-0123456789abcdef0'], Truncated: false },
        MaxConcurrency: '1',
        MaxErrors: '1',
        Target: 'i-0123456789abcdef0',
        ProgressCounters: {
          TotalSteps: 1,
          SuccessSteps: 0,
          FailedSteps: 0,
          CancelledSteps: 0,
          TimedOutSteps: 0,
        },
        AlarmConfiguration: { IgnorePollAlarmFailure: true, Alarms: [{ Name: 'cpu-high' }] },
      });
      expect(found.ExecutionEndTime).toBeUndefined();
      // A rate-control step is not a step of the runbook: it has no definition to read.
      expect(found.StepExecutions).toStrictEqual([
        {
          StepName: 'i-0123456789abcdef0',
          Action: 'aws:executeAutomation',
          ExecutionStartTime: new Date(T0),
          StepStatus: 'InProgress',
          Inputs: { InstanceId: 'i-0123456789abcdef0' },
          StepExecutionId: '10000000-0000-4000-8000-000000000009',
          OverriddenParameters: {},
        },
      ]);
    });

    it('answers AutomationExecutionNotFoundException for an unknown id', async () => {
      const error = await errorOf(() => get(MISSING));
      expect(error.name).toBe('AutomationExecutionNotFoundException');
      expect(error.message).toBe(`Automation execution ${MISSING} does not exist.`);
      expect(error.$metadata?.httpStatusCode).toBe(400);
    });

    it('leaves an id that is not 36 characters to the model (ValidationException)', async () => {
      const error = await errorOf(() => get('short'));
      expect(error.name).toBe('ValidationException');
    });

    it('does not see executions of another region or account', async () => {
      seed([execution(3)], ACCOUNT, 'eu-west-1');
      seed([execution(4)], OTHER_ACCOUNT, 'us-east-1');
      for (const n of [3, 4]) {
        expect((await errorOf(() => get(id(n)))).name).toBe('AutomationExecutionNotFoundException');
      }
      expect((await describeExecutions()).AutomationExecutionMetadataList).toEqual([]);
      expect((await get(id(3), server.client('eu-west-1'))).AutomationExecutionId).toBe(id(3));
      const other = server.client('us-east-1', 'AKIDOTHER');
      expect((await get(id(4), other)).AutomationExecutionId).toBe(id(4));
      expect((await errorOf(() => get(id(3), other))).name).toBe('AutomationExecutionNotFoundException');
      const steps = await errorOf(() => describeSteps({ AutomationExecutionId: id(3) }));
      expect(steps.name).toBe('AutomationExecutionNotFoundException');
    });
  });

  describe('DescribeAutomationExecutions', () => {
    it('lists AutomationExecutionMetadata as AWS shows it, newest first', async () => {
      seed([
        execution(1, { outputs: { 'run.Output': ['hi'] } }),
        execution(2, {
          documentName: 'Team-Patch',
          status: 'Failed',
          failureMessage: 'Step run failed.',
          parentAutomationExecutionId: id(1),
        }),
      ]);
      const list = (await describeExecutions()).AutomationExecutionMetadataList!;
      expect(list.map((m) => m.AutomationExecutionId)).toEqual([id(2), id(1)]);
      expect(list[1]).toStrictEqual({
        AutomationExecutionId: id(1),
        DocumentName: 'Team-Restart',
        DocumentVersion: '1',
        AutomationExecutionStatus: 'Success',
        ExecutionStartTime: new Date(T0 + HOUR),
        ExecutionEndTime: new Date(T0 + HOUR + 60_000),
        ExecutedBy: `arn:aws:iam::${ACCOUNT}:user/ssm-local`,
        LogFile: '',
        Outputs: { 'run.Output': ['hi'] },
        Mode: 'Auto',
        Targets: [],
        ResolvedTargets: { ParameterValues: [], Truncated: false },
        AutomationType: 'Local',
      });
      expect(list[0]).toMatchObject({
        FailureMessage: 'Step run failed.',
        ParentAutomationExecutionId: id(1),
      });
    });

    describe('filters', () => {
      beforeEach(() =>
        seed([
          execution(1, {
            tags: [{ Key: 'Env', Value: 'prod' }],
            targets: [{ Key: 'ResourceGroup', Values: ['web-group'] }],
            targetParameterName: 'InstanceId',
          }),
          execution(2, { documentName: 'Team-Patch', status: 'Failed', parentAutomationExecutionId: id(1) }),
          execution(3, {
            documentName: 'AWS-RestartEC2Instance',
            status: 'InProgress',
            endTime: undefined,
            currentStepName: 'pause',
            currentAction: 'aws:sleep',
            tags: [{ Key: 'Owner', Value: 'ops' }],
          }),
        ]),
      );

      it.each([
        ['DocumentNamePrefix', ['Team-'], [2, 1]],
        ['DocumentNamePrefix', ['AWS-', 'Team-P'], [3, 2]],
        ['ExecutionStatus', ['Failed'], [2]],
        ['ExecutionStatus', ['Success', 'InProgress'], [3, 1]],
        ['ExecutionId', [id(2)], [2]],
        ['ParentExecutionId', [id(1)], [2]],
        ['CurrentAction', ['aws:sleep'], [3]],
        ['StartTimeBefore', [new Date(T0 + 2 * HOUR).toISOString()], [1]],
        ['StartTimeAfter', [String((T0 + 2 * HOUR) / 1000)], [3]],
        ['AutomationType', ['Local'], [3, 2, 1]],
        ['AutomationType', ['CrossAccount'], []],
        ['TagKey', ['Env', 'Owner'], [3, 1]],
        ['TargetResourceGroup', ['web-group'], [1]],
        ['AutomationSubtype', ['ChangeRequest'], []],
        ['OpsItemId', ['oi-0123456789ab'], []],
      ] as const)('%s %j', async (key, values, expected) => {
        expect(await ids({ Filters: [{ Key: key, Values: [...values] }] })).toEqual(expected.map(id));
      });

      it('needs every filter to match', async () => {
        const filters = [
          { Key: 'DocumentNamePrefix' as const, Values: ['Team-'] },
          { Key: 'ExecutionStatus' as const, Values: ['Success'] },
        ];
        expect(await ids({ Filters: filters })).toEqual([id(1)]);
      });

      it.each([
        ['ExecutionStatus', 'Done', 'one of Pending, InProgress, Waiting, Success, TimedOut, Cancelling,'],
        ['StartTimeBefore', 'yesterday', 'a date and time such as 2030-01-31T13:45:00Z'],
        ['StartTimeAfter', '2030-13-45', 'a date and time'],
        ['AutomationType', 'Remote', 'one of Local, CrossAccount'],
        ['AutomationSubtype', 'Other', 'one of ChangeRequest, AccessRequest'],
      ] as const)('answers InvalidFilterValue for %s %s', async (key, value, expected) => {
        const error = await errorOf(() => describeExecutions({ Filters: [{ Key: key, Values: [value] }] }));
        expect(error.name).toBe('InvalidFilterValue');
        expect(error.message).toContain(
          `The following filter value is not valid: ${value}. The value of filter ${key} must be`,
        );
        expect(error.message).toContain(expected);
      });

      it('leaves a key outside AutomationExecutionFilterKey to the model (ValidationException)', async () => {
        const error = await errorOf(() =>
          describeExecutions({ Filters: [{ Key: 'Nope' as 'ExecutionId', Values: ['x'] }] }),
        );
        expect(error.name).toBe('ValidationException');
      });
    });

    it('pages with MaxResults and NextToken, and refuses a token it did not issue', async () => {
      seed([1, 2, 3, 4, 5].map((n) => execution(n)));
      const first = await describeExecutions({ MaxResults: 2 });
      expect(first.AutomationExecutionMetadataList!.map((m) => m.AutomationExecutionId)).toEqual([
        id(5),
        id(4),
      ]);
      const second = await describeExecutions({ MaxResults: 2, NextToken: first.NextToken });
      expect(second.AutomationExecutionMetadataList!.map((m) => m.AutomationExecutionId)).toEqual([
        id(3),
        id(2),
      ]);
      const third = await describeExecutions({ MaxResults: 2, NextToken: second.NextToken });
      expect(third.AutomationExecutionMetadataList!.map((m) => m.AutomationExecutionId)).toEqual([id(1)]);
      expect(third.NextToken).toBeUndefined();

      const garbage = await errorOf(() => describeExecutions({ NextToken: 'not-a-token' }));
      expect(garbage.name).toBe('InvalidNextToken');
      expect(garbage.message).toBe("The specified token isn't valid.");
      seed([execution(6, { steps: [ran(1, 'a', 'aws:sleep', T0), ran(2, 'b', 'aws:sleep', T0)] })]);
      const stepToken = (await describeSteps({ AutomationExecutionId: id(6), MaxResults: 1 })).NextToken;
      expect((await errorOf(() => describeExecutions({ NextToken: stepToken }))).name).toBe(
        'InvalidNextToken',
      );

      const tooMany = await errorOf(() => describeExecutions({ MaxResults: 51 }));
      expect(tooMany.name).toBe('ValidationException');
    });
  });

  describe('DescribeAutomationStepExecutions', () => {
    beforeEach(() =>
      seed([
        execution(1, {
          steps: [
            ran(1, 'start', 'aws:changeInstanceState', T0),
            ran(2, 'run', 'aws:runCommand', T0 + HOUR, { status: 'Failed' }),
            ran(3, 'check', 'aws:executeScript', T0 + 2 * HOUR),
            ran(4, 'run', 'aws:runCommand', T0 + 3 * HOUR),
            {
              stepExecutionId: '10000000-0000-4000-8000-000000000005',
              stepName: 'stop',
              action: 'aws:changeInstanceState',
              status: 'Pending',
              attempt: 0,
            },
          ],
        }),
        execution(2, { steps: [ran(6, 'only', 'aws:sleep', T0)] }),
      ]),
    );

    it('lists the step executions in the order they ran, or the last first with ReverseOrder', async () => {
      expect(await stepNames({})).toEqual(['start', 'run', 'check', 'run', 'stop']);
      expect(await stepNames({ ReverseOrder: true })).toEqual(['stop', 'run', 'check', 'run', 'start']);
      const [first] = (await describeSteps({ AutomationExecutionId: id(1) })).StepExecutions!;
      expect(first).toStrictEqual({
        StepName: 'start',
        Action: 'aws:changeInstanceState',
        ExecutionStartTime: new Date(T0),
        ExecutionEndTime: new Date(T0 + 60_000),
        StepStatus: 'Success',
        StepExecutionId: '10000000-0000-4000-8000-000000000001',
        OverriddenParameters: {},
      });
    });

    it.each([
      ['StepName', ['run'], ['run', 'run']],
      ['StepName', ['start', 'check'], ['start', 'check']],
      ['Action', ['aws:changeInstanceState'], ['start', 'stop']],
      ['StepExecutionId', ['10000000-0000-4000-8000-000000000003'], ['check']],
      ['StepExecutionStatus', ['Failed', 'Pending'], ['run', 'stop']],
      ['StartTimeBefore', [new Date(T0 + HOUR).toISOString()], ['start']],
      ['StartTimeAfter', [new Date(T0 + HOUR).toISOString()], ['check', 'run']],
      ['ParentStepExecutionId', ['10000000-0000-4000-8000-000000000001'], []],
      ['ParentStepIteration', ['1'], []],
      ['ParentStepIteratorValue', ['a'], []],
    ] as const)('filters by %s %j', async (key, values, expected) => {
      expect(await stepNames({ Filters: [{ Key: key, Values: [...values] }] })).toEqual(expected);
    });

    it('needs every filter to match, and applies ReverseOrder to what matches', async () => {
      const filters = [
        { Key: 'StepName' as const, Values: ['run', 'stop'] },
        { Key: 'StepExecutionStatus' as const, Values: ['Success', 'Pending'] },
      ];
      expect(await stepNames({ Filters: filters })).toEqual(['run', 'stop']);
      expect(await stepNames({ Filters: filters, ReverseOrder: true })).toEqual(['stop', 'run']);
    });

    it.each([
      ['StepExecutionStatus', 'Done'],
      ['StartTimeBefore', 'soon'],
      ['ParentStepIteration', 'first'],
    ] as const)('answers InvalidFilterValue for %s %s', async (key, value) => {
      const error = await errorOf(() =>
        describeSteps({ AutomationExecutionId: id(1), Filters: [{ Key: key, Values: [value] }] }),
      );
      expect(error.name).toBe('InvalidFilterValue');
      expect(error.message).toMatch(
        new RegExp(
          `^The following filter value is not valid: ${value}\\. The value of filter ${key} must be `,
        ),
      );
    });

    it('pages in either order, and refuses a token of another execution or a garbled one', async () => {
      const pageIds = async (reverse: boolean) => {
        const names: string[] = [];
        let token: string | undefined;
        do {
          const page = await describeSteps({
            AutomationExecutionId: id(1),
            MaxResults: 2,
            ReverseOrder: reverse,
            NextToken: token,
          });
          expect(page.StepExecutions!.length).toBeLessThanOrEqual(2);
          names.push(...page.StepExecutions!.map((s) => s.StepExecutionId!.slice(-1)));
          token = page.NextToken;
        } while (token);
        return names;
      };
      expect(await pageIds(false)).toEqual(['1', '2', '3', '4', '5']);
      expect(await pageIds(true)).toEqual(['5', '4', '3', '2', '1']);

      const token = (await describeSteps({ AutomationExecutionId: id(1), MaxResults: 1 })).NextToken;
      const elsewhere = await errorOf(() =>
        describeSteps({ AutomationExecutionId: id(2), NextToken: token }),
      );
      expect(elsewhere.name).toBe('InvalidNextToken');
      const garbled = await errorOf(() => describeSteps({ AutomationExecutionId: id(1), NextToken: 'x' }));
      expect(garbled.name).toBe('InvalidNextToken');
      expect(garbled.message).toBe("The specified token isn't valid.");
    });

    it('answers AutomationExecutionNotFoundException for an unknown execution', async () => {
      const error = await errorOf(() => describeSteps({ AutomationExecutionId: MISSING }));
      expect(error.name).toBe('AutomationExecutionNotFoundException');
      expect(error.message).toBe(`Automation execution ${MISSING} does not exist.`);
    });
  });

  describe('tags (ResourceType Automation)', () => {
    const ctxFor = (account: string, region: string) =>
      ({ scope: store().scope(account, region) }) as unknown as RequestContext;

    it("hands the tagging operations the execution's own tag list", async () => {
      seed([execution(1, { tags: [{ Key: 'Env', Value: 'prod' }] })]);
      const list = automationTaggable.tags(ctxFor(ACCOUNT, 'us-east-1'), id(1));
      expect(list).toEqual([{ Key: 'Env', Value: 'prod' }]);
      list.push({ Key: 'Team', Value: 'ops' });
      expect(await ids({ Filters: [{ Key: 'TagKey', Values: ['Team'] }] })).toEqual([id(1)]);
    });

    it('answers InvalidResourceId for an execution of no such id here', () => {
      seed([execution(1)], ACCOUNT, 'eu-west-1');
      for (const resourceId of [MISSING, id(1), 'constructor']) {
        expect(() => automationTaggable.tags(ctxFor(ACCOUNT, 'us-east-1'), resourceId)).toThrow(
          expect.objectContaining({ code: 'InvalidResourceId' }),
        );
      }
    });
  });

  it('names only error shapes of the model, each an error of the operations that throw it', () => {
    const { shapes, operations } = serviceModel();
    const made = [
      automationErrors.executionNotFound(MISSING),
      automationErrors.definitionNotFound('Team-Restart'),
      automationErrors.definitionVersionNotFound('Team-Restart', '7'),
      automationErrors.invalidParameters('Parameter "InstanceId" is required.'),
      automationErrors.parameterValueNotAllowed('Action', 'install', ['Install', 'Uninstall']),
      automationErrors.invalidSignal('The step is not waiting for a signal.'),
      automationErrors.signalNotAccepted('Approve', MISSING),
      automationErrors.invalidStatusUpdate('The execution has ended.'),
      automationErrors.alreadyEnded(MISSING, 'Success'),
      automationErrors.stepNotFound('launch', MISSING),
      automationErrors.executionLimitExceeded(100),
      automationErrors.idempotentParameterMismatch(),
      automationErrors.invalidFilterKey(),
      automationErrors.invalidFilterValue('ExecutionStatus', 'Done', 'a status'),
    ];
    for (const error of made) {
      expect(shapes[error.code]?.exception, error.code).toBe(true);
      expect(error.status).toBe(400);
    }
    expect(
      automationErrors.parameterValueNotAllowed('Action', 'install', ['Install', 'Uninstall']).message,
    ).toBe('Parameter "Action" has value "install" not found in [Install, Uninstall].');
    const errorsOf = (operation: string) => (operations[operation]?.errors ?? []).map((e) => e.shape);
    expect(errorsOf('GetAutomationExecution')).toContain('AutomationExecutionNotFoundException');
    expect(errorsOf('DescribeAutomationStepExecutions')).toEqual(
      expect.arrayContaining([
        'AutomationExecutionNotFoundException',
        'InvalidFilterValue',
        'InvalidNextToken',
      ]),
    );
    expect(errorsOf('DescribeAutomationExecutions')).toEqual(
      expect.arrayContaining(['InvalidFilterKey', 'InvalidFilterValue', 'InvalidNextToken']),
    );
  });
});
