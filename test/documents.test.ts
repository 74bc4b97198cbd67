// SSM documents through the real SDK: create, read, convert, list, version, delete, tag, validate.
import {
  AddTagsToResourceCommand,
  CreateDocumentCommand,
  DeleteDocumentCommand,
  DescribeDocumentCommand,
  GetDocumentCommand,
  ListDocumentsCommand,
  ListDocumentVersionsCommand,
  ListTagsForResourceCommand,
  RemoveTagsFromResourceCommand,
  UpdateDocumentCommand,
  UpdateDocumentDefaultVersionCommand,
  type CreateDocumentCommandInput,
  type ListDocumentsCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ssm: SSMClient;
beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
});
afterAll(async () => server.stop());

const shellDoc = (commands: string[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    schemaVersion: '2.2',
    description: 'Runs things',
    parameters: { message: { type: 'String', default: 'hello', description: 'What to say' } },
    mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: commands } }],
    ...extra,
  });

const create = (input: Partial<CreateDocumentCommandInput> & { Name: string }) =>
  ssm.send(new CreateDocumentCommand({ Content: shellDoc(['echo {{ message }}']), ...input }));

async function expectError(fn: () => Promise<unknown>, name: string, message?: string | RegExp) {
  const error = await errorOf(fn);
  expect(error.name).toBe(name);
  expect(error.$metadata?.httpStatusCode).toBe(400);
  if (typeof message === 'string') expect(error.message).toBe(message);
  else if (message) expect(error.message).toMatch(message);
  return error;
}

describe('Amazon-owned documents', () => {
  it('are listed with Owner Amazon in every account and region', async () => {
    for (const client of [ssm, server.client('eu-west-1'), server.client('us-east-1', '111122223333')]) {
      const { DocumentIdentifiers } = await client.send(
        new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Amazon'] }] }),
      );
      expect(DocumentIdentifiers!.map((d) => d.Name)).toEqual([
        'AWS-CreateImage',
        'AWS-GatherSoftwareInventory',
        'AWS-RestartEC2Instance',
        'AWS-RunDocument',
        'AWS-RunPatchBaseline',
        'AWS-RunPowerShellScript',
        'AWS-RunShellScript',
        'AWS-StartEC2Instance',
        'AWS-StartInteractiveCommand',
        'AWS-StartNonInteractiveCommand',
        'AWS-StartPortForwardingSession',
        'AWS-StartPortForwardingSessionToRemoteHost',
        'AWS-StartSSHSession',
        'AWS-StopEC2Instance',
      ]);
      expect(DocumentIdentifiers!.every((d) => d.Owner === 'Amazon')).toBe(true);
      expect(DocumentIdentifiers!.filter((d) => d.DocumentType === 'Session').map((d) => d.Name)).toEqual(
        DocumentIdentifiers!.filter((d) => /^AWS-Start.*(Session|Command)/.test(d.Name!)).map((d) => d.Name),
      );
      expect(DocumentIdentifiers!.filter((d) => d.DocumentType === 'Automation').map((d) => d.Name)).toEqual(
        DocumentIdentifiers!
          .filter((d) => d.Name!.endsWith('EC2Instance') || d.Name === 'AWS-CreateImage')
          .map((d) => d.Name),
      );
    }
  });

  it('describe AWS-RunShellScript as AWS does, with a Sha256 hash of the content', async () => {
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-RunShellScript' }));
    expect(Document).toMatchObject({
      Name: 'AWS-RunShellScript',
      Owner: 'Amazon',
      DocumentVersion: '1',
      LatestVersion: '1',
      DefaultVersion: '1',
      SchemaVersion: '1.2',
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      Status: 'Active',
      HashType: 'Sha256',
      PlatformTypes: ['Linux', 'MacOS'],
      Description: 'Run a shell script or specify the commands to run.',
    });
    expect(Document!.Parameters).toEqual([
      {
        Name: 'commands',
        Type: 'StringList',
        Description: '(Required) Specify a shell script or a command to run.',
      },
      {
        Name: 'workingDirectory',
        Type: 'String',
        Description: '(Optional) The path to the working directory on your instance.',
        DefaultValue: '',
      },
      expect.objectContaining({ Name: 'executionTimeout', Type: 'String', DefaultValue: '3600' }),
    ]);
    const { Content } = await ssm.send(new GetDocumentCommand({ Name: 'AWS-RunShellScript' }));
    expect(createHash('sha256').update(Content!).digest('hex')).toBe(Document!.Hash);
    expect(JSON.parse(Content!)).toMatchObject({
      runtimeConfig: { 'aws:runShellScript': expect.any(Object) },
    });
  });

  it('derive platform types from the plugins', async () => {
    const ps = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-RunPowerShellScript' }));
    expect(ps.Document!.PlatformTypes).toEqual(['Windows', 'Linux']);
    const rd = await ssm.send(new DescribeDocumentCommand({ Name: 'AWS-RunDocument' }));
    expect(rd.Document!.PlatformTypes).toEqual(['Windows', 'Linux', 'MacOS']);
    expect(rd.Document!.SchemaVersion).toBe('2.2');
  });

  it('are found by ARN too', async () => {
    const { Document } = await ssm.send(
      new DescribeDocumentCommand({ Name: 'arn:aws:ssm:us-east-1::document/AWS-RunShellScript' }),
    );
    expect(Document!.Name).toBe('AWS-RunShellScript');
  });

  it('can not be updated or deleted', async () => {
    await expectError(
      () => ssm.send(new UpdateDocumentCommand({ Name: 'AWS-RunShellScript', Content: shellDoc(['x']) })),
      'InvalidDocumentOperation',
    );
    await expectError(
      () => ssm.send(new DeleteDocumentCommand({ Name: 'AWS-RunShellScript' })),
      'InvalidDocumentOperation',
    );
    await expectError(
      () =>
        ssm.send(
          new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'AWS-RunShellScript' }),
        ),
      'InvalidResourceId',
    );
  });
});

