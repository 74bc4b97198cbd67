// Cross-client checks: the AWS CLI (Debian's awscli, v2) and boto3 against the emulator. Both are
// installed by .ci/run; outside CI a missing client skips loudly, in CI it fails.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

const run = promisify(execFile);
const awsCli = ['/usr/bin/aws', '/usr/local/bin/aws'].find((p) => existsSync(p));
const inCi = process.env.CI === 'true';

async function hasBoto3(): Promise<boolean> {
  try {
    await run('python3', ['-c', 'import boto3']);
    return true;
  } catch {
    return false;
  }
}

const boto3Available = await hasBoto3();
for (const [what, ok] of [
  ['AWS CLI', awsCli !== undefined],
  ['boto3', boto3Available],
] as const) {
  if (!ok) {
    if (inCi) throw new Error(`${what} is not installed, and CI must run the cross-client checks`);
    console.warn(`\n!!! ${what} is not installed: skipping its cross-client checks (CI runs them) !!!\n`);
  }
}

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server.stop());

describe.skipIf(!awsCli)('AWS CLI', () => {
  const aws = async (...args: string[]): Promise<unknown> => {
    const { stdout } = await run(awsCli!, [...args, '--endpoint-url', server.endpoint, '--output', 'json'], {
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDCLI',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_PAGER: '',
      },
    });
    return stdout.trim() ? (JSON.parse(stdout) as unknown) : undefined;
  };

  it('puts, gets, lists by path with auto-pagination, and handles secure strings', async () => {
    expect(
      await aws('ssm', 'put-parameter', '--name', '/cli/plain', '--value', 'hello', '--type', 'String'),
    ).toEqual({
      Version: 1,
      Tier: 'Standard',
    });
    const got = (await aws('ssm', 'get-parameter', '--name', '/cli/plain')) as {
      Parameter: { Value: string };
    };
    expect(got.Parameter.Value).toBe('hello');

    // Each CLI run takes about a second to start: six at a time.
    const names = Array.from({ length: 23 }, (_, i) => `/cli/many/p${String(i).padStart(2, '0')}`);
    for (let i = 0; i < names.length; i += 6) {
      await Promise.all(
        names
          .slice(i, i + 6)
          .map((name) => aws('ssm', 'put-parameter', '--name', name, '--value', name, '--type', 'String')),
      );
    }
    // The CLI follows NextToken by itself; page size 5 makes it take five pages.
    const listed = (await aws(
      'ssm',
      'get-parameters-by-path',
      '--path',
      '/cli/many',
      '--page-size',
      '5',
    )) as {
      Parameters: { Name: string }[];
    };
    expect(listed.Parameters.map((p) => p.Name).sort()).toEqual(names);

    await aws('ssm', 'put-parameter', '--name', '/cli/secret', '--value', 's3cr3t', '--type', 'SecureString');
    const hidden = (await aws('ssm', 'get-parameter', '--name', '/cli/secret')) as {
      Parameter: { Value: string };
    };
    expect(hidden.Parameter.Value).not.toBe('s3cr3t');
    const shown = (await aws('ssm', 'get-parameter', '--name', '/cli/secret', '--with-decryption')) as {
      Parameter: { Value: string };
    };
    expect(shown.Parameter.Value).toBe('s3cr3t');
  }, 180_000);

  it('reports errors the way the CLI prints them', async () => {
    const error = await aws('ssm', 'get-parameter', '--name', '/cli/missing').catch(
      (e: { stderr: string }) => e,
    );
    expect((error as { stderr: string }).stderr).toContain('(ParameterNotFound)');
  });
  it('creates, updates, lists and deletes an association, and reads the inventory schema', async () => {
    const created = (await aws(
      'ssm',
      'create-association',
      '--name',
      'AWS-RunShellScript',
      '--targets',
      'Key=tag:Role,Values=cli-nobody',
      '--parameters',
      'commands=["echo from the CLI"]',
      '--schedule-expression',
      'rate(30 minutes)',
      '--association-name',
      'cli-association',
    )) as { AssociationDescription: { AssociationId: string; AssociationVersion: string } };
    const id = created.AssociationDescription.AssociationId;
    expect(created.AssociationDescription.AssociationVersion).toBe('1');
    // As AWS documents, UpdateAssociation replaces every optional member: the parameters go again.
    await aws(
      'ssm',
      'update-association',
      '--association-id',
      id,
      '--parameters',
      'commands=["echo from the CLI"]',
      '--schedule-expression',
      'rate(1 hour)',
    );
    const versions = (await aws('ssm', 'list-association-versions', '--association-id', id)) as {
      AssociationVersions: { AssociationVersion: string }[];
    };
    expect(versions.AssociationVersions.map((v) => v.AssociationVersion).sort()).toEqual(['1', '2']);
    const listed = (await aws('ssm', 'list-associations')) as {
      Associations: { AssociationId: string; ScheduleExpression: string }[];
    };
    expect(listed.Associations.find((a) => a.AssociationId === id)?.ScheduleExpression).toBe('rate(1 hour)');
    const schema = (await aws('ssm', 'get-inventory-schema', '--type-name', 'AWS:Application')) as {
      Schemas: { TypeName: string }[];
    };
    expect(schema.Schemas.map((s) => s.TypeName)).toContain('AWS:Application');
    await aws('ssm', 'delete-association', '--association-id', id);
    const error = await aws('ssm', 'describe-association', '--association-id', id).catch(
      (e: { stderr: string }) => e,
    );
    expect((error as { stderr: string }).stderr).toContain('(AssociationDoesNotExist)');
  }, 120_000);
  it('runs a runbook: start, step executions, the execution list and a stop', async () => {
    await aws(
      'ssm',
      'create-document',
      '--name',
      'Cli-Runbook',
      '--document-type',
      'Automation',
      '--content',
      JSON.stringify({
        schemaVersion: '0.3',
        parameters: { Wait: { type: 'String', default: 'PT0S' } },
        mainSteps: [
          { name: 'first', action: 'aws:sleep', inputs: { Duration: '{{ Wait }}' } },
          { name: 'second', action: 'aws:pause', inputs: {} },
        ],
      }),
    );
    const { AutomationExecutionId: id } = (await aws(
      'ssm',
      'start-automation-execution',
      '--document-name',
      'Cli-Runbook',
      '--parameters',
      'Wait=PT0S',
    )) as { AutomationExecutionId: string };
    let execution: {
      AutomationExecutionStatus: string;
      StepExecutions: { StepName: string; StepStatus: string }[];
    };
    for (;;) {
      execution = (
        (await aws('ssm', 'get-automation-execution', '--automation-execution-id', id)) as {
          AutomationExecution: typeof execution;
        }
      ).AutomationExecution;
      if (execution.AutomationExecutionStatus === 'Waiting') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(execution.StepExecutions.map((s) => [s.StepName, s.StepStatus])).toEqual([
      ['first', 'Success'],
      ['second', 'Waiting'],
    ]);
    const listed = (await aws(
      'ssm',
      'describe-automation-executions',
      '--filters',
      'Key=DocumentNamePrefix,Values=Cli-',
    )) as { AutomationExecutionMetadataList: { AutomationExecutionId: string }[] };
    expect(listed.AutomationExecutionMetadataList.map((e) => e.AutomationExecutionId)).toEqual([id]);
    await aws('ssm', 'stop-automation-execution', '--automation-execution-id', id, '--type', 'Cancel');
    const steps = (await aws(
      'ssm',
      'describe-automation-step-executions',
      '--automation-execution-id',
      id,
    )) as {
      StepExecutions: { StepName: string; StepStatus: string }[];
    };
    expect(steps.StepExecutions.map((s) => s.StepStatus)).toEqual(['Success', 'Cancelled']);
    const error = await aws('ssm', 'start-automation-execution', '--document-name', 'Cli-Missing').catch(
      (e: { stderr: string }) => e,
    );
    expect((error as { stderr: string }).stderr).toContain('(AutomationDefinitionNotFoundException)');
  }, 120_000);
});

