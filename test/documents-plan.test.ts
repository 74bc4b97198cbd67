// The execution contract Run Command uses (src/documents/api.ts): resolveForExecution and plan —
// parameter binding, defaults, validation, interpolation, nesting. Documents are created through the
// SDK against a real server; the API is called with a context for the same account and region.
import {
  CreateDocumentCommand,
  PutParameterCommand,
  UpdateDocumentCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RequestContext } from '../src/core/capability.js';
import { DOCUMENTS, type DocumentsApi, type PluginStep } from '../src/documents/api.js';
import { startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ssm: SSMClient;
let api: DocumentsApi;
let ctx: RequestContext;

beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
  const services = server.ssm.runtime.services;
  api = services.registry.get(DOCUMENTS);
  ctx = {
    accountId: server.ssm.runtime.services.config.defaultAccountId,
    region: 'us-east-1',
    requestId: 'test',
    operation: 'SendCommand',
    services,
    scope: services.store.scope(services.config.defaultAccountId, 'us-east-1'),
    persist: () => services.store.persist(),
  };
});
afterAll(async () => server.stop());

const create = (name: string, content: unknown, extra: Record<string, unknown> = {}) =>
  ssm.send(new CreateDocumentCommand({ Name: name, Content: JSON.stringify(content), ...extra }));

const planOf = (name: string, supplied: Record<string, string[]>, version?: string): PluginStep[] =>
  api.plan(ctx, api.resolveForExecution(ctx, name, version), supplied);

function thrown(fn: () => unknown): { name: string; message: string } {
  try {
    fn();
  } catch (error) {
    return error as { name: string; message: string };
  }
  throw new Error('expected an error');
}

describe('resolveForExecution', () => {
  it('resolves Amazon documents and versions, and refuses what is missing', async () => {
    const doc = api.resolveForExecution(ctx, 'AWS-RunShellScript');
    expect(doc).toMatchObject({
      name: 'AWS-RunShellScript',
      documentVersion: '1',
      documentType: 'Command',
      schemaVersion: '1.2',
      hashType: 'Sha256',
    });
    expect(doc.content['runtimeConfig']).toBeDefined();
    expect(doc.platformTypes).toEqual(['Linux', 'MacOS']);

    await create('Exec-Versions', {
      schemaVersion: '2.2',
      mainSteps: [{ action: 'aws:runShellScript', name: 'a', inputs: { runCommand: ['one'] } }],
    });
    await ssm.send(
      new UpdateDocumentCommand({
        Name: 'Exec-Versions',
        Content: JSON.stringify({
          schemaVersion: '2.2',
          mainSteps: [{ action: 'aws:runShellScript', name: 'b', inputs: { runCommand: ['two'] } }],
        }),
      }),
    );
    expect(api.resolveForExecution(ctx, 'Exec-Versions').documentVersion).toBe('1');
    expect(api.resolveForExecution(ctx, 'Exec-Versions', '$DEFAULT').documentVersion).toBe('1');
    expect(api.resolveForExecution(ctx, 'Exec-Versions', '$LATEST').documentVersion).toBe('2');
    expect(api.resolveForExecution(ctx, 'Exec-Versions', '2').documentVersion).toBe('2');
    expect(thrown(() => api.resolveForExecution(ctx, 'Exec-Versions', '3')).name).toBe(
      'InvalidDocumentVersion',
    );
    expect(thrown(() => api.resolveForExecution(ctx, 'Nope-Nope')).name).toBe('InvalidDocument');
  });

  it('refuses a document of another type when types are given', async () => {
    await create(
      'Exec-Automation',
      { schemaVersion: '0.3', mainSteps: [{ action: 'aws:sleep', name: 's', inputs: { Duration: 'PT1S' } }] },
      { DocumentType: 'Automation' },
    );
    const error = thrown(() => api.resolveForExecution(ctx, 'Exec-Automation', undefined, ['Command']));
    expect(error.name).toBe('InvalidDocument');
    expect(error.message).toContain('Automation');
  });
});

