// Run Command against real containers: what SendCommand answers, how scripts really run, output,
// errors, targets, documents, listing and the waiters.
import {
  CreateDocumentCommand,
  DescribeDocumentCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  PutParameterCommand,
  SendCommandCommand,
  waitUntilCommandExecuted,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDocker, startDockerTestServer, type DockerTestServer } from './support/docker.js';
import { errorOf } from './support/server.js';
import {
  commandSettled,
  dockerExec,
  getCommand,
  getInvocation,
  runShell,
  settled,
} from './commands-helpers.js';

const hasDocker = await requireDocker('Run Command');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.skipIf(!hasDocker)('Run Command', () => {
  let server: DockerTestServer;
  let ssm: SSMClient;
  let web1: string;
  let web2: string;
  let db: string;

  beforeAll(async () => {
    server = await startDockerTestServer({
      fleet: [
        { name: 'a-web-1', tags: { Role: 'web', Tier: 'front' } },
        { name: 'b-web-2', tags: { Role: 'web' } },
        { name: 'c-db-1', tags: { Role: 'db' } },
      ],
    });
    ssm = server.client();
    const byName = (suffix: string) => server.instances.find((i) => i.name.endsWith(suffix))!.instanceId;
    web1 = byName('a-web-1');
    web2 = byName('b-web-2');
    db = byName('c-db-1');
  });
  afterAll(async () => server?.stop());

  describe('SendCommand', () => {
    it('answers the whole Command, Pending, with AWS defaults', async () => {
      const command = await runShell(ssm, ['echo hi'], { InstanceIds: [web1] });
      expect(command.CommandId).toMatch(UUID);
      expect(command).toMatchObject({
        DocumentName: 'AWS-RunShellScript',
        DocumentVersion: '$DEFAULT',
        Comment: '',
        Parameters: { commands: ['echo hi'] },
        InstanceIds: [web1],
        Targets: [],
        Status: 'Pending',
        StatusDetails: 'Pending',
        OutputS3Region: 'us-east-1',
        OutputS3BucketName: '',
        OutputS3KeyPrefix: '',
        MaxConcurrency: '50',
        MaxErrors: '0',
        TargetCount: 1,
        CompletedCount: 0,
        ErrorCount: 0,
        DeliveryTimedOutCount: 0,
        ServiceRole: '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
        TimeoutSeconds: 3600,
      });
      // Expires after the delivery timeout plus the execution timeout (3600 + 3600 s).
      expect(command.ExpiresAfter!.getTime() - command.RequestedDateTime!.getTime()).toBe(7_200_000);
      expect(Math.abs(command.RequestedDateTime!.getTime() - Date.now())).toBeLessThan(10_000);
      await settled(ssm, command.CommandId!, web1);
    });

    it('echoes the options it was given', async () => {
      const command = await runShell(ssm, ['true'], {
        InstanceIds: [web1],
        Comment: 'nightly',
        TimeoutSeconds: 60,
        executionTimeout: '30',
        MaxConcurrency: '10%',
        MaxErrors: '1',
        OutputS3BucketName: 'my-bucket',
        OutputS3KeyPrefix: 'runs/',
        ServiceRoleArn: 'arn:aws:iam::000000000000:role/sns',
        NotificationConfig: {
          NotificationArn: 'arn:aws:sns:us-east-1:000000000000:topic',
          NotificationEvents: ['Success', 'Failed'],
          NotificationType: 'Command',
        },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: 'runs', CloudWatchOutputEnabled: true },
      });
      expect(command).toMatchObject({
        Comment: 'nightly',
        TimeoutSeconds: 60,
        MaxConcurrency: '10%',
        MaxErrors: '1',
        OutputS3BucketName: 'my-bucket',
        OutputS3KeyPrefix: 'runs/',
        ServiceRole: 'arn:aws:iam::000000000000:role/sns',
        NotificationConfig: {
          NotificationArn: 'arn:aws:sns:us-east-1:000000000000:topic',
          NotificationEvents: ['Success', 'Failed'],
          NotificationType: 'Command',
        },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: 'runs', CloudWatchOutputEnabled: true },
        Parameters: { commands: ['true'], executionTimeout: ['30'] },
      });
      expect(command.ExpiresAfter!.getTime() - command.RequestedDateTime!.getTime()).toBe(90_000);
      const done = await settled(ssm, command.CommandId!, web1);
      expect(done).toMatchObject({ Status: 'Success', StandardOutputUrl: '', StandardErrorUrl: '' });
      expect(done.CloudWatchOutputConfig).toEqual({
        CloudWatchLogGroupName: 'runs',
        CloudWatchOutputEnabled: true,
      });
    });

    it('refuses unknown instances with InvalidInstanceId', async () => {
      const error = await errorOf(() =>
        runShell(ssm, ['true'], { InstanceIds: [web1, 'i-0123456789abcdef0'] }),
      );
      expect(error.name).toBe('InvalidInstanceId');
      expect(error.message).toBe(
        'Instances [[i-0123456789abcdef0]] not in a valid state for account 000000000000',
      );
      expect(error.$metadata?.httpStatusCode).toBe(400);
    });

    it('refuses a repeated instance, an unknown document and undeclared parameters', async () => {
      expect((await errorOf(() => runShell(ssm, ['true'], { InstanceIds: [web1, web1] }))).name).toBe(
        'DuplicateInstanceId',
      );
      const noDoc = await errorOf(() =>
        ssm.send(new SendCommandCommand({ DocumentName: 'No-Such-Document', InstanceIds: [web1] })),
      );
      expect(noDoc.name).toBe('InvalidDocument');
      const badParams = await errorOf(() =>
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'AWS-RunShellScript',
            InstanceIds: [web1],
            Parameters: { commands: ['true'], nonsense: ['x'] },
          }),
        ),
      );
      expect(badParams.name).toBe('InvalidParameters');
    });

    it('needs InstanceIds or Targets, and refuses resource groups and unknown target keys', async () => {
      const none = await errorOf(() => runShell(ssm, ['true'], {}));
      expect(none.name).toBe('ValidationException');
      const both = await errorOf(() =>
        runShell(ssm, ['true'], { InstanceIds: [web1], Targets: [{ Key: 'tag:Role', Values: ['web'] }] }),
      );
      expect(both.name).toBe('ValidationException');
      const groups = await errorOf(() =>
        runShell(ssm, ['true'], { Targets: [{ Key: 'resource-groups:Name', Values: ['g'] }] }),
      );
      expect(groups.name).toBe('ValidationException');
      expect(groups.message).toMatch(/resource group/);
      const unknownKey = await errorOf(() =>
        runShell(ssm, ['true'], { Targets: [{ Key: 'color', Values: ['x'] }] }),
      );
      expect(unknownKey.name).toBe('ValidationException');
      expect(unknownKey.message).toMatch(/^Targets must be specified in one of the following formats/);
    });

    it('validates MaxConcurrency, MaxErrors and TimeoutSeconds from the model', async () => {
      const error = await errorOf(() =>
        runShell(ssm, ['true'], { InstanceIds: [web1], MaxConcurrency: '0', TimeoutSeconds: 10 }),
      );
      expect(error.name).toBe('ValidationException');
      expect(error.message).toContain("Value '0' at 'maxConcurrency' failed to satisfy constraint");
      expect(error.message).toContain("Value '10' at 'timeoutSeconds' failed to satisfy constraint");
    });
  });

  describe('execution in the container', () => {
    it('runs the whole command list in one shell: variables, pipes, && and ||, redirects, multi-line', async () => {
      const command = await runShell(
        ssm,
        [
          'greeting=hello',
          'echo "$greeting world" | tr a-z A-Z',
          'false && echo never || echo fallback',
          'true && echo both',
          'echo saved > /tmp/redirect.txt && cat /tmp/redirect.txt',
          'for i in 1 2 3; do',
          '  printf "%s," "$i"',
          'done',
          'echo',
          'say() { echo "said $1"; }',
          'say it',
          'echo to-stderr >&2',
          'pwd',
          'echo "$AWS_SSM_INSTANCE_ID $AWS_SSM_REGION_NAME"',
        ],
        { InstanceIds: [web1] },
      );
      const result = await settled(ssm, command.CommandId!, web1);
      expect(result).toMatchObject({
        CommandId: command.CommandId,
        InstanceId: web1,
        DocumentName: 'AWS-RunShellScript',
        DocumentVersion: '$DEFAULT',
        PluginName: 'aws:runShellScript',
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        StandardErrorContent: 'to-stderr\n',
      });
      expect(result.StandardOutputContent).toBe(
        `HELLO WORLD\nfallback\nboth\nsaved\n1,2,3,\nsaid it\n/usr/bin\n${web1} us-east-1\n`,
      );
      expect(result.ExecutionStartDateTime).toMatch(ISO);
      expect(result.ExecutionEndDateTime).toMatch(ISO);
      expect(result.ExecutionElapsedTime).toMatch(/^PT(\d+M)?\d+(\.\d+)?S$/);
      expect(Date.parse(result.ExecutionEndDateTime!)).toBeGreaterThanOrEqual(
        Date.parse(result.ExecutionStartDateTime!),
      );
    });

    it('honours a #! line, as the agent runs the script file with sh -c', async () => {
      const command = await runShell(ssm, ['#!/bin/bash', 'echo "${BASH_VERSION:+bash}"', 'echo $0'], {
        InstanceIds: [web1],
      });
      const result = await settled(ssm, command.CommandId!, web1);
      expect(result.Status).toBe('Success');
      const [shell, script] = result.StandardOutputContent!.trim().split('\n');
      expect(shell).toBe('bash');
      expect(script).toBe(
        `/var/lib/amazon/ssm/${web1}/document/orchestration/${command.CommandId}/awsrunShellScript/0.awsrunShellScript/_script.sh`,
      );
    });

    it('puts the Parameter Store values that {{ssm:name}} references into the script', async () => {
      await ssm.send(
        new PutParameterCommand({ Name: '/app/greeting', Value: 'hello from the store', Type: 'String' }),
      );
      const command = await runShell(ssm, ['echo "{{ssm:/app/greeting}}"'], { InstanceIds: [web1] });
      // The command keeps the parameters as they were sent; the script gets the value.
      expect(command.Parameters).toEqual({ commands: ['echo "{{ssm:/app/greeting}}"'] });
      const result = await settled(ssm, command.CommandId!, web1);
      expect(result).toMatchObject({ Status: 'Success', StandardOutputContent: 'hello from the store\n' });
      const missing = await errorOf(() =>
        runShell(ssm, ['echo {{ssm:/app/nothing}}'], { InstanceIds: [web1] }),
      );
      expect(missing.name).toBe('InvalidParameters');
    });

    it('reports the real exit code, keeps stdout and stderr apart, and fails', async () => {
      const command = await runShell(ssm, ['echo out', 'echo bad >&2', 'exit 3'], { InstanceIds: [web1] });
      const result = await settled(ssm, command.CommandId!, web1);
      expect(result).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Failed',
        ResponseCode: 3,
        StandardOutputContent: 'out\n',
        // The agent appends its line after a line break, after the script's own final newline.
        StandardErrorContent: 'bad\n\nfailed to run commands: exit status 3',
      });
      const aggregated = await commandSettled(ssm, command.CommandId!);
      expect(aggregated).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Failed',
        TargetCount: 1,
        CompletedCount: 1,
        ErrorCount: 1,
      });
    });

    it('reports a missing command as the shell does (127)', async () => {
      const command = await runShell(ssm, ['no-such-command-here'], { InstanceIds: [web1] });
      const result = await settled(ssm, command.CommandId!, web1);
      expect(result.ResponseCode).toBe(127);
      expect(result.StandardErrorContent).toMatch(/_script\.sh: 1: no-such-command-here: not found\n/);
      expect(result.StandardErrorContent).toMatch(/failed to run commands: exit status 127$/);
    });

    it('runs in workingDirectory, and fails as the agent does when it does not exist', async () => {
      const here = await runShell(ssm, ['pwd'], { InstanceIds: [web1], workingDirectory: '/tmp' });
      expect((await settled(ssm, here.CommandId!, web1)).StandardOutputContent).toBe('/tmp\n');
      const missing = await runShell(ssm, ['pwd'], { InstanceIds: [web1], workingDirectory: '/no/such/dir' });
      const result = await settled(ssm, missing.CommandId!, web1);
      expect(result).toMatchObject({
        Status: 'Failed',
        ResponseCode: 1,
        StandardOutputContent: '',
        StandardErrorContent: 'failed to run commands: chdir /no/such/dir: no such file or directory',
      });
    });

    it('fails as the agent does when the orchestration folder cannot be created', async () => {
      const containerId = server.instances.find((i) => i.instanceId === web1)!.containerId;
      const root = `/var/lib/amazon/ssm/${web1}/document/orchestration`;
      await dockerExec(server.docker, containerId, ['sh', '-c', `rm -rf ${root} && touch ${root}`]);
      try {
        const command = await runShell(ssm, ['echo never'], { InstanceIds: [web1] });
        const result = await settled(ssm, command.CommandId!, web1);
        expect(result).toMatchObject({
          Status: 'Failed',
          StatusDetails: 'Failed',
          ResponseCode: 1,
          StandardOutputContent: '',
          StandardErrorContent: `failed to create orchestrationDir directory, ${root}/${command.CommandId}/awsrunShellScript/0.awsrunShellScript`,
        });
      } finally {
        await dockerExec(server.docker, containerId, ['rm', '-f', root]);
      }
    });

    it('caps StandardOutputContent at 24,000 and StandardErrorContent at 8,000 characters, Output at 2,500', async () => {
      const command = await runShell(
        ssm,
        ["head -c 30000 /dev/zero | tr '\\0' o", "head -c 10000 /dev/zero | tr '\\0' e >&2"],
        { InstanceIds: [web1] },
      );
      const result = await settled(ssm, command.CommandId!, web1);
      expect(result.Status).toBe('Success');
      expect(result.StandardOutputContent).toBe('o'.repeat(24_000));
      expect(result.StandardErrorContent).toBe('e'.repeat(8_000));
      const listed = await ssm.send(
        new ListCommandInvocationsCommand({ CommandId: command.CommandId, Details: true }),
      );
      const output = listed.CommandInvocations![0]!.CommandPlugins![0]!.Output!;
      expect(output.length).toBeLessThanOrEqual(2_500);
      expect(output).toMatch(
        /^o+\n---Output truncated---\n----------ERROR-------\ne+\n---Error truncated----$/,
      );
    });

    it('fans out to every instance, each with its own invocation', async () => {
      const command = await runShell(ssm, ['hostname'], { InstanceIds: [web1, web2, db] });
      expect(command.TargetCount).toBe(3);
      const done = await commandSettled(ssm, command.CommandId!);
      expect(done).toMatchObject({
        Status: 'Success',
        StatusDetails: 'Success',
        CompletedCount: 3,
        ErrorCount: 0,
      });
      for (const id of [web1, web2, db]) {
        expect((await getInvocation(ssm, command.CommandId!, id)).StandardOutputContent).not.toBe('');
      }
    });

    it('fails AWS-RunPowerShellScript on a Linux instance without PowerShell as the agent reports it', async () => {
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunPowerShellScript',
          InstanceIds: [web1],
          Parameters: { commands: ['Write-Output hi'] },
        }),
      );
      const result = await settled(ssm, sent.Command!.CommandId!, web1);
      expect(result).toMatchObject({
        PluginName: 'aws:runPowerShellScript',
        Status: 'Failed',
        StatusDetails: 'Failed',
        ResponseCode: 1,
        StandardErrorContent: 'failed to run commands: fork/exec /usr/bin/pwsh: no such file or directory',
      });
    });
  });

  describe('Targets', () => {
    it('reaches instances by tag:<key>, by tag-key, and only those matching every target', async () => {
      const byTag = await runShell(ssm, ['true'], { Targets: [{ Key: 'tag:Role', Values: ['web'] }] });
      expect(byTag).toMatchObject({
        InstanceIds: [],
        Targets: [{ Key: 'tag:Role', Values: ['web'] }],
        TargetCount: 2,
      });
      const listed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: byTag.CommandId }));
      expect(listed.CommandInvocations!.map((i) => i.InstanceId).sort()).toEqual([web1, web2].sort());

      const byKey = await runShell(ssm, ['true'], { Targets: [{ Key: 'tag-key', Values: ['Tier'] }] });
      expect(byKey.TargetCount).toBe(1);
      const both = await runShell(ssm, ['true'], {
        Targets: [
          { Key: 'tag:Role', Values: ['web', 'db'] },
          { Key: 'tag-key', Values: ['Tier'] },
        ],
      });
      expect(both.TargetCount).toBe(1);
      const byIds = await runShell(ssm, ['true'], { Targets: [{ Key: 'InstanceIds', Values: [db] }] });
      expect(byIds.TargetCount).toBe(1);
      for (const c of [byTag, byKey, both, byIds]) {
        expect((await commandSettled(ssm, c.CommandId!)).Status).toBe('Success');
      }
    });

    it('a tag that matches nothing gives a command with no targets', async () => {
      const command = await runShell(ssm, ['true'], { Targets: [{ Key: 'tag:Role', Values: ['nobody'] }] });
      expect(command).toMatchObject({ TargetCount: 0, Status: 'Failed', StatusDetails: 'NoInstancesInTag' });
    });
  });

  describe('documents', () => {
    const content = {
      schemaVersion: '2.2',
      description: 'ssm-local test document',
      parameters: {
        greeting: { type: 'String', default: 'hello', allowedValues: ['hello', 'bye'] },
        count: { type: 'String', default: '1', allowedPattern: '^[0-9]+$' },
      },
      mainSteps: [
        {
          action: 'aws:runShellScript',
          name: 'greet',
          inputs: { runCommand: ['echo {{ greeting }} {{ count }}'] },
        },
        {
          action: 'aws:runPowerShellScript',
          name: 'windowsOnly',
          precondition: { StringEquals: ['platformType', 'Windows'] },
          inputs: { runCommand: ['Write-Output hi'] },
        },
        { action: 'aws:runShellScript', name: 'fail', inputs: { runCommand: ['echo boom >&2', 'exit 4'] } },
        { action: 'aws:runShellScript', name: 'after', inputs: { runCommand: ['echo still runs'] } },
      ],
    };

    beforeAll(async () => {
      await ssm.send(
        new CreateDocumentCommand({
          Name: 'Test-Steps',
          DocumentType: 'Command',
          Content: JSON.stringify(content),
        }),
      );
    });

    it('runs a custom document with parameters, step by step, skipping on preconditions', async () => {
      const sent = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'Test-Steps',
          InstanceIds: [web1],
          Parameters: { greeting: ['bye'], count: ['2'] },
        }),
      );
      await commandSettled(ssm, sent.Command!.CommandId!);
      const id = sent.Command!.CommandId!;
      expect(await getInvocation(ssm, id, web1, 'greet')).toMatchObject({
        PluginName: 'greet',
        Status: 'Success',
        StandardOutputContent: 'bye 2\n',
      });
      expect(await getInvocation(ssm, id, web1, 'windowsOnly')).toMatchObject({
        Status: 'Success',
        StatusDetails: 'Skipped',
        ResponseCode: 0,
        StandardOutputContent:
          'Step execution skipped due to unsatisfied preconditions: \'"StringEquals": [platformType, Windows]\'. Step name: windowsOnly',
      });
      expect(await getInvocation(ssm, id, web1, 'fail')).toMatchObject({
        Status: 'Failed',
        ResponseCode: 4,
        StandardErrorContent: 'boom\n\nfailed to run commands: exit status 4',
      });
      expect(await getInvocation(ssm, id, web1, 'after')).toMatchObject({
        Status: 'Success',
        StandardOutputContent: 'still runs\n',
      });
      const noName = await errorOf(() => getInvocation(ssm, id, web1));
      expect(noName.name).toBe('InvalidPluginName');
      const wrongName = await errorOf(() => getInvocation(ssm, id, web1, 'aws:runShellScript'));
      expect(wrongName.name).toBe('InvalidPluginName');

      const listed = await ssm.send(new ListCommandInvocationsCommand({ CommandId: id, Details: true }));
      const invocation = listed.CommandInvocations![0]!;
      expect(invocation).toMatchObject({
        Status: 'Failed',
        StatusDetails: 'Failed',
        DocumentName: 'Test-Steps',
      });
      expect(invocation.CommandPlugins!.map((p) => [p.Name, p.Status, p.ResponseCode])).toEqual([
        ['greet', 'Success', 0],
        ['windowsOnly', 'Success', 0],
        ['fail', 'Failed', 4],
        ['after', 'Success', 0],
      ]);
      expect(invocation.CommandPlugins![2]!.Output).toBe(
        '\n----------ERROR-------\nboom\n\nfailed to run commands: exit status 4',
      );
    });

    it('checks DocumentHash against the document version it runs', async () => {
      const described = await ssm.send(new DescribeDocumentCommand({ Name: 'Test-Steps' }));
      const ok = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'Test-Steps',
          InstanceIds: [db],
          DocumentHash: described.Document!.Hash,
          DocumentHashType: 'Sha256',
        }),
      );
      expect(ok.Command!.DocumentName).toBe('Test-Steps');
      await commandSettled(ssm, ok.Command!.CommandId!);
      const wrong = await errorOf(() =>
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'Test-Steps',
            InstanceIds: [db],
            DocumentHash: 'a'.repeat(64),
          }),
        ),
      );
      expect(wrong.name).toBe('InvalidDocument');
    });

    it('refuses parameter values the document does not allow', async () => {
      const error = await errorOf(() =>
        ssm.send(
          new SendCommandCommand({
            DocumentName: 'Test-Steps',
            InstanceIds: [web1],
            Parameters: { greeting: ['hey'] },
          }),
        ),
      );
      expect(error.name).toBe('InvalidParameters');
    });

    it('runs a nested document with aws:runDocument, and with AWS-RunDocument', async () => {
      await ssm.send(
        new CreateDocumentCommand({
          Name: 'Test-Outer',
          DocumentType: 'Command',
          Content: JSON.stringify({
            schemaVersion: '2.2',
            description: 'outer',
            mainSteps: [
              { action: 'aws:runShellScript', name: 'before', inputs: { runCommand: ['echo before'] } },
              {
                action: 'aws:runDocument',
                name: 'inner',
                inputs: {
                  documentType: 'SSMDocument',
                  documentPath: 'Test-Steps',
                  documentParameters: '{"greeting": "bye"}',
                },
              },
            ],
          }),
        }),
      );
      const sent = await ssm.send(
        new SendCommandCommand({ DocumentName: 'Test-Outer', InstanceIds: [web2] }),
      );
      await commandSettled(ssm, sent.Command!.CommandId!);
      const inner = await getInvocation(ssm, sent.Command!.CommandId!, web2, 'inner');
      expect(inner.Status).toBe('Failed'); // the nested document's "fail" step fails it
      expect(inner.StandardOutputContent).toContain('bye 1');
      expect(inner.StandardOutputContent).toContain('still runs');
      expect(inner.StandardErrorContent).toContain('failed to run commands: exit status 4');

      const viaAws = await ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunDocument',
          InstanceIds: [web2],
          Parameters: { sourceType: ['SSMDocument'], sourceInfo: ['{"name": "Test-Steps"}'] },
        }),
      );
      await commandSettled(ssm, viaAws.Command!.CommandId!);
      const download = await getInvocation(ssm, viaAws.Command!.CommandId!, web2, 'downloadContent');
      expect(download.Status).toBe('Success');
      const run = await getInvocation(ssm, viaAws.Command!.CommandId!, web2, 'runDocument');
      expect(run.StandardOutputContent).toContain('hello 1');
    });
  });

  describe('GetCommandInvocation, ListCommands, ListCommandInvocations', () => {
    it('answers InvocationDoesNotExist for an unknown command or an instance it did not reach', async () => {
      const unknown = await errorOf(() => getInvocation(ssm, '00000000-0000-0000-0000-000000000000', web1));
      expect(unknown.name).toBe('InvocationDoesNotExist');
      expect(unknown.$metadata?.httpStatusCode).toBe(400);
      const command = await runShell(ssm, ['true'], { InstanceIds: [web1] });
      expect((await errorOf(() => getInvocation(ssm, command.CommandId!, web2))).name).toBe(
        'InvocationDoesNotExist',
      );
      expect((await errorOf(() => getInvocation(ssm, command.CommandId!, web1, 'nope'))).name).toBe(
        'InvalidPluginName',
      );
    });

    it('lists commands newest first, filtered and paginated', async () => {
      const before = new Date(Date.now() - 1000);
      const first = await runShell(ssm, ['true'], { InstanceIds: [db], Comment: 'page-1' });
      const second = await runShell(ssm, ['exit 1'], { InstanceIds: [db], Comment: 'page-2' });
      const third = await runShell(ssm, ['true'], { InstanceIds: [db], Comment: 'page-3' });
      await Promise.all([first, second, third].map((c) => commandSettled(ssm, c.CommandId!)));

      const page1 = await ssm.send(new ListCommandsCommand({ InstanceId: db, MaxResults: 2 }));
      expect(page1.Commands!.map((c) => c.CommandId)).toEqual([third.CommandId, second.CommandId]);
      expect(page1.NextToken).toBeDefined();
      const page2 = await ssm.send(
        new ListCommandsCommand({ InstanceId: db, MaxResults: 2, NextToken: page1.NextToken }),
      );
      expect(page2.Commands!.map((c) => c.CommandId)[0]).toBe(first.CommandId);

      const failed = await ssm.send(
        new ListCommandsCommand({
          Filters: [
            { key: 'Status', value: 'Failed' },
            { key: 'InvokedAfter', value: before.toISOString() },
          ],
        }),
      );
      expect(failed.Commands!.map((c) => c.CommandId)).toContain(second.CommandId);
      expect(failed.Commands!.map((c) => c.CommandId)).not.toContain(third.CommandId);
      const complete = await ssm.send(
        new ListCommandsCommand({
          Filters: [
            { key: 'ExecutionStage', value: 'Complete' },
            { key: 'DocumentName', value: 'AWS-RunShellScript' },
            { key: 'InvokedBefore', value: new Date(Date.now() + 60_000).toISOString() },
          ],
        }),
      );
      expect(complete.Commands!.map((c) => c.CommandId)).toEqual(
        expect.arrayContaining([first.CommandId, second.CommandId, third.CommandId]),
      );
      const none = await ssm.send(
        new ListCommandsCommand({ Filters: [{ key: 'InvokedBefore', value: before.toISOString() }] }),
      );
      expect(none.Commands!.map((c) => c.CommandId)).not.toContain(first.CommandId);

      expect((await getCommand(ssm, third.CommandId!)).Comment).toBe('page-3');
      const unknown = await errorOf(() =>
        ssm.send(new ListCommandsCommand({ CommandId: '00000000-0000-0000-0000-000000000000' })),
      );
      expect(unknown.name).toBe('InvalidCommandId');
      const badToken = await errorOf(() => ssm.send(new ListCommandsCommand({ NextToken: 'garbage' })));
      expect(badToken.name).toBe('InvalidNextToken');
    });

    it('lists invocations with and without details, paginated', async () => {
      const command = await runShell(ssm, ['echo listed'], { InstanceIds: [web1, web2, db] });
      await commandSettled(ssm, command.CommandId!);
      const plain = await ssm.send(new ListCommandInvocationsCommand({ CommandId: command.CommandId }));
      expect(plain.CommandInvocations).toHaveLength(3);
      expect(plain.CommandInvocations![0]).toMatchObject({
        CommandId: command.CommandId,
        Comment: '',
        DocumentName: 'AWS-RunShellScript',
        DocumentVersion: '$DEFAULT',
        Status: 'Success',
        StatusDetails: 'Success',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        CommandPlugins: [],
        ServiceRole: '',
        NotificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
        CloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      });
      expect(plain.CommandInvocations![0]!.RequestedDateTime).toBeInstanceOf(Date);

      const page1 = await ssm.send(
        new ListCommandInvocationsCommand({ CommandId: command.CommandId, MaxResults: 2, Details: true }),
      );
      expect(page1.CommandInvocations).toHaveLength(2);
      const plugin = page1.CommandInvocations![0]!.CommandPlugins![0]!;
      expect(plugin).toMatchObject({
        Name: 'aws:runShellScript',
        Status: 'Success',
        StatusDetails: 'Success',
        ResponseCode: 0,
        Output: 'listed\n',
        StandardOutputUrl: '',
        StandardErrorUrl: '',
        OutputS3Region: 'us-east-1',
        OutputS3BucketName: '',
        OutputS3KeyPrefix: '',
      });
      expect(plugin.ResponseStartDateTime).toBeInstanceOf(Date);
      expect(plugin.ResponseFinishDateTime).toBeInstanceOf(Date);
      const page2 = await ssm.send(
        new ListCommandInvocationsCommand({
          CommandId: command.CommandId,
          MaxResults: 2,
          NextToken: page1.NextToken,
        }),
      );
      expect(page2.CommandInvocations).toHaveLength(1);
      expect(page2.NextToken).toBeUndefined();
      const ids = [...page1.CommandInvocations!, ...page2.CommandInvocations!].map((i) => i.InstanceId);
      expect(ids.sort()).toEqual([web1, web2, db].sort());

      const byInstance = await ssm.send(
        new ListCommandInvocationsCommand({ InstanceId: db, Filters: [{ key: 'Status', value: 'Success' }] }),
      );
      expect(byInstance.CommandInvocations!.every((i) => i.InstanceId === db && i.Status === 'Success')).toBe(
        true,
      );
      const unknown = await ssm.send(
        new ListCommandInvocationsCommand({ CommandId: '00000000-0000-0000-0000-000000000000' }),
      );
      expect(unknown.CommandInvocations).toEqual([]);
    });
  });

  describe('waiters', () => {
    it('waitUntilCommandExecuted succeeds on Success and fails on Failed', async () => {
      const ok = await runShell(ssm, ['sleep 1', 'echo waited'], { InstanceIds: [web2] });
      const waited = await waitUntilCommandExecuted(
        { client: ssm, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
        { CommandId: ok.CommandId!, InstanceId: web2 },
      );
      expect(waited.state).toBe('SUCCESS');
      expect((await getInvocation(ssm, ok.CommandId!, web2)).StandardOutputContent).toBe('waited\n');

      const bad = await runShell(ssm, ['exit 2'], { InstanceIds: [web2] });
      const error = await errorOf(() =>
        waitUntilCommandExecuted(
          { client: ssm, maxWaitTime: 60, minDelay: 1, maxDelay: 2 },
          { CommandId: bad.CommandId!, InstanceId: web2 },
        ),
      );
      expect(error.message).toMatch(/FAILURE/);
    });

    it('`aws ssm wait command-executed` works', async (context) => {
      const run = promisify(execFile);
      const env = {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDCLI',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
      };
      const aws = (...args: string[]) => run('aws', ['--endpoint-url', server.endpoint, ...args], { env });
      const onPath = (process.env.PATH ?? '').split(':').some((dir) => existsSync(`${dir}/aws`));
      if (!onPath) {
        console.warn('!!! SKIPPED: the AWS CLI (aws) is not installed');
        context.skip();
      }
      const ok = await runShell(ssm, ['echo cli'], { InstanceIds: [db] });
      await aws('ssm', 'wait', 'command-executed', '--command-id', ok.CommandId!, '--instance-id', db);
      const shown = JSON.parse(
        (await aws('ssm', 'get-command-invocation', '--command-id', ok.CommandId!, '--instance-id', db))
          .stdout,
      ) as { Status: string; StandardOutputContent: string };
      expect(shown).toMatchObject({ Status: 'Success', StandardOutputContent: 'cli\n' });

      const bad = await runShell(ssm, ['exit 5'], { InstanceIds: [db] });
      await settled(ssm, bad.CommandId!, db);
      const failure = await aws(
        'ssm',
        'wait',
        'command-executed',
        '--command-id',
        bad.CommandId!,
        '--instance-id',
        db,
      ).then(
        () => undefined,
        (error: { code?: number; stderr?: string }) => error,
      );
      expect(failure?.code).toBe(255);
      expect(failure?.stderr).toMatch(/Waiter CommandExecuted failed/);
    });
  });
});
