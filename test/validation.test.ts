// Model-driven input validation: AWS's message text, and bad input never reaching a handler.
import { GetParametersCommand, LabelParameterVersionCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';
import { serviceModel } from '../src/protocol/model.js';
import { compileJavaPattern } from '../src/protocol/validate.js';

let server: TestServer;
let client: SSMClient;
beforeAll(async () => {
  server = await startTestServer();
  client = server.client();
});
afterAll(async () => server.stop());

async function call(
  operation: string,
  body: unknown,
): Promise<{ status: number; type: string; message: string }> {
  const res = await server.ssm.app.request('/', {
    method: 'POST',
    headers: { 'x-amz-target': `AmazonSSM.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const json = (await res.json()) as { __type?: string; message?: string };
  return { status: res.status, type: json.__type ?? '', message: json.message ?? '' };
}

/** The request is refused with exactly this ValidationException text. */
async function expectValidation(operation: string, body: unknown, message: string): Promise<void> {
  expect(await call(operation, body)).toEqual({ status: 400, type: 'ValidationException', message });
}

const one = (violation: string) => `1 validation error detected: ${violation}`;
const LABEL_RULES =
  '[Member must have length less than or equal to 100, Member must have length greater than or equal to 1]';
const NAME_RULES =
  'Member must have length less than or equal to 2048, Member must have length greater than or equal to 1';

describe('validation messages', () => {
  it('quotes every value, numbers included, with no trailing period', async () => {
    await expectValidation(
      'DescribeParameters',
      { MaxResults: 100 },
      one(
        "Value '100' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
      ),
    );
    await expectValidation(
      'GetParameter',
      {},
      one("Value null at 'name' failed to satisfy constraint: Member must not be null"),
    );
  });

  it('reports a list of bad members once, at the list, with the member rules in brackets', async () => {
    const long = 'a'.repeat(101);
    await expectValidation(
      'LabelParameterVersion',
      { Name: '/p', Labels: [long, 'ok', ''] },
      one(
        `Value '[${long}, ok, ]' at 'labels' failed to satisfy constraint: Member must satisfy constraint: ${LABEL_RULES}`,
      ),
    );
  });

  it("gives a list's own length and its members' rules one message each, length first", async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/n${i}`).concat(['']);
    const value = `[${names.join(', ')}]`;
    await expectValidation(
      'GetParameters',
      { Names: names },
      `2 validation errors detected: Value '${value}' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10; ` +
        `Value '${value}' at 'names' failed to satisfy constraint: Member must satisfy constraint: [${NAME_RULES}]`,
    );
  });

  it('reports map keys and map values at the map, keys first', async () => {
    const key = 'k'.repeat(51);
    const many = Array.from({ length: 51 }, () => 'x');
    const value = `{${key}=[v], b=[${many.join(', ')}]}`;
    await expectValidation(
      'StartAutomationExecution',
      { DocumentName: 'AWS-Doc', Parameters: { [key]: ['v'], b: many } },
      `2 validation errors detected: Value '${value}' at 'parameters' failed to satisfy constraint: ` +
        'Map keys must satisfy constraint: [Member must have length less than or equal to 50, Member must have length greater than or equal to 1]; ' +
        `Value '${value}' at 'parameters' failed to satisfy constraint: ` +
        'Map value must satisfy constraint: [Member must have length less than or equal to 50, Member must have length greater than or equal to 0]',
    );
  });

  it('keeps the structure path for lists nested in structures and maps', async () => {
    await expectValidation(
      'DescribeParameters',
      {
        ParameterFilters: [
          { Key: 'Name', Values: ['/a'] },
          { Key: 'Name', Values: ['', '/b'] },
        ],
      },
      one(
        "Value '[, /b]' at 'parameterFilters.2.member.values' failed to satisfy constraint: Member must satisfy constraint: " +
          '[Member must have length less than or equal to 1024, Member must have length greater than or equal to 1]',
      ),
    );
    await expectValidation(
      'StartAutomationExecution',
      { DocumentName: 'AWS-Doc', Parameters: { a: ['ok', ''] } },
      one(
        "Value '[ok, ]' at 'parameters.a.member' failed to satisfy constraint: Member must satisfy constraint: " +
          '[Member must have length less than or equal to 512, Member must have length greater than or equal to 1]',
      ),
    );
  });

  it('renders a list of structures as Java does, every member named', async () => {
    await expectValidation(
      'AddTagsToResource',
      { ResourceType: 'Parameter', ResourceId: '/p', Tags: [{ Key: 'k', Value: 'v' }, null] },
      one(
        "Value '[Tag(key=k, value=v), null]' at 'tags' failed to satisfy constraint: Member must satisfy constraint: [Member must not be null]",
      ),
    );
  });

  it('never echoes a sensitive value', async () => {
    await expectValidation(
      'PutParameter',
      { Name: '/p' },
      one("Value at 'value' failed to satisfy constraint: Member must not be null"),
    );
    await expectValidation(
      'CreateMaintenanceWindow',
      {
        Name: 'window',
        Description: 'secret'.repeat(22),
        Schedule: 'rate(1 day)',
        Duration: 2,
        Cutoff: 1,
        AllowUnassociatedTargets: false,
      },
      one(
        "Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 128",
      ),
    );
    // A sensitive list inside a sensitive map: the list and everything in it is left out.
    const { message } = await call('RegisterTaskWithMaintenanceWindow', {
      WindowId: 'mw-0123456789abcdef0',
      TaskArn: 'AWS-RunShellScript',
      TaskType: 'RUN_COMMAND',
      TaskParameters: { commands: { Values: ['secret', ''] } },
    });
    expect(message).toBe(
      one(
        "Value at 'taskParameters.commands.member.values' failed to satisfy constraint: Member must satisfy constraint: " +
          '[Member must have length less than or equal to 255, Member must have length greater than or equal to 1]',
      ),
    );
    expect(message).not.toContain('secret');
  });

  it('caps the report at ten violations', async () => {
    const filters = Array.from({ length: 12 }, () => ({ Key: 'Bogus' }));
    const { status, message } = await call('DescribeParameters', { ParameterFilters: filters });
    expect(status).toBe(400);
    expect(message).toMatch(/^10 validation errors detected: /);
    const parts = message.replace(/^10 validation errors detected: /, '').split('; ');
    expect(parts).toHaveLength(10);
    expect(parts[9]).toMatch(/^Value 'Bogus' at 'parameterFilters\.10\.member\.key' failed to satisfy/);
  });
});

