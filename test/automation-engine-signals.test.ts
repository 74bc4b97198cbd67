// Signals and stops: aws:approve (Approve, Reject, MinRequiredApprovals), aws:pause and Resume,
// Interactive mode (StartStep), StopStep, StopAutomationExecution Cancel (with onCancel) and Complete,
// and the signal errors.
import { StopAutomationExecutionCommand, type StopType } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT,
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
import { errorOf } from './support/server.js';

const CALLER = `arn:aws:iam::${ACCOUNT}:user/ssm-local`;
const approveStep = (extra: Record<string, unknown> = {}) => ({
  name: 'approve',
  action: 'aws:approve',
  inputs: { Approvers: ['alice', 'bob'], Message: 'Please approve', ...extra },
});

describe('Automation engine: signals and stops', () => {
  let s: AutomationServer;
  beforeEach(async () => {
    s = await startAutomationServer();
  });
  afterEach(async () => s.stop());

  const stop = (id: string, type?: StopType) =>
    s.ssm.send(
      new StopAutomationExecutionCommand({ AutomationExecutionId: id, ...(type ? { Type: type } : {}) }),
    );
  const refusal = async (call: () => Promise<unknown>) => {
    const error = await errorOf(call);
    return { name: error.name, message: error.message };
  };

  it('aws:approve waits (Waiting) for MinRequiredApprovals approvals, then goes on with its outputs', async () => {
    await createRunbook(s.ssm, 'TwoApprovals', {
      mainSteps: [
        approveStep({ MinRequiredApprovals: 2 }),
        { name: 'after', action: 'aws:pause', inputs: { Status: '{{ approve.ApprovalStatus }}' } },
      ],
    });
    const id = await startAutomation(s.ssm, 'TwoApprovals');
    const waiting = await untilStep(s.server, id, 'approve', 'Waiting');
    expect(waiting.status).toBe('Waiting');
    await signal(s.ssm, id, 'Approve', { Comment: ['looks good'] });
    await signal(s.ssm, id, 'Approve');
    const next = await untilStep(s.server, id, 'after', 'Waiting');
    const approve = step(next, 'approve');
    expect(approve.status).toBe('Success');
    expect(approve.outputValues).toEqual({
      ApprovalStatus: 'Approved',
      ApproverDecisions: [
        { Approver: CALLER, Decision: 'Approved', Comment: 'looks good' },
        { Approver: CALLER, Decision: 'Approved' },
      ],
    });
    expect(approve.signals?.map((x) => x.type)).toEqual(['Approve', 'Approve']);
    expect(step(next, 'after').inputs).toEqual({ Status: '"Approved"' });
    await signal(s.ssm, id, 'Resume');
    await untilStatus(s.server, id, 'Success');
  });

  it('a Reject fails the approval step and the execution', async () => {
    await createRunbook(s.ssm, 'Rejected', { mainSteps: [approveStep(), sleepStep('after', 'PT0S')] });
    const id = await startAutomation(s.ssm, 'Rejected');
    await untilStep(s.server, id, 'approve', 'Waiting');
    await signal(s.ssm, id, 'Reject', { Comment: ['not today'] });
    const done = await untilStatus(s.server, id, 'Failed');
    expect(step(done, 'approve').failureMessage).toBe(
      `Step fails when it is Execute/Cancelling action. The approval request was rejected by ${CALLER}: not today. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.`,
    );
    expect(step(done, 'after').status).toBe('Pending');
  });

  it('aws:approve times out after 7 days unless timeoutSeconds says otherwise', async () => {
    await createRunbook(s.ssm, 'Unanswered', { mainSteps: [approveStep()] });
    const id = await startAutomation(s.ssm, 'Unanswered');
    await untilStep(s.server, id, 'approve', 'Waiting');
    await s.clock.advance(604_799_000);
    expect(record(s.server, id).status).toBe('Waiting');
    await s.clock.advance(1_000);
    expect((await untilStatus(s.server, id, 'TimedOut')).steps[0]!.status).toBe('TimedOut');
  });

  it('aws:pause waits for Resume; other signals are refused', async () => {
    await createRunbook(s.ssm, 'Paused', { mainSteps: [{ name: 'pause', action: 'aws:pause', inputs: {} }] });
    const id = await startAutomation(s.ssm, 'Paused');
    await untilStep(s.server, id, 'pause', 'Waiting');
    expect(await refusal(() => signal(s.ssm, id, 'Approve'))).toEqual({
      name: 'InvalidAutomationSignalException',
      message: 'No step of this automation is waiting for a Approve signal.',
    });
    expect(await refusal(() => signal(s.ssm, id, 'StartStep', { StepName: ['pause'] }))).toEqual({
      name: 'InvalidAutomationSignalException',
      message: 'StartStep is accepted in Interactive mode only.',
    });
    await signal(s.ssm, id, 'Resume');
    await untilStatus(s.server, id, 'Success');
    expect((await refusal(() => signal(s.ssm, id, 'Resume'))).name).toBe('InvalidAutomationSignalException');
  });

  it('Interactive mode waits before each step for StartStep, and ends with Complete', async () => {
    await createRunbook(s.ssm, 'StepByStep', {
      mainSteps: [sleepStep('one', 'PT0S'), sleepStep('two', 'PT0S'), sleepStep('three', 'PT0S')],
    });
    const id = await startAutomation(s.ssm, 'StepByStep', { Mode: 'Interactive' });
    const waiting = await untilStatus(s.server, id, 'Waiting');
    expect(waiting.steps.map((x) => x.status)).toEqual(['Pending', 'Pending', 'Pending']);
    expect(await refusal(() => signal(s.ssm, id, 'StartStep', { StepName: ['four'] }))).toEqual({
      name: 'AutomationStepNotFoundException',
      message: `Step four does not exist in automation execution ${id}.`,
    });
    await signal(s.ssm, id, 'StartStep', { StepName: ['one'] });
    let after = await until(
      s.server,
      id,
      (e) => e.status === 'Waiting' && step(e, 'one').status === 'Success',
    );
    expect(step(after, 'one').validNextSteps).toEqual(['two']);
    await signal(s.ssm, id, 'StartStep', { StepName: ['three'] });
    after = await until(s.server, id, (e) => e.status === 'Waiting' && step(e, 'three').status === 'Success');
    expect(after.steps.map((x) => x.status)).toEqual(['Success', 'Pending', 'Success']);
    await stop(id, 'Complete');
    expect((await untilStatus(s.server, id, 'Success')).endTime).toBeDefined();
  });

  it('Cancel stops the running step (Cancelled), runs its onCancel step, and ends Cancelled', async () => {
    await createRunbook(s.ssm, 'Cancelled', {
      mainSteps: [
        sleepStep('long', 'PT1H', { onCancel: 'step:cleanup' }),
        sleepStep('skipped', 'PT0S'),
        sleepStep('cleanup', 'PT0S'),
      ],
    });
    const id = await startAutomation(s.ssm, 'Cancelled');
    await until(s.server, id, (e) => step(e, 'long').checkpoint !== undefined);
    await stop(id);
    const done = await untilStatus(s.server, id, 'Cancelled');
    expect(done.steps.map((x) => [x.stepName, x.status])).toEqual([
      ['long', 'Cancelled'],
      ['skipped', 'Pending'],
      ['cleanup', 'Success'],
    ]);
    expect(done.endTime).toBeDefined();
  });

  it('Complete stops an Auto execution now and ends it Success; StopStep cancels one step only', async () => {
    await createRunbook(s.ssm, 'Completed', {
      mainSteps: [sleepStep('long', 'PT1H'), sleepStep('after', 'PT0S')],
    });
    const completed = await startAutomation(s.ssm, 'Completed');
    await until(s.server, completed, (e) => step(e, 'long').checkpoint !== undefined);
    await stop(completed, 'Complete');
    const done = await untilStatus(s.server, completed, 'Success');
    expect(done.steps.map((x) => x.status)).toEqual(['Cancelled', 'Pending']);

    await createRunbook(s.ssm, 'StepStopped', {
      mainSteps: [sleepStep('long', 'PT1H', { onFailure: 'Continue' }), sleepStep('after', 'PT0S')],
    });
    const id = await startAutomation(s.ssm, 'StepStopped');
    const running = await until(s.server, id, (e) => step(e, 'long').checkpoint !== undefined);
    expect(await refusal(() => signal(s.ssm, id, 'StopStep', { StepExecutionId: ['nope'] }))).toEqual({
      name: 'AutomationStepNotFoundException',
      message: `Step execution nope does not exist in automation execution ${id}.`,
    });
    await signal(s.ssm, id, 'StopStep', { StepExecutionId: [step(running, 'long').stepExecutionId] });
    const stepStopped = await untilStatus(s.server, id, 'Success');
    expect(stepStopped.steps.map((x) => x.status)).toEqual(['Cancelled', 'Success']);
  });
});