describe('CreateDocument', () => {
  it('answers Status Creating, then DescribeDocument shows Active', async () => {
    const { DocumentDescription: d } = await create({
      Name: 'Create-1',
      DisplayName: 'First one',
      VersionName: 'v1.0',
      TargetType: '/AWS::EC2::Instance',
      Tags: [{ Key: 'team', Value: 'ops' }],
    });
    expect(d).toMatchObject({
      Name: 'Create-1',
      Owner: '000000000000',
      Status: 'Creating',
      DocumentVersion: '1',
      LatestVersion: '1',
      DefaultVersion: '1',
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      SchemaVersion: '2.2',
      Description: 'Runs things',
      DisplayName: 'First one',
      VersionName: 'v1.0',
      TargetType: '/AWS::EC2::Instance',
      HashType: 'Sha256',
      PlatformTypes: ['Linux', 'MacOS'],
      Parameters: [{ Name: 'message', Type: 'String', Description: 'What to say', DefaultValue: 'hello' }],
      Tags: [{ Key: 'team', Value: 'ops' }],
    });
    expect(d!.Hash).toBe(
      createHash('sha256')
        .update(shellDoc(['echo {{ message }}']))
        .digest('hex'),
    );
    expect(d!.CreatedDate).toBeInstanceOf(Date);
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: 'Create-1' }));
    expect(Document!.Status).toBe('Active');
    expect(Document!.Hash).toBe(d!.Hash);
  });

  it('refuses an existing name', async () => {
    await create({ Name: 'Dup-Name' });
    await expectError(
      () => create({ Name: 'Dup-Name' }),
      'DocumentAlreadyExists',
      'The specified document already exists.',
    );
  });

  it('refuses the prefixes AWS reserves', async () => {
    for (const name of [
      'AWS-Mine',
      'aws-mine',
      'AmazonThing',
      'amzn-x',
      'AWSSupport-x',
      'AWSEC2-x',
      'AWSConfigRemediation-x',
    ]) {
      await expectError(() => create({ Name: name }), 'ValidationException', `Invalid document name ${name}`);
    }
    expect((await create({ Name: 'awsome-tool' })).DocumentDescription!.Name).toBe('awsome-tool');
  });

  it('validates the name against the model', async () => {
    await expectError(
      () => create({ Name: 'a b' }),
      'ValidationException',
      /Value 'a b' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern/,
    );
  });

  it('reports malformed JSON and YAML with the position, as AWS does', async () => {
    await expectError(
      () => create({ Name: 'Bad-Json', Content: 'https://example.com/doc.json' }),
      'InvalidDocumentContent',
      'JSON not well-formed. at Line: 1, Column: 6',
    );
    await expectError(
      () => create({ Name: 'Bad-Json2', Content: '{\n  "schemaVersion": "2.2",\n  mainSteps\n}' }),
      'InvalidDocumentContent',
      'JSON not well-formed. at Line: 3, Column: 12',
    );
    // YAML content without DocumentFormat: read as JSON, as AWS does.
    await expectError(
      () => create({ Name: 'Yaml-As-Json', Content: 'schemaVersion: "2.2"\n' }),
      'InvalidDocumentContent',
      /^JSON not well-formed\. at Line: 1/,
    );
    await expectError(
      () => create({ Name: 'Bad-Yaml', DocumentFormat: 'YAML', Content: 'a: [1,\n b: c: d' }),
      'InvalidDocumentContent',
      /^YAML not well-formed\. at Line: 2, Column: \d+$/,
    );
  });

  it('validates the content for the document type', async () => {
    const cases: [string, unknown, string][] = [
      ['no schema', { mainSteps: [] }, 'InvalidDocumentContent'],
      ['array', [1, 2], 'InvalidDocumentContent'],
      ['no steps', { schemaVersion: '2.2', mainSteps: [] }, 'InvalidDocumentContent'],
      [
        'bad plugin',
        { schemaVersion: '2.2', mainSteps: [{ action: 'aws:nope', name: 'x' }] },
        'InvalidDocumentContent',
      ],
      [
        'dup steps',
        {
          schemaVersion: '2.2',
          mainSteps: [
            { action: 'aws:runShellScript', name: 'x', inputs: {} },
            { action: 'aws:runShellScript', name: 'x', inputs: {} },
          ],
        },
        'InvalidDocumentContent',
      ],
      [
        '1.2 with steps',
        { schemaVersion: '1.2', mainSteps: [{ action: 'aws:runShellScript', name: 'x' }] },
        'InvalidDocumentContent',
      ],
      [
        'precondition in 2.0',
        {
          schemaVersion: '2.0',
          mainSteps: [
            {
              action: 'aws:runShellScript',
              name: 'x',
              precondition: { StringEquals: ['platformType', 'Linux'] },
            },
          ],
        },
        'InvalidDocumentContent',
      ],
      [
        'bad precondition',
        {
          schemaVersion: '2.2',
          mainSteps: [
            {
              action: 'aws:runShellScript',
              name: 'x',
              precondition: { StringEquals: ['platformType', 'Solaris'] },
            },
          ],
        },
        'InvalidDocumentContent',
      ],
      [
        'bad parameter type',
        {
          schemaVersion: '2.2',
          parameters: { p: { type: 'Float' } },
          mainSteps: [{ action: 'aws:runShellScript', name: 'x' }],
        },
        'InvalidDocumentContent',
      ],
      [
        'bad default',
        {
          schemaVersion: '2.2',
          parameters: { p: { type: 'StringList', default: 'x' } },
          mainSteps: [{ action: 'aws:runShellScript', name: 'x' }],
        },
        'InvalidDocumentContent',
      ],
      ['schema 3.0', { schemaVersion: '3.0', mainSteps: [] }, 'InvalidDocumentSchemaVersion'],
      ['schema 0.3 for Command', { schemaVersion: '0.3', mainSteps: [] }, 'InvalidDocumentSchemaVersion'],
    ];
    for (const [label, content, code] of cases) {
      const error = await errorOf(() =>
        create({ Name: 'Invalid-Content', Content: JSON.stringify(content) }),
      );
      expect(`${label}: ${error.name}`).toBe(`${label}: ${code}`);
    }
    await expectError(
      () =>
        create({
          Name: 'Auto-Bad',
          DocumentType: 'Automation',
          Content: JSON.stringify({ schemaVersion: '2.2', mainSteps: [{ action: 'aws:sleep', name: 's' }] }),
        }),
      'InvalidDocumentSchemaVersion',
    );
  });

  it('keeps a 2.2 precondition and limits the platform types to it', async () => {
    const content = JSON.stringify({
      schemaVersion: '2.2',
      mainSteps: [
        {
          action: 'aws:runPowerShellScript',
          name: 'win',
          precondition: { StringEquals: ['platformType', 'Windows'] },
          inputs: { runCommand: ['dir'] },
        },
      ],
    });
    const { DocumentDescription } = await create({ Name: 'Windows-Only', Content: content });
    expect(DocumentDescription!.PlatformTypes).toEqual(['Windows']);
  });

  it('creates Automation documents in YAML and Session documents', async () => {
    const yaml = [
      "schemaVersion: '0.3'",
      'description: Restart things',
      'parameters:',
      '  InstanceId:',
      '    type: String',
      'mainSteps:',
      '  - name: sleep',
      '    action: aws:sleep',
      '    inputs:',
      '      Duration: PT1S',
      '',
    ].join('\n');
    const { DocumentDescription } = await create({
      Name: 'Auto-Yaml',
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      Content: yaml,
    });
    expect(DocumentDescription).toMatchObject({
      DocumentType: 'Automation',
      DocumentFormat: 'YAML',
      SchemaVersion: '0.3',
      PlatformTypes: ['Windows', 'Linux', 'MacOS'],
      Parameters: [{ Name: 'InstanceId', Type: 'String' }],
    });
    const session = await create({
      Name: 'My-Session-Prefs',
      DocumentType: 'Session',
      Content: JSON.stringify({
        schemaVersion: '1.0',
        sessionType: 'Standard_Stream',
        inputs: { idleSessionTimeout: '20' },
      }),
    });
    expect(session.DocumentDescription!.SchemaVersion).toBe('1.0');
  });

  it('enforces the 64 KB content limit', async () => {
    const big = shellDoc(['echo ' + 'x'.repeat(64 * 1024)]);
    await expectError(
      () => create({ Name: 'Too-Big', Content: big }),
      'MaxDocumentSizeExceeded',
      'The size limit of a document is 64 KB.',
    );
  });

  it('answers a clear error for what ssm-local does not support', async () => {
    await expectError(
      () => create({ Name: 'With-Attachment', Attachments: [{ Key: 'SourceUrl', Values: ['s3://b/k'] }] }),
      'ValidationException',
      /attachments/i,
    );
    await expectError(
      () => create({ Name: 'A-Package', DocumentType: 'Package' }),
      'ValidationException',
      /Package/,
    );
    await expectError(() => create({ Name: 'A-Text', DocumentFormat: 'TEXT' }), 'InvalidDocumentContent');
  });

  it('refuses an allowedPattern RE2 cannot run, on create and on update', async () => {
    // Lookaround is Java regex syntax, but patterns run on RE2 (as Parameter Store's do), which has none.
    const withPattern = (allowedPattern: string) =>
      shellDoc(['echo {{ user }}'], {
        parameters: { user: { type: 'String', allowedPattern } },
      });
    await expectError(
      () => create({ Name: 'Lookaround', Content: withPattern('^(?!root$).+$') }),
      'InvalidDocumentContent',
      'Parameter "user" is not valid: allowedPattern "^(?!root$).+$" is not a valid regular expression (lookaround and backreferences are not supported).',
    );
    await create({ Name: 'Plain-Pattern', Content: withPattern('^[a-z]+$') });
    await expectError(
      () =>
        ssm.send(new UpdateDocumentCommand({ Name: 'Plain-Pattern', Content: withPattern('^(?!root$).+$') })),
      'InvalidDocumentContent',
      /allowedPattern/,
    );
    await expectError(
      () => ssm.send(new UpdateDocumentCommand({ Name: 'Plain-Pattern', Content: withPattern('(a)\\1') })),
      'InvalidDocumentContent',
      /allowedPattern/,
    );
  });
});

