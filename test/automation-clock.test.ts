// Automation on the emulator's own clock, as a user drives it: a runbook that sleeps an hour and then
// waits for an approval whose timeout is a day ends when POST /_ssm-local/clock moves time on, not
// after real hours (the server's default clock: real time plus what was advanced).
import { GetAutomationExecutionCommand, type AutomationExecution, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunbook, startAutomation } from './automation-helpers.js';
import { eventually } from './commands-helpers.js';
import { advanceClock, startTestServer, type TestServer } from './support/server.js';

describe('Automation and POST /_ssm-local/clock', () => {
  let server: TestServer;
  let ssm: SSMClient;
  beforeAll(async () => {
    server = await startTestServer();
    ssm = server.client();
  });
  afterAll(async () => server?.stop());

  const execution = async (id: string): Promise<AutomationExecution> =>
    (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId: id }))).AutomationExecution!;
  const until = (id: string, accept: (e: AutomationExecution) => boolean) =>
    eventually(() => execution(id), accept, 10_000, 20);

  it('fast-forwards an aws:sleep of an hour and an approval timing out after a day', async () => {
    await createRunbook(ssm, 'Clock-Sleep-Approve', {
      mainSteps: [
        { name: 'nap', action: 'aws:sleep', inputs: { Duration: 'PT1H' } },
        {
          name: 'ask',
          action: 'aws:approve',
          timeoutSeconds: 86_400,
          inputs: { Approvers: ['arn:aws:iam::000000000000:user/ssm-local'] },
        },
      ],
    });
    const id = await startAutomation(ssm, 'Clock-Sleep-Approve');
    await until(id, (e) => e.StepExecutions?.[0]?.StepStatus === 'InProgress');
    await advanceClock(server.endpoint, 3599);
    expect((await execution(id)).StepExecutions![0]!.StepStatus).toBe('InProgress');
    await advanceClock(server.endpoint, 1);
    const waiting = await until(id, (e) => e.AutomationExecutionStatus === 'Waiting');
    expect(waiting.StepExecutions!.map((s) => s.StepStatus)).toEqual(['Success', 'Waiting']);
    await advanceClock(server.endpoint, 86_400);
    const ended = await until(id, (e) => e.AutomationExecutionStatus === 'TimedOut');
    expect(ended.StepExecutions![1]!.StepStatus).toBe('TimedOut');
    const slept = ended.StepExecutions![0]!;
    expect(slept.ExecutionEndTime!.getTime() - slept.ExecutionStartTime!.getTime()).toBeGreaterThanOrEqual(
      3_600_000,
    );
  });
});