describe.skipIf(!boto3Available)('boto3', () => {
  it('puts, gets, paginates by path, and handles secure strings', async () => {
    const script = fileURLToPath(new URL('./support/boto3_smoke.py', import.meta.url));
    const { stdout } = await run('python3', [script, server.endpoint, '/boto3']);
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect((seen.put as { Version: number }).Version).toBe(1);
    expect(seen.get).toBe('from boto3');
    expect(seen.byPath).toEqual(
      Array.from({ length: 23 }, (_, i) => `/boto3/many/p${String(i).padStart(2, '0')}`),
    );
    expect(seen.secretEncrypted).not.toBe('s3cr3t');
    expect(seen.secretDecrypted).toBe('s3cr3t');
    expect(seen.missing).toBe('ParameterNotFound');
  });

  it('creates associations and patch baselines with paginators, and reads compliance and inventory', async () => {
    const script = fileURLToPath(new URL('./support/boto3_state_manager.py', import.meta.url));
    const { stdout } = await run('python3', [script, server.endpoint]);
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen.created).toBe(12);
    expect(seen.listed).toBeGreaterThanOrEqual(12);
    expect(seen.versions).toEqual(['1', '2']);
    expect(seen.missing).toBe('AssociationDoesNotExist');
    expect(seen.badSchedule).toBe('InvalidSchedule');
    expect(seen.schemaTypes).toContain('AWS:InstanceInformation');
    expect(seen.complianceSummaries).toEqual([]);
    expect(seen.debianDefault).toBe('arn:aws:ssm:eu-west-1:845259048710:patchbaseline/pb-03f5d85c9a9cb5c1e');
    expect(seen.patchGroups).toEqual(['boto3-group']);
    expect(seen.deleteInUse).toBe('ResourceInUseException');
  });

  it('runs a runbook with an approval, pages executions, and raises the Automation errors', async () => {
    const script = fileURLToPath(new URL('./support/boto3_automation.py', import.meta.url));
    const { stdout } = await run('python3', [script, server.endpoint]);
    const seen = JSON.parse(stdout) as Record<string, unknown>;
    expect(seen.waiting).toBe('Waiting');
    expect(seen.status).toBe('Success');
    expect(seen.outputs).toEqual({ 'approve.ApprovalStatus': ['Approved'] });
    expect(seen.steps).toEqual([
      ['approve', 'Success'],
      ['done', 'Success'],
    ]);
    expect(seen.listed).toBe(8);
    expect(seen.missing).toBe('AutomationDefinitionNotFoundException');
    expect(seen.badParameter).toBe('InvalidAutomationExecutionParametersException');
    expect(seen.unknown).toBe('AutomationExecutionNotFoundException');
  }, 60_000);
});