describe('a null inside a list or a map', () => {
  const notNull = (value: string, path: string, rules: string) =>
    one(
      `Value ${value} at '${path}' failed to satisfy constraint: Member must satisfy constraint: [${rules}]`,
    );

  it('is a validation error at the list, for the operations that used to answer 500', async () => {
    await expectValidation(
      'GetParameters',
      { Names: [null, '/x'] },
      notNull("'[null, /x]'", 'names', `${NAME_RULES}, Member must not be null`),
    );
    await expectValidation(
      'DeleteParameters',
      { Names: ['/x', null] },
      notNull("'[/x, null]'", 'names', `${NAME_RULES}, Member must not be null`),
    );
    await expectValidation(
      'DescribeActivations',
      { Filters: [null] },
      notNull("'[null]'", 'filters', 'Member must not be null'),
    );
  });

  it('is found at any depth', async () => {
    await expectValidation(
      'DescribeActivations',
      { Filters: [{ FilterKey: 'IamRole', FilterValues: ['r', null] }] },
      notNull("'[r, null]'", 'filters.1.member.filterValues', 'Member must not be null'),
    );
    await expectValidation(
      'StartAutomationExecution',
      { DocumentName: 'AWS-Doc', Parameters: { a: ['x'], b: null } },
      one(
        "Value '{a=[x], b=null}' at 'parameters' failed to satisfy constraint: Map value must satisfy constraint: " +
          '[Member must have length less than or equal to 50, Member must have length greater than or equal to 0, Member must not be null]',
      ),
    );
    await expectValidation(
      'StartAutomationExecution',
      { DocumentName: 'AWS-Doc', Parameters: { a: [null] } },
      notNull(
        "'[null]'",
        'parameters.a.member',
        'Member must have length less than or equal to 512, Member must have length greater than or equal to 1, Member must not be null',
      ),
    );
    // The document Parameters map is sensitive: its values stay out of the message.
    await expectValidation(
      'SendCommand',
      { DocumentName: 'AWS-RunShellScript', Parameters: { commands: null } },
      one(
        "Value at 'parameters' failed to satisfy constraint: Map value must satisfy constraint: [Member must not be null]",
      ),
    );
    await expectValidation(
      'SendCommand',
      { DocumentName: 'AWS-RunShellScript', Parameters: { commands: ['echo', null] } },
      one(
        "Value at 'parameters.commands.member' failed to satisfy constraint: Member must satisfy constraint: [Member must not be null]",
      ),
    );
  });

  it('as a structure member is an absent member', async () => {
    const res = await call('DescribeParameters', { MaxResults: null, ParameterFilters: null });
    expect(res.status).toBe(200);
  });
});