describe('GetDocument', () => {
  it('returns the content as stored, and converts JSON <-> YAML on request', async () => {
    const json = shellDoc(['echo one', 'echo two']);
    await create({ Name: 'Convert-Json', Content: json });
    const asStored = await ssm.send(new GetDocumentCommand({ Name: 'Convert-Json' }));
    expect(asStored).toMatchObject({
      Name: 'Convert-Json',
      Content: json,
      DocumentFormat: 'JSON',
      DocumentType: 'Command',
      Status: 'Active',
      DocumentVersion: '1',
    });
    const asYaml = await ssm.send(new GetDocumentCommand({ Name: 'Convert-Json', DocumentFormat: 'YAML' }));
    expect(asYaml.DocumentFormat).toBe('YAML');
    expect(parseYaml(asYaml.Content!)).toEqual(JSON.parse(json));

    const yaml =
      "schemaVersion: '2.2'\nmainSteps:\n  - action: aws:runShellScript\n    name: run\n    inputs:\n      runCommand:\n        - uname -a\n";
    await create({ Name: 'Convert-Yaml', DocumentFormat: 'YAML', Content: yaml });
    expect((await ssm.send(new GetDocumentCommand({ Name: 'Convert-Yaml' }))).Content).toBe(yaml);
    const asJson = await ssm.send(new GetDocumentCommand({ Name: 'Convert-Yaml', DocumentFormat: 'JSON' }));
    expect(JSON.parse(asJson.Content!)).toEqual(parseYaml(yaml));
  });

  it('answers InvalidDocument for a missing document and InvalidDocumentVersion for a missing version', async () => {
    await expectError(
      () => ssm.send(new GetDocumentCommand({ Name: 'No-Such-Doc' })),
      'InvalidDocument',
      'The specified document does not exist.',
    );
    await expectError(
      () => ssm.send(new DescribeDocumentCommand({ Name: 'No-Such-Doc' })),
      'InvalidDocument',
    );
    await create({ Name: 'One-Version' });
    await expectError(
      () => ssm.send(new GetDocumentCommand({ Name: 'One-Version', DocumentVersion: '7' })),
      'InvalidDocumentVersion',
      'The document version is not valid or does not exist.',
    );
    await expectError(
      () => ssm.send(new GetDocumentCommand({ Name: 'One-Version', VersionName: 'nope' })),
      'InvalidDocumentVersion',
    );
  });

  it('keeps documents apart per account and region', async () => {
    await create({ Name: 'Only-Here' });
    await expectError(
      () => server.client('eu-west-1').send(new GetDocumentCommand({ Name: 'Only-Here' })),
      'InvalidDocument',
    );
    await expectError(
      () => server.client('us-east-1', '222233334444').send(new GetDocumentCommand({ Name: 'Only-Here' })),
      'InvalidDocument',
    );
  });
});

