// Run Command without containers: the answer when no Docker engine is reachable, and the pure parts
// of the status machine and output formatting that every real-container test relies on.
import {
  GetCommandInvocationCommand,
  ListCommandInvocationsCommand,
  ListCommandsCommand,
  SendCommandCommand,
} from '@aws-sdk/client-ssm';
import Docker from 'dockerode';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandsCapability } from '../src/commands/index.js';
import { pluginOutput } from '../src/commands/output.js';
import type { StoredCommand, StoredInvocation } from '../src/commands/state.js';
import { concurrencyLimit, errorLimit, summarizeCommand } from '../src/commands/status.js';
import { isoDuration } from '../src/commands/views.js';
import { executionTimeoutSeconds } from '../src/commands/step.js';
import { documentsCapability } from '../src/documents/index.js';
import { instancesCapability } from '../src/instances/index.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

describe('Run Command with no Docker engine', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      capabilities: [
        instancesCapability({ docker: new Docker({ socketPath: '/nonexistent/docker.sock' }) }),
        documentsCapability(),
        commandsCapability(),
      ],
    });
  });
  afterAll(async () => server?.stop());

  it('still answers, and SendCommand says why it cannot run anything', async () => {
    const ssm = server.client();
    const byId = await errorOf(() =>
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          InstanceIds: ['i-0123456789abcdef0'],
          Parameters: { commands: ['true'] },
        }),
      ),
    );
    expect(byId.name).toBe('InvalidInstanceId');
    expect(byId.$metadata?.httpStatusCode).toBe(400);
    expect(byId.message).toMatch(
      /^Instances \[\[i-0123456789abcdef0\]\] not in a valid state for account 000000000000\. /,
    );
    expect(byId.message).toMatch(/can't reach a Docker engine/);
    const byTag = await errorOf(() =>
      ssm.send(
        new SendCommandCommand({
          DocumentName: 'AWS-RunShellScript',
          Targets: [{ Key: 'tag:Role', Values: ['web'] }],
          Parameters: { commands: ['true'] },
        }),
      ),
    );
    expect(byTag.name).toBe('InvalidInstanceId');
    expect((await ssm.send(new ListCommandsCommand({}))).Commands).toEqual([]);
    const none = await errorOf(() =>
      ssm.send(
        new GetCommandInvocationCommand({
          CommandId: '00000000-0000-0000-0000-000000000000',
          InstanceId: 'i-0123456789abcdef0',
        }),
      ),
    );
    expect(none.name).toBe('InvocationDoesNotExist');
  });
});

describe('Run Command state in the data file', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssm-local-commands-file-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('reads a data file that keeps invocations inside their command, and rewrites it', async () => {
    // The layout ssm-local wrote before each invocation became a record of its own.
    const dataPath = join(folder, 'old.json');
    const commandId = '1a2b3c4d-0000-4000-8000-000000000001';
    const plugin = {
      name: 'runShellScript',
      status: 'Success',
      statusDetails: 'Success',
      responseCode: 0,
      startedAt: 1_700_000_000_000,
      finishedAt: 1_700_000_001_000,
      stdout: 'kept\n',
      stderr: '',
    };
    const stored = {
      commandId,
      seq: 0,
      documentName: 'AWS-RunShellScript',
      documentVersion: '$DEFAULT',
      resolvedVersion: '1',
      schemaVersion: '1.2',
      comment: '',
      parameters: { commands: ['echo kept'] },
      instanceIds: ['i-0123456789abcdef0', 'i-0123456789abcdef1'],
      targets: [],
      requestedAt: 1_700_000_000_000,
      expiresAt: 1_700_003_600_000,
      timeoutSeconds: 3600,
      maxConcurrency: '50',
      maxErrors: '0',
      outputS3Region: 'us-east-1',
      outputS3BucketName: '',
      outputS3KeyPrefix: '',
      serviceRole: '',
      notificationConfig: { NotificationArn: '', NotificationEvents: [], NotificationType: '' },
      cloudWatchOutputConfig: { CloudWatchLogGroupName: '', CloudWatchOutputEnabled: false },
      steps: [
        { action: 'aws:runShellScript', name: 'runShellScript', inputs: { runCommand: ['echo kept'] } },
      ],
      cancelRequested: false,
      invocations: ['i-0123456789abcdef0', 'i-0123456789abcdef1'].map((instanceId) => ({
        instanceId,
        instanceName: instanceId,
        status: 'Success',
        statusDetails: 'Success',
        plugins: [plugin],
      })),
    };
    writeFileSync(
      dataPath,
      JSON.stringify({
        format: 1,
        journal: 1,
        regions: { '000000000000/us-east-1': { commands: { commands: { [commandId]: stored } } } },
      }),
    );
    for (let start = 0; start < 2; start++) {
      const server = await startTestServer({ dataPath });
      try {
        const ssm = server.client();
        const listed = await ssm.send(new ListCommandsCommand({ CommandId: commandId }));
        expect(listed.Commands?.[0]).toMatchObject({ Status: 'Success', TargetCount: 2, CompletedCount: 2 });
        const invocations = await ssm.send(new ListCommandInvocationsCommand({ CommandId: commandId }));
        expect(invocations.CommandInvocations?.map((i) => i.InstanceId)).toEqual([
          'i-0123456789abcdef0',
          'i-0123456789abcdef1',
        ]);
        const one = await ssm.send(
          new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: 'i-0123456789abcdef1' }),
        );
        expect(one).toMatchObject({ Status: 'Success', StandardOutputContent: 'kept\n' });
      } finally {
        await server.stop();
      }
      // Rewritten at the first start: the command no longer carries its invocations.
      const document = JSON.parse(readFileSync(dataPath, 'utf8')) as {
        regions: Record<string, { commands: { commands: Record<string, object>; invocations: object } }>;
      };
      const state = document.regions['000000000000/us-east-1']!.commands;
      expect(Object.keys(state.commands[commandId]!)).not.toContain('invocations');
      expect(Object.keys(state.invocations)).toEqual([
        `${commandId}/i-0123456789abcdef0`,
        `${commandId}/i-0123456789abcdef1`,
      ]);
    }
  });
});

