// The Automation engine's step loop on a frozen FakeClock: steps listed Pending up front and run in
// order, nextStep and isEnd, onFailure (Abort, Continue, step:<name>) with isCritical, maxAttempts,
// timeoutSeconds, variables in inputs, and execution outputs. Steps are aws:sleep and aws:pause, so no
// Docker is needed; a failing step is an aws:sleep whose Duration (from a parameter) is not valid.
import { GetAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_OUTPUT } from '../src/automation/engine/runner.js';
import {
  ACCOUNT,
  START,
  createRunbook,
  record,
  signal,
  sleepStep,
  startAutomation,
  startAutomationServer,
  step,
  until,
  untilStatus,
  untilStep,
  type AutomationServer,
} from './automation-helpers.js';

const GUIDE = 'Please refer to Automation Service Troubleshooting Guide for more diagnosis details.';
const BAD = { Bad: { type: 'String', default: 'soon' } };
const failing = (name: string, extra: Record<string, unknown> = {}) => sleepStep(name, '{{ Bad }}', extra);

describe('Automation engine: the step loop', () => {
  let s: AutomationServer;
  beforeEach(async () => {
    s = await startAutomationServer();
  });
  afterEach(async () => s.stop());

  const sleeping = (id: string, name: string) =>
    until(s.server, id, (e) => e.steps.some((x) => x.stepName === name && x.checkpoint !== undefined));

  it('lists every step Pending up front, runs them in order on the clock, and records each', async () => {
    await createRunbook(s.ssm, 'Ordered', {
      parameters: { Wait: { type: 'String', default: 'PT1M' } },
      mainSteps: [sleepStep('first', '{{ Wait }}'), sleepStep('second', 'PT0S')],
    });
    const id = await startAutomation(s.ssm, 'Ordered');
    const running = await sleeping(id, 'first');
    expect(running).toMatchObject({
      status: 'InProgress',
      mode: 'Auto',
      currentStepName: 'first',
      currentAction: 'aws:sleep',
      documentName: 'Ordered',
      documentVersion: '1',
      executedBy: `arn:aws:iam::${ACCOUNT}:user/ssm-local`,
      startTime: START,
      parameters: {},
      parameterValues: { Wait: 'PT1M' },
    });
    expect(step(running, 'first')).toMatchObject({ status: 'InProgress', startTime: START });
    const pending = step(running, 'second');
    expect(pending.status).toBe('Pending');
    expect(pending.startTime).toBeUndefined();

    await s.clock.advance(59_000);
    expect(record(s.server, id).status).toBe('InProgress');
    await s.clock.advance(1_000);
    const done = await untilStatus(s.server, id, 'Success');
    expect(done.steps.map((x) => [x.stepName, x.status])).toEqual([
      ['first', 'Success'],
      ['second', 'Success'],
    ]);
    expect(step(done, 'first')).toMatchObject({
      inputs: { Duration: '"PT1M"' },
      endTime: START + 60_000,
      validNextSteps: ['second'],
    });
    expect(done.endTime).toBe(START + 60_000);
    expect(done.currentStepName).toBeUndefined();

    // As a client reads it (the read side renders the engine's record).
    const { AutomationExecution: read } = await s.ssm.send(
      new GetAutomationExecutionCommand({ AutomationExecutionId: id }),
    );
    expect(read).toMatchObject({
      AutomationExecutionStatus: 'Success',
      ExecutionStartTime: new Date(START),
      ExecutionEndTime: new Date(START + 60_000),
      ExecutedBy: `arn:aws:iam::${ACCOUNT}:user/ssm-local`,
    });
    expect(read?.StepExecutions?.map((x) => [x.StepName, x.StepStatus, x.Inputs])).toEqual([
      ['first', 'Success', { Duration: '"PT1M"' }],
      ['second', 'Success', { Duration: '"PT0S"' }],
    ]);
  });

  it('aws:sleep with a Timestamp wakes at that time, at once when it has passed', async () => {
    await createRunbook(s.ssm, 'Until', {
      mainSteps: [
        { name: 'past', action: 'aws:sleep', inputs: { Timestamp: '2020-01-01T01:00:00Z' } },
        { name: 'later', action: 'aws:sleep', inputs: { Timestamp: '2030-01-01T00:05:00Z' } },
      ],
    });
    const id = await startAutomation(s.ssm, 'Until');
    const sleepingLater = await sleeping(id, 'later');
    expect(step(sleepingLater, 'past').status).toBe('Success');
    await s.clock.advance(5 * 60_000);
    expect(step(await untilStatus(s.server, id, 'Success'), 'later').endTime).toBe(START + 5 * 60_000);
  });

  it('follows nextStep and stops at isEnd, leaving the steps it skipped Pending', async () => {
    await createRunbook(s.ssm, 'Jumps', {
      mainSteps: [
        sleepStep('a', 'PT0S', { nextStep: 'c' }),
        sleepStep('b', 'PT0S'),
        sleepStep('c', 'PT0S', { isEnd: true }),
        sleepStep('d', 'PT0S'),
      ],
    });
    const done = await untilStatus(s.server, await startAutomation(s.ssm, 'Jumps'), 'Success');
    expect(done.steps.map((x) => [x.stepName, x.status])).toEqual([
      ['a', 'Success'],
      ['b', 'Pending'],
      ['c', 'Success'],
      ['d', 'Pending'],
    ]);
    expect(step(done, 'a').validNextSteps).toEqual(['c']);
  });

  describe('onFailure and isCritical', () => {
    const run = async (name: string, failed: Record<string, unknown>) => {
      await createRunbook(s.ssm, name, {
        parameters: BAD,
        mainSteps: [failing('broken', failed), sleepStep('next', 'PT0S'), sleepStep('rescue', 'PT0S')],
      });
      return untilStatus(s.server, await startAutomation(s.ssm, name), 'Success', 'Failed', 'TimedOut');
    };

    it('Abort (the default) ends the execution Failed with the step failure, in AWS words', async () => {
      const done = await run('Aborts', {});
      expect(done.steps.map((x) => x.status)).toEqual(['Failed', 'Pending', 'Pending']);
      const broken = step(done, 'broken');
      expect(broken.failureMessage).toBe(
        `Step fails when it is Execute/Cancelling action. Duration soon is not a valid ISO 8601 duration (for example PT10M). ${GUIDE}`,
      );
      expect(broken.failureDetails).toEqual({ FailureStage: 'InputValidation', FailureType: 'Verification' });
      expect(done.status).toBe('Failed');
      expect(done.failureMessage).toBe(broken.failureMessage);
    });

    it('Continue goes on to the next step; the step is then not critical unless it says so', async () => {
      const done = await run('Continues', { onFailure: 'Continue' });
      expect(done.steps.map((x) => x.status)).toEqual(['Failed', 'Success', 'Success']);
      expect(done.status).toBe('Success');
      expect(done.failureMessage).toBeUndefined();

      const critical = await run('ContinuesCritical', { onFailure: 'Continue', isCritical: true });
      expect(critical.steps.map((x) => x.status)).toEqual(['Failed', 'Success', 'Success']);
      expect(critical.status).toBe('Failed');
    });

    it('step:<name> jumps there; a critical step still fails the execution, isCritical false does not', async () => {
      const jumped = await run('Jumps', { onFailure: 'step:rescue' });
      expect(jumped.steps.map((x) => x.status)).toEqual(['Failed', 'Pending', 'Success']);
      expect(step(jumped, 'broken').validNextSteps).toEqual(['rescue']);
      expect(jumped.status).toBe('Failed');

      const tolerated = await run('Tolerates', { onFailure: 'step:rescue', isCritical: false });
      expect(tolerated.steps.map((x) => x.status)).toEqual(['Failed', 'Pending', 'Success']);
      expect(tolerated.status).toBe('Success');
    });
  });

  it('retries a failing step maxAttempts times before it fails', async () => {
    await createRunbook(s.ssm, 'Retries', {
      parameters: BAD,
      mainSteps: [failing('broken', { maxAttempts: 3 })],
    });
    const done = await untilStatus(s.server, await startAutomation(s.ssm, 'Retries'), 'Failed');
    expect(step(done, 'broken')).toMatchObject({ status: 'Failed', attempt: 3 });
  });

  it('times a step out after timeoutSeconds; a retry gets a fresh timeout and can succeed', async () => {
    await createRunbook(s.ssm, 'Slow', {
      mainSteps: [
        { name: 'wait', action: 'aws:pause', inputs: {}, timeoutSeconds: 10, maxAttempts: 2 },
        sleepStep('nap', 'PT1H', { timeoutSeconds: 60 }),
        sleepStep('never', 'PT0S'),
      ],
    });
    const id = await startAutomation(s.ssm, 'Slow');
    await untilStep(s.server, id, 'wait', 'Waiting');
    await s.clock.advance(10_000);
    const retried = await until(
      s.server,
      id,
      (e) => step(e, 'wait').attempt === 2 && step(e, 'wait').status === 'Waiting',
    );
    expect(retried.status).toBe('Waiting');
    await signal(s.ssm, id, 'Resume');
    await sleeping(id, 'nap');
    await s.clock.advance(59_000);
    expect(step(record(s.server, id), 'nap').status).toBe('InProgress');
    await s.clock.advance(1_000);
    const done = await untilStatus(s.server, id, 'TimedOut');
    expect(step(done, 'wait')).toMatchObject({ status: 'Success', attempt: 2 });
    const nap = step(done, 'nap');
    expect(nap.status).toBe('TimedOut');
    expect(nap.failureMessage).toBe(
      `Step timed out while step is Execute/Cancelling action. The step's timeoutSeconds (60) passed. ${GUIDE}`,
    );
    expect(step(done, 'never').status).toBe('Pending');
    expect(done.failureMessage).toBe(nap.failureMessage);
  });

  it('resolves variables: whole values keep their type, inside text they are written as text', async () => {
    await createRunbook(s.ssm, 'Variables', {
      parameters: {
        Names: { type: 'StringList', default: ['a', 'b'] },
        Count: { type: 'Integer', default: 3 },
        Flag: { type: 'Boolean' },
        Settings: { type: 'StringMap', default: { k: 'v' } },
      },
      mainSteps: [
        {
          name: 'show',
          action: 'aws:pause',
          inputs: {
            List: '{{ Names }}',
            Number: '{{Count}}',
            Flag: '{{ Flag }}',
            Map: '{{ Settings }}',
            Text: 'n={{ Names }} c={{ Count }} m={{ Settings }}',
            Nested: ['{{ Count }}', { inner: '{{ Flag }}' }],
            Id: '{{ automation:EXECUTION_ID }}',
            Where:
              '{{ global:ACCOUNT_ID }}/{{ global:REGION }}/{{ global:AWS_PARTITION }}/{{ global:AWS_URL_SUFFIX }}',
            When: '{{ global:DATE }} {{ global:DATE_TIME }}',
          },
        },
      ],
    });
    const id = await startAutomation(s.ssm, 'Variables', { Parameters: { Flag: ['true'], Count: ['7'] } });
    const waiting = await untilStep(s.server, id, 'show', 'Waiting');
    expect(waiting.parameters).toEqual({ Flag: ['true'], Count: ['7'] });
    expect(step(waiting, 'show').inputs).toEqual({
      List: '["a","b"]',
      Number: '7',
      Flag: 'true',
      Map: '{"k":"v"}',
      Text: JSON.stringify('n=["a","b"] c=7 m={"k":"v"}'),
      Nested: '[7,{"inner":true}]',
      Id: JSON.stringify(id),
      Where: JSON.stringify(`${ACCOUNT}/us-east-1/aws/amazonaws.com`),
      When: JSON.stringify('2030-01-01 2030-01-01_00.00.00'),
    });
    await signal(s.ssm, id, 'Resume');
    await untilStatus(s.server, id, 'Success');
  });

  it("shows the runbook's outputs, and AWS's text for a step that did not succeed", async () => {
    await createRunbook(s.ssm, 'Outputs', {
      mainSteps: [
        { name: 'approve', action: 'aws:approve', inputs: { Approvers: ['someone'] }, isEnd: true },
        sleepStep('skipped', 'PT0S'),
      ],
      outputs: ['approve.ApprovalStatus', 'skipped.Anything'],
    });
    const id = await startAutomation(s.ssm, 'Outputs');
    const waiting = await untilStep(s.server, id, 'approve', 'Waiting');
    expect(waiting.outputs).toEqual({
      'approve.ApprovalStatus': [NO_OUTPUT],
      'skipped.Anything': [NO_OUTPUT],
    });
    await signal(s.ssm, id, 'Approve');
    const done = await untilStatus(s.server, id, 'Success');
    expect(done.outputs).toEqual({ 'approve.ApprovalStatus': ['Approved'], 'skipped.Anything': [NO_OUTPUT] });
    expect(step(done, 'approve').outputs).toMatchObject({ ApprovalStatus: ['Approved'] });
  });
});