describe('YAML details and persistence', () => {
  it('reads an unquoted YAML schemaVersion as AWS shows it', async () => {
    const yaml = (v: string) =>
      `schemaVersion: ${v}\nmainSteps:\n  - action: aws:runShellScript\n    name: run\n    inputs:\n      runCommand: [date]\n`;
    const a = await create({ Name: 'Yaml-22', DocumentFormat: 'YAML', Content: yaml('2.2') });
    expect(a.DocumentDescription!.SchemaVersion).toBe('2.2');
    const b = await create({ Name: 'Yaml-20', DocumentFormat: 'YAML', Content: yaml('2.0') });
    expect(b.DocumentDescription!.SchemaVersion).toBe('2.0');
    await expectError(
      () => ssm.send(new GetDocumentCommand({ Name: 'Yaml-22', DocumentFormat: 'TEXT' })),
      'ValidationException',
    );
  });

  it('keeps documents across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-local-docs-'));
    try {
      const first = await startTestServer({ dataPath: join(dir, 'data.json') });
      await first
        .client()
        .send(new CreateDocumentCommand({ Name: 'Durable-Doc', Content: shellDoc(['echo kept']) }));
      await first
        .client()
        .send(new UpdateDocumentCommand({ Name: 'Durable-Doc', Content: shellDoc(['echo v2']) }));
      await first.stop();
      const second = await startTestServer({ dataPath: join(dir, 'data.json') });
      const { Document } = await second.client().send(new DescribeDocumentCommand({ Name: 'Durable-Doc' }));
      expect(Document).toMatchObject({ DocumentVersion: '1', LatestVersion: '2', Status: 'Active' });
      expect(Document!.CreatedDate).toBeInstanceOf(Date);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('versions', () => {
  it('UpdateDocument adds a latest version; the default stays until changed', async () => {
    await create({ Name: 'Versioned', VersionName: 'first', DisplayName: 'Shown' });
    const { DocumentDescription: v2 } = await ssm.send(
      new UpdateDocumentCommand({
        Name: 'Versioned',
        Content: shellDoc(['echo two']),
        DocumentVersion: '$LATEST',
        VersionName: 'second',
      }),
    );
    expect(v2).toMatchObject({
      Status: 'Updating',
      DocumentVersion: '2',
      LatestVersion: '2',
      DefaultVersion: '1',
      VersionName: 'second',
      DisplayName: 'Shown',
    });
    expect(
      (await ssm.send(new DescribeDocumentCommand({ Name: 'Versioned' }))).Document!.DocumentVersion,
    ).toBe('1');
    expect(
      (await ssm.send(new DescribeDocumentCommand({ Name: 'Versioned', DocumentVersion: '$LATEST' })))
        .Document!.DocumentVersion,
    ).toBe('2');
    expect(
      (await ssm.send(new GetDocumentCommand({ Name: 'Versioned', VersionName: 'second' }))).Content,
    ).toBe(shellDoc(['echo two']));
    expect(
      (
        await ssm.send(
          new GetDocumentCommand({ Name: 'Versioned', DocumentVersion: '1', VersionName: 'first' }),
        )
      ).DocumentVersion,
    ).toBe('1');
    await expectError(
      () =>
        ssm.send(new GetDocumentCommand({ Name: 'Versioned', DocumentVersion: '1', VersionName: 'second' })),
      'InvalidDocumentVersion',
    );

    await ssm.send(
      new UpdateDocumentCommand({
        Name: 'Versioned',
        Content: shellDoc(['echo three']),
        DocumentVersion: '2',
      }),
    );
    const { Description } = await ssm.send(
      new UpdateDocumentDefaultVersionCommand({ Name: 'Versioned', DocumentVersion: '2' }),
    );
    expect(Description).toEqual({ Name: 'Versioned', DefaultVersion: '2', DefaultVersionName: 'second' });
    const { Document } = await ssm.send(new DescribeDocumentCommand({ Name: 'Versioned' }));
    expect(Document).toMatchObject({ DocumentVersion: '2', DefaultVersion: '2', LatestVersion: '3' });

    const { DocumentVersions } = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Versioned' }));
    expect(
      DocumentVersions!.map((v) => [v.DocumentVersion, v.IsDefaultVersion, v.VersionName, v.Status]),
    ).toEqual([
      ['1', false, 'first', 'Active'],
      ['2', true, 'second', 'Active'],
      ['3', false, undefined, 'Active'],
    ]);
    const page1 = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Versioned', MaxResults: 2 }));
    expect(page1.DocumentVersions!.map((v) => v.DocumentVersion)).toEqual(['1', '2']);
    const page2 = await ssm.send(
      new ListDocumentVersionsCommand({ Name: 'Versioned', MaxResults: 2, NextToken: page1.NextToken }),
    );
    expect(page2.DocumentVersions!.map((v) => v.DocumentVersion)).toEqual(['3']);
    expect(page2.NextToken).toBeUndefined();
  });

  it('refuses what AWS refuses on update', async () => {
    await create({ Name: 'Update-Rules', VersionName: 'one' });
    await expectError(
      () =>
        ssm.send(
          new UpdateDocumentCommand({ Name: 'Update-Rules', Content: shellDoc(['echo {{ message }}']) }),
        ),
      'DuplicateDocumentContent',
      'The content of the association document matches another document. Change the content of the document and try again.',
    );
    await expectError(
      () =>
        ssm.send(
          new UpdateDocumentCommand({
            Name: 'Update-Rules',
            Content: shellDoc(['other']),
            VersionName: 'one',
          }),
        ),
      'DuplicateDocumentVersionName',
      'The specified version name is a duplicate.',
    );
    await ssm.send(new UpdateDocumentCommand({ Name: 'Update-Rules', Content: shellDoc(['other']) }));
    await expectError(
      () =>
        ssm.send(
          new UpdateDocumentCommand({
            Name: 'Update-Rules',
            Content: shellDoc(['third']),
            DocumentVersion: '1',
          }),
        ),
      'InvalidDocumentVersion',
    );
    await expectError(
      () => ssm.send(new UpdateDocumentCommand({ Name: 'Missing-Doc', Content: shellDoc(['x']) })),
      'InvalidDocument',
    );
    await expectError(
      () => ssm.send(new UpdateDocumentDefaultVersionCommand({ Name: 'Update-Rules', DocumentVersion: '9' })),
      'InvalidDocumentVersion',
    );
    const legacy = JSON.stringify({
      schemaVersion: '1.2',
      runtimeConfig: {
        'aws:runShellScript': { properties: [{ id: '0.aws:runShellScript', runCommand: ['date'] }] },
      },
    });
    await create({ Name: 'Legacy-12', Content: legacy });
    await expectError(
      () => ssm.send(new UpdateDocumentCommand({ Name: 'Legacy-12', Content: shellDoc(['x']) })),
      'InvalidDocumentSchemaVersion',
    );
  });

  it('stops at 1,000 versions with DocumentVersionLimitExceeded', async () => {
    await create({ Name: 'Many-Versions' });
    // 999 updates go in-process through the server's own pipeline (app.request) to keep this fast.
    for (let n = 2; n <= 1000; n++) {
      const res = await server.ssm.app.request('/', {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.UpdateDocument' },
        body: JSON.stringify({ Name: 'Many-Versions', Content: shellDoc([`echo ${n}`]) }),
      });
      expect(res.status).toBe(200);
    }
    const { Document } = await ssm.send(
      new DescribeDocumentCommand({ Name: 'Many-Versions', DocumentVersion: '$LATEST' }),
    );
    expect(Document!.DocumentVersion).toBe('1000');
    await expectError(
      () => ssm.send(new UpdateDocumentCommand({ Name: 'Many-Versions', Content: shellDoc(['echo 1001']) })),
      'DocumentVersionLimitExceeded',
      'The document has too many versions. Delete one or more document versions and try again.',
    );
  });
});

describe('DeleteDocument', () => {
  it('deletes one version, refuses the default one alone, and deletes everything', async () => {
    await create({ Name: 'Deletable' });
    await ssm.send(
      new UpdateDocumentCommand({ Name: 'Deletable', Content: shellDoc(['two']), VersionName: 'two' }),
    );
    await ssm.send(new UpdateDocumentCommand({ Name: 'Deletable', Content: shellDoc(['three']) }));
    await expectError(
      () => ssm.send(new DeleteDocumentCommand({ Name: 'Deletable', DocumentVersion: '1' })),
      'InvalidDocumentOperation',
    );
    await expectError(
      () => ssm.send(new DeleteDocumentCommand({ Name: 'Deletable', DocumentVersion: '$DEFAULT' })),
      'InvalidDocumentOperation',
    );
    await ssm.send(new DeleteDocumentCommand({ Name: 'Deletable', DocumentVersion: '3' }));
    expect((await ssm.send(new DescribeDocumentCommand({ Name: 'Deletable' }))).Document!.LatestVersion).toBe(
      '2',
    );
    await ssm.send(new DeleteDocumentCommand({ Name: 'Deletable', VersionName: 'two' }));
    const { DocumentVersions } = await ssm.send(new ListDocumentVersionsCommand({ Name: 'Deletable' }));
    expect(DocumentVersions!.map((v) => v.DocumentVersion)).toEqual(['1']);
    // Version numbers are not reused.
    const { DocumentDescription } = await ssm.send(
      new UpdateDocumentCommand({ Name: 'Deletable', Content: shellDoc(['four']) }),
    );
    expect(DocumentDescription!.DocumentVersion).toBe('4');
    await expectError(
      () => ssm.send(new DeleteDocumentCommand({ Name: 'Deletable', DocumentVersion: '3' })),
      'InvalidDocumentVersion',
    );
    await ssm.send(new DeleteDocumentCommand({ Name: 'Deletable' }));
    await expectError(() => ssm.send(new DescribeDocumentCommand({ Name: 'Deletable' })), 'InvalidDocument');
    await expectError(() => ssm.send(new DeleteDocumentCommand({ Name: 'Deletable' })), 'InvalidDocument');
    // The name is free again.
    expect((await create({ Name: 'Deletable' })).DocumentDescription!.DocumentVersion).toBe('1');
  });
});

describe('tags', () => {
  it('tags documents through the tagging operations', async () => {
    await create({ Name: 'Tagged', Tags: [{ Key: 'a', Value: '1' }] });
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Document',
        ResourceId: 'Tagged',
        Tags: [{ Key: 'b', Value: '2' }],
      }),
    );
    await ssm.send(
      new RemoveTagsFromResourceCommand({ ResourceType: 'Document', ResourceId: 'Tagged', TagKeys: ['a'] }),
    );
    const { TagList } = await ssm.send(
      new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'Tagged' }),
    );
    expect(TagList).toEqual([{ Key: 'b', Value: '2' }]);
    expect((await ssm.send(new DescribeDocumentCommand({ Name: 'Tagged' }))).Document!.Tags).toEqual([
      { Key: 'b', Value: '2' },
    ]);
    await expectError(
      () => ssm.send(new ListTagsForResourceCommand({ ResourceType: 'Document', ResourceId: 'Not-There' })),
      'InvalidResourceId',
    );
  });
});