describe('a value of the wrong JSON type', () => {
  const cases: [string, unknown][] = [
    // list
    ['GetParameters', { Names: '/x' }],
    ['GetParameters', { Names: { a: '/x' } }],
    ['GetParameters', { Names: [1] }],
    ['GetParameters', { Names: [['/x']] }],
    ['GetParameters', { Names: [{}] }],
    ['DeleteParameters', { Names: [true] }],
    // structure, at depth
    ['DescribeActivations', { Filters: ['IamRole'] }],
    ['DescribeActivations', { Filters: [[]] }],
    ['DescribeActivations', { Filters: [{ FilterValues: [1] }] }],
    ['DescribeActivations', { Filters: [{ FilterValues: { a: 'b' } }] }],
    ['DescribeActivations', { Filters: [{ FilterKey: ['IamRole'] }] }],
    ['AddTagsToResource', { ResourceType: 'Parameter', ResourceId: '/p', Tags: [{ Key: 'k', Value: 1 }] }],
    // map
    ['StartAutomationExecution', { DocumentName: 'AWS-Doc', Parameters: [] }],
    ['StartAutomationExecution', { DocumentName: 'AWS-Doc', Parameters: 'a=b' }],
    ['StartAutomationExecution', { DocumentName: 'AWS-Doc', Parameters: { a: 'b' } }],
    ['StartAutomationExecution', { DocumentName: 'AWS-Doc', Parameters: { a: [1] } }],
    ['SendCommand', { DocumentName: 'AWS-RunShellScript', Parameters: { commands: [{}] } }],
    // string
    ['GetParameter', { Name: 1 }],
    ['GetParameter', { Name: ['/x'] }],
    ['GetParameter', { Name: false }],
    // integer, long
    ['DescribeParameters', { MaxResults: '5' }],
    ['DescribeParameters', { MaxResults: 1.5 }],
    ['DescribeParameters', { MaxResults: {} }],
    ['LabelParameterVersion', { Name: '/p', Labels: ['l'], ParameterVersion: '1' }],
    // boolean
    ['GetParameter', { Name: '/x', WithDecryption: 'true' }],
    ['GetParameter', { Name: '/x', WithDecryption: 1 }],
    // timestamp
    ['CreateActivation', { IamRole: 'role', ExpirationDate: true }],
    ['CreateActivation', { IamRole: 'role', ExpirationDate: 'not a date' }],
    ['CreateActivation', { IamRole: 'role', ExpirationDate: [] }],
    // blob
    [
      'RegisterTaskWithMaintenanceWindow',
      {
        WindowId: 'mw-0123456789abcdef0',
        TaskArn: 'fn',
        TaskType: 'LAMBDA',
        TaskInvocationParameters: { Lambda: { Payload: 12 } },
      },
    ],
    [
      'RegisterTaskWithMaintenanceWindow',
      {
        WindowId: 'mw-0123456789abcdef0',
        TaskArn: 'fn',
        TaskType: 'LAMBDA',
        TaskInvocationParameters: { Lambda: { Payload: 'not base64!' } },
      },
    ],
    // union: the wrong type, no member, or two members
    ['StartExecutionPreview', { DocumentName: 'AWS-Doc', ExecutionInputs: 'x' }],
    ['StartExecutionPreview', { DocumentName: 'AWS-Doc', ExecutionInputs: {} }],
    ['StartExecutionPreview', { DocumentName: 'AWS-Doc', ExecutionInputs: { Automation: [] } }],
    // a map key named like Object.prototype's own
    ['GetParameters', '{"Names": {"__proto__": ["/x"]}}'],
  ];

  it.each(cases)('%s %j is a SerializationException', async (operation, body) => {
    const res = await call(operation, body);
    expect(res.status).toBe(400);
    expect(res.type).toBe('SerializationException');
  });

  it('wins over validation errors elsewhere in the request', async () => {
    const res = await call('GetParameters', {
      Names: Array.from({ length: 20 }, () => '').concat([7 as never]),
    });
    expect(res.type).toBe('SerializationException');
  });
});

describe('through the SDK', () => {
  it('GetParameters with eleven names', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `/sdk/n${i}`);
    const error = await errorOf(() => client.send(new GetParametersCommand({ Names: names })));
    expect(error.name).toBe('ValidationException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      one(
        `Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10`,
      ),
    );
  });

  it('LabelParameterVersion with a 101-character label', async () => {
    const label = 'l'.repeat(101);
    const error = await errorOf(() =>
      client.send(new LabelParameterVersionCommand({ Name: '/sdk/p', Labels: [label] })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      one(
        `Value '[${label}]' at 'labels' failed to satisfy constraint: Member must satisfy constraint: ${LABEL_RULES}`,
      ),
    );
  });
});

describe('the model patterns run on any input in linear time', () => {
  // Validation runs the model's own patterns on values a user sends: none may backtrack for long on
  // a long adversarial value (a guard for model updates; RE2 is not needed while this holds).
  it('answers 20,000-character repetitions within a few milliseconds per pattern', () => {
    const model = serviceModel();
    const units = ['a', '0', '/', ' ', '-', '.', ':', 'a-', 'a.', '/a', 'arn:aws:', 'i-', 'a=', '1.0.'];
    let worst = 0;
    for (const s of Object.values(model.shapes)) {
      if (s.pattern === undefined) continue;
      const re = compileJavaPattern(s.pattern)!;
      for (const unit of units) {
        for (const tail of ['', '!', ' ']) {
          const input = unit.repeat(Math.ceil(20_000 / unit.length)) + tail;
          const started = performance.now();
          re.test(input);
          worst = Math.max(worst, performance.now() - started);
        }
      }
    }
    expect(worst).toBeLessThan(250);
  });
});