describe('plan: AWS-RunShellScript', () => {
  it('turns the commands list into runCommand and applies the defaults', () => {
    const steps = planOf('AWS-RunShellScript', { commands: ['echo hello', 'uname -a'] });
    expect(steps).toEqual([
      {
        name: 'aws:runShellScript',
        action: 'aws:runShellScript',
        inputs: {
          id: '0.aws:runShellScript',
          runCommand: ['echo hello', 'uname -a'],
          workingDirectory: '',
          timeoutSeconds: '3600',
        },
      },
    ]);
    const custom = planOf('AWS-RunShellScript', {
      commands: ['pwd'],
      workingDirectory: ['/tmp'],
      executionTimeout: ['120'],
    });
    expect(custom[0]!.inputs).toMatchObject({ workingDirectory: '/tmp', timeoutSeconds: '120' });
  });

  it('answers InvalidParameters as AWS does', () => {
    let error = thrown(() => planOf('AWS-RunShellScript', { commands: ['x'], bogus: ['1'] }));
    expect(error).toMatchObject({
      name: 'InvalidParameters',
      message: 'Parameters provided in document are invalid or not supported.',
    });
    error = thrown(() => planOf('AWS-RunShellScript', {}));
    expect(error.name).toBe('InvalidParameters');
    expect(error.message).toContain('"commands"');
    error = thrown(() => planOf('AWS-RunShellScript', { commands: [] }));
    expect(error.name).toBe('InvalidParameters');
    error = thrown(() => planOf('AWS-RunShellScript', { commands: ['x'], executionTimeout: ['999999'] }));
    expect(error).toMatchObject({
      name: 'InvalidParameters',
      message:
        'Parameter "executionTimeout" has value "999999" not matching "([1-9][0-9]{0,4})|(1[0-6][0-9]{4})|(17[0-1][0-9]{3})|(172[0-7][0-9]{2})|(172800)".',
    });
    error = thrown(() => planOf('AWS-RunShellScript', { commands: ['x'], workingDirectory: ['a', 'b'] }));
    expect(error.name).toBe('InvalidParameters');
    error = thrown(() =>
      planOf('AWS-RunShellScript', { commands: ['x'], workingDirectory: ['/'.repeat(4097)] }),
    );
    expect(error.name).toBe('InvalidParameters');
  });
});

