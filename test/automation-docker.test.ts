// Automation end to end against real containers, through the real SDK: a runbook whose steps run a
// command in an instance, hand its output to a Python script and branch on what the script
// returned; an aws:executeAwsApi step writing a parameter from a step's output; rate control
// running one child per tagged instance; a step timing out a real command.
import {
  DescribeAutomationExecutionsCommand,
  GetAutomationExecutionCommand,
  GetCommandInvocationCommand,
  GetParameterCommand,
  type AutomationExecution,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunbook, startAutomation } from './automation-helpers.js';
import { eventually, runShell, settled } from './commands-helpers.js';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';

const hasDocker = await requireDocker('Automation end-to-end');
const TERMINAL = ['Success', 'Failed', 'TimedOut', 'Cancelled'];

async function finished(ssm: SSMClient, AutomationExecutionId: string): Promise<AutomationExecution> {
  return eventually(
    async () =>
      (await ssm.send(new GetAutomationExecutionCommand({ AutomationExecutionId }))).AutomationExecution!,
    (e) => TERMINAL.includes(e.AutomationExecutionStatus ?? ''),
    120_000,
    100,
  );
}

describe.skipIf(!hasDocker)('Automation against containers', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  /** What `script` printed in the instance (through Run Command). */
  const shell = async (instanceId: string, script: string): Promise<string> => {
    const command = await runShell(ssm, [script], { InstanceIds: [instanceId] });
    return (await settled(ssm, command.CommandId!, instanceId)).StandardOutputContent ?? '';
  };
  const idOf = (name: string): string => server.instances.find((i) => i.name === name)!.instanceId;

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'auto-web-1', tags: { Role: 'web' } },
        { name: 'auto-web-2', tags: { Role: 'web' } },
        { name: 'auto-db-1', tags: { Role: 'db' } },
      ],
    });
    ssm = server.client();
  }, 300_000);
  afterAll(async () => server?.stop());

  it('runs a command, passes its output to a Python script and branches on what it returned', async () => {
    await createRunbook(ssm, 'E2E-Pipeline', {
      parameters: { InstanceId: { type: 'String' } },
      mainSteps: [
        {
          name: 'hostname',
          action: 'aws:runCommand',
          inputs: {
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: ['{{ InstanceId }}'],
            Parameters: { commands: ['hostname; grep -c ^ /etc/passwd'] },
          },
        },
        {
          name: 'parse',
          action: 'aws:executeScript',
          inputs: {
            Runtime: 'python3.11',
            Handler: 'handler',
            Script: [
              'def handler(events, context):',
              '    host, users = events["output"].split()',
              '    print("parsed", host)',
              '    return {"host": host, "users": int(users), "many": int(users) > 5}',
            ].join('\n'),
            InputPayload: { output: '{{ hostname.Output }}' },
          },
          outputs: [
            { Name: 'Host', Selector: '$.Payload.host', Type: 'String' },
            { Name: 'Users', Selector: '$.Payload.users', Type: 'Integer' },
            { Name: 'Many', Selector: '$.Payload.many', Type: 'Boolean' },
          ],
        },
        {
          name: 'choose',
          action: 'aws:branch',
          inputs: {
            Choices: [{ NextStep: 'record', Variable: '{{ parse.Many }}', BooleanEquals: true }],
            Default: 'few',
          },
        },
        {
          name: 'few',
          action: 'aws:executeAwsApi',
          isEnd: true,
          inputs: { Service: 'ssm', Api: 'PutParameter', Name: '/e2e/users', Value: 'few', Type: 'String' },
        },
        {
          name: 'record',
          action: 'aws:executeAwsApi',
          inputs: {
            Service: 'ssm',
            Api: 'PutParameter',
            Name: '/e2e/users',
            Value: '{{ parse.Host }} has {{ parse.Users }} users',
            Type: 'String',
          },
          outputs: [{ Name: 'Version', Selector: '$.Version', Type: 'Integer' }],
        },
      ],
      outputs: ['parse.Host', 'record.Version'],
    });
    const instanceId = idOf('auto-web-1');
    const id = await startAutomation(ssm, 'E2E-Pipeline', { Parameters: { InstanceId: [instanceId] } });
    const execution = await finished(ssm, id);
    expect(execution.AutomationExecutionStatus).toBe('Success');

    const steps = Object.fromEntries(execution.StepExecutions!.map((s) => [s.StepName!, s]));
    // The command's output is what the container printed: its hostname and the passwd line count.
    const commandId = steps['hostname']!.Outputs!['CommandId']![0]!;
    const invocation = await ssm.send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId }),
    );
    const [host, users] = invocation.StandardOutputContent!.trim().split('\n');
    expect(steps['hostname']!.Outputs!['Output']![0]!.trim()).toBe(`${host}\n${users}`);
    expect(steps['parse']!.Outputs).toMatchObject({ Host: [host], Users: [users] });
    expect(steps['few']!.StepStatus).toBe('Pending');
    expect(steps['record']!.StepStatus).toBe('Success');
    const parameter = await ssm.send(new GetParameterCommand({ Name: '/e2e/users' }));
    expect(parameter.Parameter!.Value).toBe(`${host} has ${users} users`);
    expect(execution.Outputs).toEqual({ 'parse.Host': [host], 'record.Version': ['1'] });
  }, 180_000);

  it('rate control: one child execution per tagged instance, each running on its own instance', async () => {
    await createRunbook(ssm, 'E2E-WriteHost', {
      parameters: { InstanceId: { type: 'String' } },
      mainSteps: [
        {
          name: 'write',
          action: 'aws:runCommand',
          inputs: {
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: ['{{ InstanceId }}'],
            Parameters: { commands: ['echo "{{ automation:EXECUTION_ID }}" > /tmp/e2e-child; hostname'] },
          },
        },
      ],
    });
    const parent = await startAutomation(ssm, 'E2E-WriteHost', {
      TargetParameterName: 'InstanceId',
      Targets: [{ Key: 'tag:Role', Values: ['web'] }],
      MaxConcurrency: '1',
      MaxErrors: '0',
    });
    const execution = await finished(ssm, parent);
    expect(execution.AutomationExecutionStatus).toBe('Success');
    const web = [idOf('auto-web-1'), idOf('auto-web-2')].sort();
    expect([...execution.ResolvedTargets!.ParameterValues!].sort()).toEqual(web);

    const { AutomationExecutionMetadataList: children } = await ssm.send(
      new DescribeAutomationExecutionsCommand({ Filters: [{ Key: 'ParentExecutionId', Values: [parent] }] }),
    );
    expect(children!.map((c) => c.Target).sort()).toEqual(web);
    for (const child of children!) {
      expect(child.AutomationExecutionStatus).toBe('Success');
      // Each child really ran in its own container: the file holds that child's execution id.
      const cat = await shell(child.Target!, 'cat /tmp/e2e-child');
      expect(cat.trim()).toBe(child.AutomationExecutionId);
    }
  }, 180_000);

  it('a step whose timeoutSeconds passes cancels the real command and ends TimedOut', async () => {
    await createRunbook(ssm, 'E2E-Slow', {
      parameters: { InstanceId: { type: 'String' } },
      mainSteps: [
        {
          name: 'slow',
          action: 'aws:runCommand',
          timeoutSeconds: 3,
          inputs: {
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: ['{{ InstanceId }}'],
            Parameters: { commands: ['sleep 60'] },
          },
        },
      ],
    });
    const instanceId = idOf('auto-db-1');
    const id = await startAutomation(ssm, 'E2E-Slow', { Parameters: { InstanceId: [instanceId] } });
    const execution = await finished(ssm, id);
    expect(execution.AutomationExecutionStatus).toBe('TimedOut');
    const step = execution.StepExecutions![0]!;
    expect(step.StepStatus).toBe('TimedOut');
    const commandId = step.Outputs?.['CommandId']?.[0];
    if (commandId) {
      const invocation = await eventually(
        () => ssm.send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: instanceId })),
        (i) => !['Pending', 'InProgress', 'Cancelling'].includes(i.Status ?? ''),
        30_000,
      );
      expect(invocation.Status).toBe('Cancelled');
    }
    const ps = await shell(instanceId, 'pgrep -fx "sleep 60" || echo none');
    expect(ps.trim()).toBe('none');
  }, 120_000);
});