function invocation(status: StoredInvocation['status'], statusDetails = status as string): StoredInvocation {
  return { instanceId: 'i-0123456789abcdef0', instanceName: 'x', status, statusDetails, plugins: [] };
}

function command(invocations: StoredInvocation[], maxErrors = '0', maxConcurrency = '50'): StoredCommand {
  return { invocations, maxErrors, maxConcurrency, cancelRequested: false } as unknown as StoredCommand;
}

describe('Run Command status machine', () => {
  it('aggregates invocations into the command status as AWS documents it', () => {
    expect(summarizeCommand(command([invocation('Pending'), invocation('Pending')]))).toMatchObject({
      status: 'Pending',
      statusDetails: 'Pending',
      targetCount: 2,
      completedCount: 0,
    });
    expect(summarizeCommand(command([invocation('InProgress'), invocation('Pending')])).status).toBe(
      'InProgress',
    );
    expect(summarizeCommand(command([invocation('Success'), invocation('Success')])).statusDetails).toBe(
      'Success',
    );
    expect(summarizeCommand(command([invocation('Success'), invocation('Failed')]))).toMatchObject({
      status: 'Failed',
      statusDetails: 'Failed',
      errorCount: 1,
      completedCount: 2,
    });
    expect(summarizeCommand(command([invocation('Success'), invocation('Failed')], '1'))).toMatchObject({
      status: 'Failed',
      statusDetails: 'Incomplete',
    });
    expect(summarizeCommand(command([invocation('TimedOut', 'ExecutionTimedOut')]))).toMatchObject({
      status: 'TimedOut',
      statusDetails: 'ExecutionTimedOut',
      errorCount: 1,
    });
    expect(summarizeCommand(command([invocation('TimedOut', 'DeliveryTimedOut')]))).toMatchObject({
      status: 'TimedOut',
      statusDetails: 'DeliveryTimedOut',
      errorCount: 0,
      deliveryTimedOutCount: 1,
    });
    // Undeliverable neither counts as an error nor keeps the command from succeeding.
    expect(
      summarizeCommand(command([invocation('Success'), invocation('Failed', 'Undeliverable')])).status,
    ).toBe('Success');
    expect(summarizeCommand(command([invocation('Cancelling'), invocation('Success')])).status).toBe(
      'Cancelling',
    );
    expect(summarizeCommand(command([]))).toMatchObject({
      status: 'Failed',
      statusDetails: 'NoInstancesInTag',
    });
  });

  it('turns MaxConcurrency and MaxErrors into numbers of targets', () => {
    const ten = Array.from({ length: 10 }, () => invocation('Pending'));
    expect(concurrencyLimit(command(ten, '0', '3'))).toBe(3);
    expect(concurrencyLimit(command(ten, '0', '25%'))).toBe(2);
    expect(concurrencyLimit(command(ten, '0', '1%'))).toBe(1);
    expect(errorLimit(command(ten, '50%'))).toBe(5);
    expect(errorLimit(command(ten, '0'))).toBe(0);
  });

  it('reads executionTimeout as the agent does: 5..172800 seconds, else 3600', () => {
    expect(executionTimeoutSeconds('30')).toBe(30);
    expect(executionTimeoutSeconds('4')).toBe(3600);
    expect(executionTimeoutSeconds('172801')).toBe(3600);
    expect(executionTimeoutSeconds('')).toBe(3600);
    expect(executionTimeoutSeconds(undefined)).toBe(3600);
  });
});

describe('Run Command output formats', () => {
  it('writes ExecutionElapsedTime as an ISO 8601 duration', () => {
    expect(isoDuration(0)).toBe('PT0S');
    expect(isoDuration(91)).toBe('PT0.091S');
    expect(isoDuration(1500)).toBe('PT1.5S');
    expect(isoDuration(60_000)).toBe('PT1M');
    expect(isoDuration(3_723_400)).toBe('PT1H2M3.4S');
  });

  it('builds the plugin Output from stdout and stderr within the agent budget', () => {
    expect(pluginOutput('out\n', '')).toBe('out\n');
    expect(pluginOutput('out\n', 'err\n')).toBe('out\n\n----------ERROR-------\nerr\n');
    const long = pluginOutput('o'.repeat(5000), 'e'.repeat(10));
    expect(long.length).toBeLessThanOrEqual(2500);
    expect(long).toMatch(/^o+\n---Output truncated---\n----------ERROR-------\ne{10}$/);
    const errors = pluginOutput('ok', 'e'.repeat(5000));
    expect(errors).toMatch(/^ok\n----------ERROR-------\ne+\n---Error truncated----$/);
    expect(errors.length).toBeLessThanOrEqual(2500);
  });
});