describe('plan: schema 2.2 documents', () => {
  beforeAll(async () => {
    await create('Typed-Params', {
      schemaVersion: '2.2',
      parameters: {
        greeting: { type: 'String', default: 'hello', allowedValues: ['hello', 'hi'] },
        name: { type: 'String', allowedPattern: '^[a-z]+$', minChars: 2, maxChars: 8 },
        count: { type: 'Integer', default: 3 },
        loud: { type: 'Boolean', default: false },
        env: { type: 'StringMap', default: { A: '1' } },
        items: { type: 'MapList', default: [{ k: 'v' }] },
        cmds: { type: 'StringList', default: ['echo default'], maxItems: 3 },
      },
      mainSteps: [
        {
          action: 'aws:runShellScript',
          name: 'greet',
          precondition: { StringEquals: ['platformType', 'Linux'] },
          inputs: {
            runCommand: [
              'echo {{greeting}}, {{  name  }}!',
              '{{ cmds }}',
              'echo count={{ count }} loud={{loud}}',
            ],
            timeoutSeconds: '{{ count }}',
            env: '{{ env }}',
            items: '{{ items }}',
            untouched: '{{ notAParameter }}',
          },
        },
        {
          action: 'aws:runPowerShellScript',
          name: 'win',
          precondition: { StringEquals: ['platformType', 'Windows'] },
          inputs: { runCommand: '{{ cmds }}' },
        },
      ],
    });
  });

  it('binds typed values and interpolates them, splicing lists into lists', () => {
    const steps = planOf('Typed-Params', {
      name: ['world'],
      cmds: ['echo a', 'echo b'],
      count: ['7'],
      loud: ['True'],
    });
    expect(steps).toEqual([
      {
        name: 'greet',
        action: 'aws:runShellScript',
        precondition: { StringEquals: ['platformType', 'Linux'] },
        inputs: {
          runCommand: ['echo hello, world!', 'echo a', 'echo b', 'echo count=7 loud=true'],
          timeoutSeconds: 7,
          env: { A: '1' },
          items: [{ k: 'v' }],
          untouched: '{{ notAParameter }}',
        },
      },
      {
        name: 'win',
        action: 'aws:runPowerShellScript',
        precondition: { StringEquals: ['platformType', 'Windows'] },
        inputs: { runCommand: ['echo a', 'echo b'] },
      },
    ]);
  });

  it('parses StringMap and MapList values given as JSON', () => {
    const steps = planOf('Typed-Params', {
      name: ['abc'],
      env: ['{"B":"2"}'],
      items: ['{"x":"1"}', '{"y":"2"}'],
    });
    expect(steps[0]!.inputs['env']).toEqual({ B: '2' });
    expect(steps[0]!.inputs['items']).toEqual([{ x: '1' }, { y: '2' }]);
    expect(planOf('Typed-Params', { name: ['abc'], items: ['[{"z":"3"}]'] })[0]!.inputs['items']).toEqual([
      { z: '3' },
    ]);
  });

  it('checks every constraint', () => {
    const cases: [Record<string, string[]>, string | RegExp][] = [
      [{}, /"name" is required/],
      [{ name: ['World'] }, 'Parameter "name" has value "World" not matching "^[a-z]+$".'],
      [{ name: ['a'] }, /minimum of 2/],
      [{ name: ['abcdefghij'] }, /maximum of 8/],
      [{ name: ['abc'], greeting: ['hey'] }, 'Parameters provided in document are invalid or not supported.'],
      [{ name: ['abc'], count: ['many'] }, /not a valid Integer/],
      [{ name: ['abc'], loud: ['yes'] }, /not a valid Boolean/],
      [{ name: ['abc'], env: ['[1]'] }, /not a valid StringMap/],
      [{ name: ['abc'], env: ['{oops'] }, /not a valid StringMap/],
      [{ name: ['abc'], cmds: ['1', '2', '3', '4'] }, /at most 3/],
    ];
    for (const [supplied, message] of cases) {
      const error = thrown(() => planOf('Typed-Params', supplied));
      expect(error.name).toBe('InvalidParameters');
      if (typeof message === 'string') expect(error.message).toBe(message);
      else expect(error.message).toMatch(message);
    }
  });

  it('resolves {{ssm:name}} Parameter Store references in supplied values and defaults', async () => {
    const put = (Name: string, Value: string, Type: 'String' | 'StringList' | 'SecureString' = 'String') =>
      ssm.send(new PutParameterCommand({ Name, Value, Type, Overwrite: true }));
    await put('/my/command', 'echo first');
    await put('/my/command', 'echo second');
    await put('/my/list', 'a,b');
    await put('/my/secret', 'hush', 'SecureString');
    await create('Ssm-Ref', {
      schemaVersion: '2.2',
      parameters: {
        cmd: { type: 'String', default: '{{ssm:/my/command}}' },
        extra: { type: 'StringList', default: ['echo {{ ssm:/my/list }}'] },
      },
      mainSteps: [
        { action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['{{ cmd }}', '{{ extra }}'] } },
      ],
    });
    const commands = (supplied: Record<string, string[]>) =>
      planOf('Ssm-Ref', supplied)[0]!.inputs['runCommand'];
    expect(commands({})).toEqual(['echo second', 'echo a,b']);
    // A version (or label) selects as GetParameter does; text around a reference stays.
    expect(commands({ cmd: ['{{ssm:/my/command:1}} && date'] })).toEqual(['echo first && date', 'echo a,b']);
    expect(commands({ cmd: ['date'], extra: ['x', '{{ssm:/my/list}}'] })).toEqual(['date', 'x', 'a,b']);

    const missing = thrown(() => planOf('Ssm-Ref', { cmd: ['{{ssm:/no/such}}'] }));
    expect(missing.name).toBe('InvalidParameters');
    expect(missing.message).toBe(
      'Parameter "cmd" refers to the Parameter Store parameter "/no/such", which does not exist.',
    );
    const missingVersion = thrown(() => planOf('Ssm-Ref', { cmd: ['{{ssm:/my/command:9}}'] }));
    expect(missingVersion.name).toBe('InvalidParameters');
    const secure = thrown(() => planOf('Ssm-Ref', { cmd: ['{{ssm:/my/secret}}'] }));
    expect(secure.name).toBe('InvalidParameters');
    expect(secure.message).toContain('SecureString');
  });

  it('runs allowedPattern on RE2, so a pathological pattern answers promptly', async () => {
    await create('Pattern-Params', {
      schemaVersion: '2.2',
      parameters: {
        word: { type: 'String', allowedPattern: '(a+)+$' },
        answer: { type: 'String', default: 'yes', allowedPattern: '(?i)yes|no' },
      },
      mainSteps: [{ action: 'aws:runShellScript', name: 'run', inputs: { runCommand: ['echo {{ word }}'] } }],
    });
    // On a backtracking engine this value takes 2^40 steps to refuse.
    const value = 'a'.repeat(40) + '!';
    const started = performance.now();
    const error = thrown(() => planOf('Pattern-Params', { word: [value] }));
    expect(performance.now() - started).toBeLessThan(500);
    expect(error).toMatchObject({
      name: 'InvalidParameters',
      message: `Parameter "word" has value "${value}" not matching "(a+)+$".`,
    });
    expect(planOf('Pattern-Params', { word: ['a'.repeat(40)] })[0]!.inputs['runCommand']).toEqual([
      `echo ${'a'.repeat(40)}`,
    ]);
    // Java's String.matches: flags inline, and the whole value must match.
    expect(() => planOf('Pattern-Params', { word: ['a'], answer: ['NO'] })).not.toThrow();
    expect(thrown(() => planOf('Pattern-Params', { word: ['a'], answer: ['yesno'] })).name).toBe(
      'InvalidParameters',
    );
  });

  it('plans YAML documents the same way', async () => {
    const yaml = [
      "schemaVersion: '2.2'",
      'parameters:',
      '  who:',
      '    type: String',
      '    default: you',
      'mainSteps:',
      '  - action: aws:runShellScript',
      '    name: say',
      '    inputs:',
      '      runCommand:',
      '        - echo hi {{ who }}',
      '',
    ].join('\n');
    await ssm.send(new CreateDocumentCommand({ Name: 'Yaml-Plan', Content: yaml, DocumentFormat: 'YAML' }));
    expect(planOf('Yaml-Plan', {})[0]!.inputs['runCommand']).toEqual(['echo hi you']);
  });
});

