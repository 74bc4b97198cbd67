// Child executions: rate control (TargetParameterName with Targets over ParameterValues or the fleet's
// tags, or TargetMaps; MaxConcurrency's ramp and MaxErrors) and aws:executeAutomation (outputs, a
// child's failure, cancelling through the parent). Children sleep on the FakeClock; no Docker.
import { StopAutomationExecutionCommand } from '@aws-sdk/client-ssm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NO_OUTPUT } from '../src/automation/engine/runner.js';
import type { ExecutionRecord } from '../src/automation/state.js';
import { MemoryFleet } from '../src/instances/index.js';
import {
  allRecords,
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
import { eventually } from './commands-helpers.js';

const WEB_ONE = 'i-0000000000000000a';
const WEB_TWO = 'i-0000000000000000b';
const DB = 'i-0000000000000000c';

describe('Automation engine: child executions', () => {
  let s: AutomationServer;
  beforeEach(async () => {
    const fleet = new MemoryFleet([
      { id: WEB_ONE, name: 'web-one', tags: { Role: 'web' } },
      { id: WEB_TWO, name: 'web-two', tags: { Role: 'web' } },
      { id: DB, name: 'db', tags: { Role: 'db' } },
    ]);
    s = await startAutomationServer({ fleet });
    await createRunbook(s.ssm, 'Child', {
      parameters: { Target: { type: 'String' }, Nap: { type: 'String', default: 'PT1M' } },
      mainSteps: [sleepStep('nap', '{{ Nap }}')],
      outputs: ['nap.Anything'],
    });
  });
  afterEach(async () => s.stop());

  const children = (parentId: string): ExecutionRecord[] =>
    allRecords(s.server).filter((e) => e.parentAutomationExecutionId === parentId);
  const running = (parentId: string) => children(parentId).filter((e) => e.status === 'InProgress');
  /** Waits until the parent's started children are all sleeping (their timers armed). */
  const settledChildren = (parentId: string, count: number) =>
    eventually(
      async () => children(parentId),
      (list) =>
        list.length === count &&
        list.every((c) => c.status !== 'InProgress' || c.steps[0]?.checkpoint !== undefined),
      3000,
      2,
    );

  it('runs one child per ParameterValues target, ramping up to MaxConcurrency', async () => {
    const id = await startAutomation(s.ssm, 'Child', {
      TargetParameterName: 'Target',
      Targets: [{ Key: 'ParameterValues', Values: ['a', 'b', 'c', 'd'] }],
      MaxConcurrency: '2',
    });
    const parent = record(s.server, id);
    expect(parent).toMatchObject({
      targetParameterName: 'Target',
      resolvedTargets: { ParameterValues: ['a', 'b', 'c', 'd'], Truncated: false },
      maxConcurrency: '2',
      maxErrors: '0',
    });
    expect(parent.steps.map((x) => [x.stepName, x.action])).toEqual([
      ['a', 'aws:executeAutomation'],
      ['b', 'aws:executeAutomation'],
      ['c', 'aws:executeAutomation'],
      ['d', 'aws:executeAutomation'],
    ]);
    await settledChildren(id, 1);
    expect(running(id)).toHaveLength(1);
    const first = children(id)[0]!;
    expect(first).toMatchObject({
      target: 'a',
      parameters: { Target: ['a'] },
      parentAutomationExecutionId: id,
    });
    await s.clock.advance(60_000);
    await settledChildren(id, 3);
    expect(running(id).map((c) => c.target)).toEqual(['b', 'c']);
    await s.clock.advance(60_000);
    await settledChildren(id, 4);
    expect(running(id).map((c) => c.target)).toEqual(['d']);
    await s.clock.advance(60_000);
    const done = await untilStatus(s.server, id, 'Success');
    expect(done.steps.map((x) => x.status)).toEqual(['Success', 'Success', 'Success', 'Success']);
    expect(done.progressCounters).toEqual({
      TotalSteps: 4,
      SuccessSteps: 4,
      FailedSteps: 0,
      CancelledSteps: 0,
      TimedOutSteps: 0,
    });
  });

  it('resolves tag targets over the managed instances', async () => {
    const id = await startAutomation(s.ssm, 'Child', {
      TargetParameterName: 'Target',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      Parameters: { Nap: ['PT0S'] },
    });
    const done = await untilStatus(s.server, id, 'Success');
    expect(done.resolvedTargets).toEqual({ ParameterValues: [WEB_ONE, WEB_TWO], Truncated: false });
    expect(
      children(id)
        .map((c) => c.parameters)
        .sort((a, b) => String(a['Target']).localeCompare(String(b['Target']))),
    ).toEqual([
      { Nap: ['PT0S'], Target: [WEB_ONE] },
      { Nap: ['PT0S'], Target: [WEB_TWO] },
    ]);
  });

  it('stops starting children once more than MaxErrors have failed', async () => {
    const id = await startAutomation(s.ssm, 'Child', {
      TargetParameterName: 'Target',
      TargetMaps: [
        { Target: ['one'], Nap: ['bad'] },
        { Target: ['two'], Nap: ['PT0S'] },
        { Target: ['three'], Nap: ['bad'] },
        { Target: ['four'], Nap: ['PT0S'] },
      ],
      MaxConcurrency: '1',
      MaxErrors: '1',
    });
    const done = await untilStatus(s.server, id, 'Failed');
    expect(done.steps.map((x) => [x.stepName, x.status])).toEqual([
      ['one', 'Failed'],
      ['two', 'Success'],
      ['three', 'Failed'],
      ['four', 'Pending'],
    ]);
    expect(children(id)).toHaveLength(3);
    expect(done.failureMessage).toBe(
      '2 of the 4 target automations did not succeed; 1 did not run once MaxErrors (1) was exceeded.',
    );
  });

  it('cancelling the parent cancels its running children', async () => {
    const id = await startAutomation(s.ssm, 'Child', {
      TargetParameterName: 'Target',
      Targets: [{ Key: 'ParameterValues', Values: ['a', 'b'] }],
    });
    await settledChildren(id, 1);
    await s.ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id }));
    const done = await untilStatus(s.server, id, 'Cancelled');
    expect(done.steps.map((x) => x.status)).toEqual(['Cancelled', 'Pending']);
    expect(children(id).map((c) => c.status)).toEqual(['Cancelled']);
  });

  describe('aws:executeAutomation', () => {
    beforeEach(async () => {
      await createRunbook(s.ssm, 'Parent', {
        parameters: { Nap: { type: 'String', default: 'PT1M' } },
        mainSteps: [
          {
            name: 'call',
            action: 'aws:executeAutomation',
            inputs: { DocumentName: 'Child', RuntimeParameters: { Target: 'x', Nap: '{{ Nap }}' } },
          },
          {
            name: 'after',
            action: 'aws:pause',
            inputs: { Child: '{{ call.ExecutionId }}', Status: '{{ call.Status }}' },
          },
        ],
      });
    });

    it('starts the child, waits for it, and outputs ExecutionId, Status and Output', async () => {
      const id = await startAutomation(s.ssm, 'Parent');
      const callStarted = await until(s.server, id, (e) => step(e, 'call').checkpoint !== undefined);
      const childId = (step(callStarted, 'call').checkpoint as { executionId: string }).executionId;
      await until(s.server, childId, (e) => e.steps[0]?.checkpoint !== undefined);
      expect(record(s.server, childId)).toMatchObject({
        parentAutomationExecutionId: id,
        parameters: { Target: ['x'], Nap: ['PT1M'] },
      });
      await s.clock.advance(60_000);
      const after = await untilStep(s.server, id, 'after', 'Waiting');
      expect(step(after, 'call').outputValues).toEqual({
        ExecutionId: childId,
        Status: 'Success',
        Output: [NO_OUTPUT],
      });
      expect(step(after, 'after').inputs).toEqual({ Child: JSON.stringify(childId), Status: '"Success"' });
      await signal(s.ssm, id, 'Resume');
      await untilStatus(s.server, id, 'Success');
    });

    it("fails the step, in AWS's words, when the child fails", async () => {
      const id = await startAutomation(s.ssm, 'Parent', { Parameters: { Nap: ['bad'] } });
      const done = await untilStatus(s.server, id, 'Failed');
      const childId = children(id)[0]!.automationExecutionId;
      expect(step(done, 'call').failureMessage).toBe(
        `Step fails when it is Execution complete: verified. Failed to run automation with executionId: ${childId} Failed :\n` +
          `{Status=[Failed], Output=[${NO_OUTPUT}], ExecutionId=[${childId}]}. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.`,
      );
      expect(step(done, 'call').failureDetails).toEqual({
        FailureStage: 'Invocation',
        FailureType: 'Action',
        Details: { ExecutionId: [childId] },
      });
    });

    it('cancelling the parent cancels the child', async () => {
      const id = await startAutomation(s.ssm, 'Parent');
      await until(s.server, id, (e) => step(e, 'call').checkpoint !== undefined);
      await s.ssm.send(new StopAutomationExecutionCommand({ AutomationExecutionId: id }));
      await untilStatus(s.server, id, 'Cancelled');
      const child = children(id)[0]!;
      expect((await untilStatus(s.server, child.automationExecutionId, 'Cancelled')).steps[0]!.status).toBe(
        'Cancelled',
      );
    });
  });

  // Needs selectOutput (src/automation/actions/select.ts): declared outputs with Selector and Type.
  describe('declared step outputs (Selector and Type, through selectOutput)', () => {
    it('records declared outputs beside the action outputs, for later steps to read', async () => {
      await createRunbook(s.ssm, 'Selected', {
        mainSteps: [
          {
            name: 'call',
            action: 'aws:executeAutomation',
            inputs: { DocumentName: 'Child', RuntimeParameters: { Target: 'x', Nap: 'PT0S' } },
            outputs: [
              { Name: 'childStatus', Selector: '$.Status', Type: 'String' },
              { Name: 'missing', Selector: '$.Nothing.Here', Type: 'String' },
            ],
          },
          { name: 'after', action: 'aws:pause', inputs: { Status: '{{ call.childStatus }}' } },
        ],
        outputs: ['call.childStatus'],
      });
      const id = await startAutomation(s.ssm, 'Selected');
      const after = await untilStep(s.server, id, 'after', 'Waiting');
      expect(step(after, 'call').outputs).toMatchObject({ childStatus: ['Success'], Status: ['Success'] });
      expect(step(after, 'call').outputs).not.toHaveProperty('missing');
      expect(step(after, 'after').inputs).toEqual({ Status: '"Success"' });
      await signal(s.ssm, id, 'Resume');
      expect((await untilStatus(s.server, id, 'Success')).outputs).toEqual({
        'call.childStatus': ['Success'],
      });
    });
  });
});