describe('ListDocuments', () => {
  let lister: SSMClient;
  beforeAll(async () => {
    lister = server.client('ap-south-1');
    const make = (input: Partial<CreateDocumentCommandInput> & { Name: string }) =>
      lister.send(new CreateDocumentCommand({ Content: shellDoc(['echo']), ...input }));
    await make({ Name: 'Alpha-Shell', Tags: [{ Key: 'env', Value: 'prod' }] });
    await make({
      Name: 'Beta-Shell',
      Tags: [{ Key: 'env', Value: 'dev' }],
      TargetType: '/AWS::EC2::Instance',
    });
    await make({
      Name: 'Gamma-Win',
      Content: JSON.stringify({
        schemaVersion: '2.0',
        mainSteps: [{ action: 'aws:psModule', name: 'm', inputs: {} }],
      }),
    });
    await make({
      Name: 'Delta-Auto',
      DocumentType: 'Automation',
      Content: JSON.stringify({
        schemaVersion: '0.3',
        mainSteps: [{ action: 'aws:sleep', name: 's', inputs: { Duration: 'PT1S' } }],
      }),
    });
  });
  const names = async (input: ListDocumentsCommandInput) =>
    ((await lister.send(new ListDocumentsCommand(input))).DocumentIdentifiers ?? []).map((d) => d.Name);

  it('lists own and Amazon documents by name, with their identifiers', async () => {
    expect(await names({})).toEqual([
      'AWS-CreateImage',
      'AWS-GatherSoftwareInventory',
      'AWS-RestartEC2Instance',
      'AWS-RunDocument',
      'AWS-RunPatchBaseline',
      'AWS-RunPowerShellScript',
      'AWS-RunShellScript',
      'AWS-StartEC2Instance',
      'AWS-StartInteractiveCommand',
      'AWS-StartNonInteractiveCommand',
      'AWS-StartPortForwardingSession',
      'AWS-StartPortForwardingSessionToRemoteHost',
      'AWS-StartSSHSession',
      'AWS-StopEC2Instance',
      'Alpha-Shell',
      'Beta-Shell',
      'Delta-Auto',
      'Gamma-Win',
    ]);
    const { DocumentIdentifiers } = await lister.send(
      new ListDocumentsCommand({ Filters: [{ Key: 'Name', Values: ['Beta'] }] }),
    );
    expect(DocumentIdentifiers).toEqual([
      expect.objectContaining({
        Name: 'Beta-Shell',
        Owner: '000000000000',
        DocumentVersion: '1',
        DocumentType: 'Command',
        SchemaVersion: '2.2',
        DocumentFormat: 'JSON',
        PlatformTypes: ['Linux', 'MacOS'],
        TargetType: '/AWS::EC2::Instance',
        Tags: [{ Key: 'env', Value: 'dev' }],
      }),
    ]);
  });

  it('filters by owner, type, platform, schema version, target type, keyword and tags', async () => {
    expect(await names({ Filters: [{ Key: 'Owner', Values: ['Self'] }] })).toEqual([
      'Alpha-Shell',
      'Beta-Shell',
      'Delta-Auto',
      'Gamma-Win',
    ]);
    expect(await names({ Filters: [{ Key: 'DocumentType', Values: ['Automation'] }] })).toEqual([
      'AWS-CreateImage',
      'AWS-RestartEC2Instance',
      'AWS-StartEC2Instance',
      'AWS-StopEC2Instance',
      'Delta-Auto',
    ]);
    expect(
      await names({
        Filters: [
          { Key: 'Owner', Values: ['Self'] },
          { Key: 'PlatformTypes', Values: ['Windows'] },
        ],
      }),
    ).toEqual(['Delta-Auto', 'Gamma-Win']);
    expect(await names({ Filters: [{ Key: 'SchemaVersion', Values: ['2.0'] }] })).toEqual([
      'AWS-GatherSoftwareInventory',
      'Gamma-Win',
    ]);
    expect(await names({ Filters: [{ Key: 'TargetType', Values: ['/AWS::EC2::Instance'] }] })).toEqual([
      'Beta-Shell',
    ]);
    expect(await names({ Filters: [{ Key: 'SearchKeyword', Values: ['shell'] }] })).toEqual([
      'AWS-RunPowerShellScript',
      'AWS-RunShellScript',
      'Alpha-Shell',
      'Beta-Shell',
    ]);
    expect(await names({ Filters: [{ Key: 'tag:env', Values: ['prod'] }] })).toEqual(['Alpha-Shell']);
    expect(await names({ Filters: [{ Key: 'TagKey', Values: ['env'] }] })).toEqual([
      'Alpha-Shell',
      'Beta-Shell',
    ]);
    expect(
      await names({
        DocumentFilterList: [
          { key: 'Owner', value: 'Amazon' },
          { key: 'Name', value: 'AWS-RunShell' },
        ],
      }),
    ).toEqual(['AWS-RunShellScript']);
  });

  it('refuses unknown filter keys and bad owners', async () => {
    await expectError(
      () => lister.send(new ListDocumentsCommand({ Filters: [{ Key: 'Color', Values: ['red'] }] })),
      'InvalidFilterKey',
    );
    await expectError(
      () => lister.send(new ListDocumentsCommand({ Filters: [{ Key: 'Owner', Values: ['Bob'] }] })),
      'ValidationException',
    );
  });

  it('paginates with MaxResults and NextToken', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await lister.send(new ListDocumentsCommand({ MaxResults: 3, NextToken: token }));
      seen.push(...page.DocumentIdentifiers!.map((d) => d.Name!));
      token = page.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(6);
    expect(seen).toEqual(await names({}));
    await expectError(
      () => lister.send(new ListDocumentsCommand({ NextToken: 'garbage' })),
      'InvalidNextToken',
    );
  });

  it('accepts a NextToken only in the operation that issued it', async () => {
    await lister.send(new UpdateDocumentCommand({ Name: 'Alpha-Shell', Content: shellDoc(['echo 2']) }));
    const documents = await lister.send(new ListDocumentsCommand({ MaxResults: 1 }));
    const versions = await lister.send(
      new ListDocumentVersionsCommand({ Name: 'Alpha-Shell', MaxResults: 1 }),
    );
    expect(documents.NextToken).toBeDefined();
    expect(versions.NextToken).toBeDefined();
    await expectError(
      () =>
        lister.send(new ListDocumentVersionsCommand({ Name: 'Alpha-Shell', NextToken: documents.NextToken })),
      'InvalidNextToken',
    );
    await expectError(
      () => lister.send(new ListDocumentsCommand({ NextToken: versions.NextToken })),
      'InvalidNextToken',
    );
    const next = await lister.send(
      new ListDocumentVersionsCommand({ Name: 'Alpha-Shell', NextToken: versions.NextToken }),
    );
    expect(next.DocumentVersions!.map((v) => v.DocumentVersion)).toEqual(['2']);
  });
});