describe('plan: nested documents', () => {
  beforeAll(async () => {
    await create('Child-Doc', {
      schemaVersion: '2.2',
      parameters: { word: { type: 'String' }, more: { type: 'StringList', default: [] } },
      mainSteps: [
        {
          action: 'aws:runShellScript',
          name: 'child',
          inputs: { runCommand: ['echo {{ word }}', '{{ more }}'] },
        },
      ],
    });
    await create('Parent-Doc', {
      schemaVersion: '2.2',
      parameters: { word: { type: 'String', default: 'nested' } },
      mainSteps: [
        {
          action: 'aws:runDocument',
          name: 'runChild',
          inputs: {
            documentType: 'SSMDocument',
            documentPath: 'Child-Doc',
            documentParameters: { word: '{{ word }}', more: ['echo x'] },
          },
        },
        {
          action: 'aws:runDocument',
          name: 'runMissing',
          inputs: { documentType: 'SSMDocument', documentPath: 'Not-A-Doc', documentParameters: '{}' },
        },
        {
          action: 'aws:runDocument',
          name: 'badParams',
          inputs: {
            documentType: 'SSMDocument',
            documentPath: 'Child-Doc',
            documentParameters: '{"nope":"1"}',
          },
        },
      ],
    });
    await create('Loop-Doc', {
      schemaVersion: '2.2',
      mainSteps: [
        {
          action: 'aws:runDocument',
          name: 'again',
          inputs: { documentType: 'SSMDocument', documentPath: 'Loop-Doc' },
        },
      ],
    });
  });

  it('plans the nested document with its documentParameters', () => {
    const [runChild, runMissing, badParams] = planOf('Parent-Doc', {});
    expect(runChild!.nested!.document).toMatchObject({ name: 'Child-Doc', documentVersion: '1' });
    expect(runChild!.nested!.steps).toEqual([
      { name: 'child', action: 'aws:runShellScript', inputs: { runCommand: ['echo nested', 'echo x'] } },
    ]);
    // Problems with a nested document fail its step at run time, not SendCommand.
    expect(runMissing!.nested).toBeUndefined();
    expect(runMissing!.nestedError).toBe('The specified document does not exist.');
    expect(badParams!.nestedError).toBe('Parameters provided in document are invalid or not supported.');
  });

  it('stops nesting after three levels', () => {
    let step = planOf('Loop-Doc', {})[0]!;
    for (let level = 1; level <= 3; level++) {
      expect(step.nested).toBeDefined();
      step = step.nested!.steps[0]!;
    }
    expect(step.nested).toBeUndefined();
    expect(step.nestedError).toMatch(/at most 3 levels/);
  });

  it('runs an SSM document through AWS-RunDocument', () => {
    const steps = planOf('AWS-RunDocument', {
      sourceType: ['SSMDocument'],
      sourceInfo: ['{"name":"Child-Doc"}'],
      documentParameters: ['{"word":"remote"}'],
    });
    expect(steps.map((s) => [s.name, s.action])).toEqual([
      ['downloadContent', 'aws:downloadContent'],
      ['runDocument', 'aws:runDocument'],
    ]);
    expect(steps[0]!.inputs).toEqual({ sourceType: 'SSMDocument', sourceInfo: { name: 'Child-Doc' } });
    expect(steps[1]!.nested!.document.name).toBe('Child-Doc');
    expect(steps[1]!.nested!.steps[0]!.inputs['runCommand']).toEqual(['echo remote']);
    const error = thrown(() => planOf('AWS-RunDocument', { sourceType: ['FTP'], sourceInfo: ['{}'] }));
    expect(error).toMatchObject({
      name: 'InvalidParameters',
      message: 'Parameters provided in document are invalid or not supported.',
    });
  });
});

