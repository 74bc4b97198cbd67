// Executions across an emulator restart (a data file in a temporary folder, a second server on it):
// a sleep keeps its deadline, an approval and a pause still wait (approvals counted so far kept), a
// step timeout keeps its deadline, Interactive mode still waits for StartStep, rate control goes on,
// and a step whose action cannot resume fails with ssm-local's message while onFailure applies.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { automationState, executionChanged } from '../src/automation/state.js';
import { FakeClock } from '../src/core/fake-clock.js';
import {
  ACCOUNT,
  REGION,
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

const MINUTE = 60_000;

describe('Automation engine: restart recovery', () => {
  let folder: string;
  let dataPath: string;
  let s: AutomationServer | undefined;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'ssm-local-automation-'));
    dataPath = join(folder, 'ssm-local.json');
  });
  afterEach(async () => {
    await s?.stop();
    s = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  /** Stops the server and starts another on the same data file, its clock `elapsed` ms later. */
  const restart = async (current: AutomationServer, elapsed: number): Promise<AutomationServer> => {
    const now = current.clock.now().getTime();
    await current.stop();
    s = await startAutomationServer({ dataPath }, new FakeClock(now + elapsed));
    return s;
  };

  it('keeps a sleeping step deadline, and close() records nothing as failed', async () => {
    let server = (s = await startAutomationServer({ dataPath }));
    await createRunbook(server.ssm, 'Sleeps', {
      mainSteps: [sleepStep('nap', 'PT1H'), sleepStep('after', 'PT0S')],
    });
    const id = await startAutomation(server.ssm, 'Sleeps');
    await until(server.server, id, (e) => step(e, 'nap').checkpoint !== undefined);
    await server.clock.advance(20 * MINUTE);
    const before = server;
    server = await restart(server, 10 * MINUTE);
    expect(step(record(before.server, id), 'nap').status).toBe('InProgress');
    await untilStep(server.server, id, 'nap', 'InProgress');
    await server.clock.advance(29 * MINUTE);
    expect(record(server.server, id).status).toBe('InProgress');
    await server.clock.advance(MINUTE);
    const done = await untilStatus(server.server, id, 'Success');
    expect(step(done, 'nap').endTime).toBe(START + 60 * MINUTE);
  });

  it('an approval keeps waiting with the approvals it had; a step timeout keeps its deadline', async () => {
    let server = (s = await startAutomationServer({ dataPath }));
    await createRunbook(server.ssm, 'Approvals', {
      mainSteps: [
        {
          name: 'approve',
          action: 'aws:approve',
          inputs: { Approvers: ['a', 'b'], MinRequiredApprovals: 2 },
        },
        { name: 'hold', action: 'aws:pause', inputs: {}, timeoutSeconds: 600 },
      ],
    });
    const id = await startAutomation(server.ssm, 'Approvals');
    await untilStep(server.server, id, 'approve', 'Waiting');
    await signal(server.ssm, id, 'Approve');
    await until(
      server.server,
      id,
      (e) => step(e, 'approve').checkpoint !== undefined && e.status === 'Waiting',
    );
    server = await restart(server, MINUTE);
    await until(server.server, id, (e) => e.status === 'Waiting' && step(e, 'approve').status === 'Waiting');
    await signal(server.ssm, id, 'Approve');
    await untilStep(server.server, id, 'hold', 'Waiting');
    expect(step(record(server.server, id), 'approve').outputValues?.['ApprovalStatus']).toBe('Approved');

    await server.clock.advance(5 * MINUTE);
    server = await restart(server, 4 * MINUTE);
    await untilStep(server.server, id, 'hold', 'Waiting');
    await server.clock.advance(MINUTE - 1000);
    expect(record(server.server, id).status).toBe('Waiting');
    await server.clock.advance(1000);
    expect(step(await untilStatus(server.server, id, 'TimedOut'), 'hold').status).toBe('TimedOut');
  });

  it('Interactive mode still waits for StartStep, and rate control goes on with its children', async () => {
    let server = (s = await startAutomationServer({ dataPath }));
    await createRunbook(server.ssm, 'Manual', { mainSteps: [sleepStep('one', 'PT0S')] });
    await createRunbook(server.ssm, 'Child', {
      parameters: { Target: { type: 'String' } },
      mainSteps: [sleepStep('nap', 'PT10M')],
    });
    const manual = await startAutomation(server.ssm, 'Manual', { Mode: 'Interactive' });
    const parent = await startAutomation(server.ssm, 'Child', {
      TargetParameterName: 'Target',
      Targets: [{ Key: 'ParameterValues', Values: ['a', 'b'] }],
      MaxConcurrency: '1',
    });
    await untilStatus(server.server, manual, 'Waiting');
    await until(server.server, parent, (e) => e.steps[0]?.status === 'InProgress');
    server = await restart(server, 0);
    await untilStatus(server.server, manual, 'Waiting');
    await signal(server.ssm, manual, 'StartStep', { StepName: ['one'] });
    await until(server.server, manual, (e) => step(e, 'one').status === 'Success' && e.status === 'Waiting');

    await server.clock.advance(10 * MINUTE);
    await until(server.server, parent, (e) => e.steps[1]?.status === 'InProgress');
    const childIds = () =>
      Object.values(
        automationState(server.server.ssm.runtime.services.store.scope(ACCOUNT, REGION)).executions,
      )
        .filter((e) => e.parentAutomationExecutionId === parent)
        .map((e) => e.automationExecutionId);
    await until(server.server, childIds()[1] ?? parent, (e) => e.steps[0]?.checkpoint !== undefined);
    await server.clock.advance(10 * MINUTE);
    expect((await untilStatus(server.server, parent, 'Success')).steps.map((x) => x.status)).toEqual([
      'Success',
      'Success',
    ]);
  });

  it('fails a step whose action cannot resume, then follows its onFailure', async () => {
    let server = (s = await startAutomationServer({ dataPath }));
    await createRunbook(server.ssm, 'Interrupted', {
      mainSteps: [sleepStep('call', 'PT1H', { onFailure: 'Continue' }), sleepStep('after', 'PT0S')],
    });
    const id = await startAutomation(server.ssm, 'Interrupted');
    await until(server.server, id, (e) => step(e, 'call').checkpoint !== undefined);
    // The running step's action becomes one that does not resume (aws:executeAwsApi: restart 'fail').
    const services = server.server.ssm.runtime.services;
    const stored = automationState(services.store.scope(ACCOUNT, REGION)).executions[id]!;
    stored.runbook.mainSteps[0]!.action = 'aws:executeAwsApi';
    await services.store.persist([{ ...executionChanged(id), accountId: ACCOUNT, region: REGION }]);
    server = await restart(server, MINUTE);
    const done = await untilStatus(server.server, id, 'Success');
    expect(step(done, 'call')).toMatchObject({
      status: 'Failed',
      failureMessage:
        'Step fails when it is Execute/Cancelling action. The step was interrupted by an emulator restart. Please refer to Automation Service Troubleshooting Guide for more diagnosis details.',
    });
    expect(step(done, 'after').status).toBe('Success');
  });
});