describe('documents an agent reads while it runs', () => {
  it('resolveSource: the SSM document aws:downloadContent names, from a map, JSON or YAML', () => {
    expect(api.resolveSource(ctx, { name: 'Child-Doc' })).toMatchObject({
      name: 'Child-Doc',
      documentVersion: '1',
    });
    expect(api.resolveSource(ctx, '{"name":"Child-Doc","version":"1"}').name).toBe('Child-Doc');
    expect(api.resolveSource(ctx, 'name: AWS-RunShellScript').name).toBe('AWS-RunShellScript');
    expect(() => api.resolveSource(ctx, '{}')).toThrow('sourceInfo must give the name of the SSM document');
    expect(thrown(() => api.resolveSource(ctx, { name: 'Not-A-Doc' })).name).toBe('InvalidDocument');
  });

  it('planLocalDocument: a document file from the instance, planned with its documentParameters', () => {
    const yaml = [
      "schemaVersion: '2.2'",
      'parameters:',
      '  who: { type: String }',
      '  extra: { type: StringList, default: [] }',
      'mainSteps:',
      '  - action: aws:runShellScript',
      '    name: say',
      '    inputs: { runCommand: ["echo {{ who }}", "{{ extra }}"] }',
    ].join('\n');
    const planned = api.planLocalDocument(ctx, '/tmp/doc.yaml', yaml, 'who: local\nextra: [echo 1, 2]');
    expect(planned.schemaVersion).toBe('2.2');
    expect(planned.steps).toEqual([
      { name: 'say', action: 'aws:runShellScript', inputs: { runCommand: ['echo local', 'echo 1', '2'] } },
    ]);
    const json = JSON.stringify({
      schemaVersion: '2.2',
      parameters: { who: { type: 'String' } },
      mainSteps: [],
    });
    expect(api.planLocalDocument(ctx, '/d.json', json, { who: 'x' }).steps).toEqual([]);
    expect(() => api.planLocalDocument(ctx, '/tmp/list.yaml', '- a', '')).toThrow(
      '/tmp/list.yaml is not a valid SSM document',
    );
    expect(thrown(() => api.planLocalDocument(ctx, '/d.json', json, '[1]'))).toMatchObject({
      name: 'InvalidParameters',
      message: 'documentParameters must be a map of parameter names to values.',
    });
    expect(thrown(() => api.planLocalDocument(ctx, '/d.json', json, '  ')).name).toBe('InvalidParameters');
  });
});
