// Parameter Store: PutParameter, GetParameter, GetParameters, DeleteParameter(s), naming rules,
// overwrite rules, tiers, data types, AllowedPattern, limits, regions and concurrent writers.
import {
  DeleteParameterCommand,
  DeleteParametersCommand,
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';
import { stateOf, type ParametersState } from '../src/parameters/state.js';

let server: TestServer;
let ssm: SSMClient;
let counter = 0;
const unique = (prefix = '/t') => `${prefix}/p${++counter}`;
const put = (input: Partial<PutParameterCommandInput> & { Name: string }) =>
  ssm.send(new PutParameterCommand({ Value: 'v', Type: 'String', ...input }));
const get = (Name: string, WithDecryption?: boolean) =>
  ssm.send(new GetParameterCommand({ Name, ...(WithDecryption !== undefined ? { WithDecryption } : {}) }));

/** The exact response of one call, without the SDK in between. */
const raw = (operation: string, body: unknown) =>
  server.ssm.app.request('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
});
afterAll(async () => server.stop());

describe('PutParameter and GetParameter', () => {
  it('creates version 1 in the Standard tier and reads back exactly the documented fields', async () => {
    const name = unique();
    expect(await put({ Name: name, Value: 'hello' })).toMatchObject({ Version: 1, Tier: 'Standard' });
    const { Parameter } = await get(name);
    expect(Object.keys(Parameter!).sort()).toEqual(
      ['ARN', 'DataType', 'LastModifiedDate', 'Name', 'Type', 'Value', 'Version'].sort(),
    );
    expect(Parameter).toMatchObject({
      Name: name,
      Type: 'String',
      Value: 'hello',
      Version: 1,
      DataType: 'text',
      ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${name}`,
    });
    expect(Parameter!.LastModifiedDate).toBeInstanceOf(Date);
  });

  it('stores StringList values as given', async () => {
    const name = unique();
    await put({ Name: name, Value: 'a,b,c', Type: 'StringList' });
    expect((await get(name)).Parameter).toMatchObject({ Type: 'StringList', Value: 'a,b,c' });
  });

  it('treats "p" and "/p" as one parameter with one ARN, giving the name back as asked', async () => {
    const bare = `top${++counter}`;
    await put({ Name: bare, Value: 'one' });
    const slashed = (await get(`/${bare}`)).Parameter!;
    expect(slashed.Name).toBe(`/${bare}`);
    expect(slashed.ARN).toBe(`arn:aws:ssm:us-east-1:000000000000:parameter/${bare}`);
    expect((await get(bare)).Parameter!.ARN).toBe(slashed.ARN);
    const again = await errorOf(() => put({ Name: `/${bare}`, Value: 'two' }));
    expect(again.name).toBe('ParameterAlreadyExists');
    expect(await put({ Name: `/${bare}`, Value: 'two', Overwrite: true })).toMatchObject({ Version: 2 });
    expect((await get(bare)).Parameter!.Value).toBe('two');
  });

  it('accepts the parameter ARN wherever a name is read, and gives the plain name back as Name', async () => {
    const name = unique();
    await put({ Name: name, Value: 'x' });
    const arn = `arn:aws:ssm:us-east-1:000000000000:parameter${name}`;
    const { Parameter } = await get(arn);
    expect(Parameter).toMatchObject({ Name: name, Value: 'x', ARN: arn });
    expect((await get(`${arn}:1`)).Parameter).toMatchObject({ Name: name, ARN: arn, Selector: ':1' });
    const other = await errorOf(() => get(`arn:aws:ssm:us-east-1:111111111111:parameter${name}`));
    expect(other.name).toBe('ParameterNotFound');
    const elsewhere = await errorOf(() => get(`arn:aws:ssm:eu-west-1:000000000000:parameter${name}`));
    expect(elsewhere.name).toBe('ParameterNotFound');
  });

  it('refuses an ARN as the name to create', async () => {
    const error = await errorOf(() => put({ Name: 'arn:aws:ssm:us-east-1:000000000000:parameter/x' }));
    expect(error.name).toBe('ValidationException');
  });

  it('answers ParameterNotFound with an empty message and HTTP 400', async () => {
    const error = await errorOf(() => get('/does/not/exist'));
    expect(error.name).toBe('ParameterNotFound');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    // On the wire the message is empty, as AWS sends it (the SDK then shows "UnknownError").
    const res = await raw('GetParameter', { Name: '/does/not/exist' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ __type: 'ParameterNotFound', message: '' });
  });

  it('selects versions and labels with name:version and name:label', async () => {
    const name = unique();
    await put({ Name: name, Value: 'v1' });
    await put({ Name: name, Value: 'v2', Overwrite: true });
    await put({ Name: name, Value: 'v3', Overwrite: true });
    expect((await get(`${name}:1`)).Parameter).toMatchObject({
      Name: name,
      Value: 'v1',
      Version: 1,
      Selector: ':1',
    });
    expect((await get(name)).Parameter).not.toHaveProperty('Selector');
    const missing = await errorOf(() => get(`${name}:9`));
    expect(missing.name).toBe('ParameterVersionNotFound');
    expect(missing.message).toBe(
      `Systems Manager could not find version 9 of ${name}. Verify the version and try again.`,
    );
    const { LabelParameterVersionCommand } = await import('@aws-sdk/client-ssm');
    await ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: 2, Labels: ['prod'] }));
    expect((await get(`${name}:prod`)).Parameter).toMatchObject({
      Value: 'v2',
      Version: 2,
      Selector: ':prod',
    });
    expect((await errorOf(() => get(`${name}:nolabel`))).name).toBe('ParameterNotFound');
  });

  it('keeps the previous type, description and pattern when an overwrite does not restate them', async () => {
    const name = unique();
    await put({ Name: name, Value: '12', AllowedPattern: '\\d+', Description: 'digits' });
    await ssm.send(new PutParameterCommand({ Name: name, Value: '34', Overwrite: true }));
    const { DescribeParametersCommand } = await import('@aws-sdk/client-ssm');
    const described = await ssm.send(
      new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [name] }] }),
    );
    expect(described.Parameters![0]).toMatchObject({
      Type: 'String',
      Description: 'digits',
      AllowedPattern: '\\d+',
      Version: 2,
    });
    const error = await errorOf(() =>
      ssm.send(new PutParameterCommand({ Name: name, Value: 'abc', Overwrite: true })),
    );
    expect(error.name).toBe('ParameterPatternMismatchException');
    expect(error.message).toBe('Parameter value, cannot be validated against allowedPattern: \\d+');
  });

  it('refuses to overwrite without Overwrite, with AWS text', async () => {
    const name = unique();
    await put({ Name: name });
    const error = await errorOf(() => put({ Name: name, Value: 'again' }));
    expect(error.name).toBe('ParameterAlreadyExists');
    expect(error.message).toBe(
      'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
    );
  });

  it('requires a type to create and refuses tags together with Overwrite', async () => {
    const typeless = await errorOf(() => ssm.send(new PutParameterCommand({ Name: unique(), Value: 'v' })));
    expect(typeless.name).toBe('ValidationException');
    expect(typeless.message).toBe('A parameter type is required when you create a parameter.');
    const tagged = await errorOf(() =>
      put({ Name: unique(), Overwrite: true, Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    expect(tagged.name).toBe('ValidationException');
    expect(tagged.message).toMatch(/^Invalid request: tags and overwrite can't be used together\./);
  });

  it('refuses a KeyId for a type other than SecureString', async () => {
    const error = await errorOf(() => put({ Name: unique(), KeyId: 'alias/aws/ssm' }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('KeyId is required for SecureString type parameter only.');
  });

  it('refuses an empty value', async () => {
    const error = await errorOf(() => put({ Name: unique(), Value: '' }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it('lets a top-level parameter change type but not one inside a hierarchy', async () => {
    const top = `typed${++counter}`;
    await put({ Name: top });
    expect(await put({ Name: top, Type: 'StringList', Value: 'a,b', Overwrite: true })).toMatchObject({
      Version: 2,
    });
    const deep = unique();
    await put({ Name: deep });
    const error = await errorOf(() => put({ Name: deep, Type: 'StringList', Value: 'a,b', Overwrite: true }));
    expect(error.name).toBe('HierarchyTypeMismatchException');
  });
});

describe('parameter names', () => {
  it('refuses malformed names with AWS text', async () => {
    for (const name of ['a/b', '/a//b', '/a/b/', 'has space', 'bad$char', 'x:y']) {
      const error = await errorOf(() => put({ Name: name }));
      expect(error.name, name).toBe('ValidationException');
      expect(error.message, name).toMatch(
        /^Parameter name: can't be prefixed with "ssm" \(case-insensitive\)\./,
      );
    }
    const read = await errorOf(() => get('test/some-config'));
    expect(read.name).toBe('ValidationException');
  });

  it('drops spaces around a name', async () => {
    const name = unique();
    await put({ Name: `  ${name} ` });
    expect((await get(name)).Parameter!.Name).toBe(name);
  });

  it('reserves the aws and ssm prefixes, in any case', async () => {
    for (const name of ['aws-thing', 'SSMthing', '/AwsThing']) {
      const error = await errorOf(() => put({ Name: name }));
      expect(error.name, name).toBe('ValidationException');
      expect(error.message).toBe(
        'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).',
      );
    }
    const path = await errorOf(() => put({ Name: '/ssm/x' }));
    expect(path.name).toBe('ValidationException');
    const denied = await errorOf(() => put({ Name: '/aws/service/mine' }));
    expect(denied.name).toBe('AccessDeniedException');
    expect(denied.message).toBe('No access to reserved parameter name: /aws/service/mine.');
  });

  it('allows 15 hierarchy levels and refuses 16', async () => {
    const levels = (n: number) => '/' + Array.from({ length: n }, (_, i) => `l${i}`).join('/');
    expect(await put({ Name: levels(15) })).toMatchObject({ Version: 1 });
    const error = await errorOf(() => put({ Name: levels(16) }));
    expect(error.name).toBe('HierarchyLevelLimitExceededException');
    expect(error.message).toMatch(/^A hierarchy can have a maximum of 15 levels\./);
  });

  it('counts the ARN prefix in the 1011-character limit', async () => {
    const prefix = 'arn:aws:ssm:us-east-1:000000000000:parameter/';
    const fits = 'n'.repeat(1011 - prefix.length);
    expect(await put({ Name: fits })).toMatchObject({ Version: 1 });
    const error = await errorOf(() => put({ Name: `${fits}x` }));
    expect(error.name).toBe('ValidationException');
  });
});

describe('tiers and values', () => {
  it('takes 4096 characters in Standard and refuses 4097 with AWS text', async () => {
    expect(await put({ Name: unique(), Value: 'x'.repeat(4096) })).toMatchObject({ Tier: 'Standard' });
    const error = await errorOf(() => put({ Name: unique(), Value: 'x'.repeat(4097) }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(
      /^Standard tier parameters support a maximum parameter value of 4096 characters\./,
    );
  });

  it('takes 8192 characters in Advanced and refuses more', async () => {
    expect(await put({ Name: unique(), Value: 'x'.repeat(8192), Tier: 'Advanced' })).toMatchObject({
      Tier: 'Advanced',
    });
    const error = await errorOf(() => put({ Name: unique(), Value: 'x'.repeat(8193), Tier: 'Advanced' }));
    expect(error.name).toBe('ValidationException');
  });

  it('Intelligent-Tiering picks Standard for small values and Advanced when the value needs it', async () => {
    const name = unique();
    expect(await put({ Name: name, Tier: 'Intelligent-Tiering' })).toMatchObject({ Tier: 'Standard' });
    expect(
      await put({ Name: name, Value: 'y'.repeat(5000), Tier: 'Intelligent-Tiering', Overwrite: true }),
    ).toMatchObject({ Tier: 'Advanced', Version: 2 });
    // Never moved down again, and an overwrite without a tier keeps Advanced.
    expect(
      await put({ Name: name, Value: 'small', Tier: 'Intelligent-Tiering', Overwrite: true }),
    ).toMatchObject({
      Tier: 'Advanced',
    });
    expect(await put({ Name: name, Value: 'small', Overwrite: true })).toMatchObject({ Tier: 'Advanced' });
  });

  it('refuses to move an advanced parameter down to Standard', async () => {
    const name = unique();
    await put({ Name: name, Tier: 'Advanced' });
    const error = await errorOf(() => put({ Name: name, Tier: 'Standard', Overwrite: true }));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/You can't downgrade a parameter from the advanced-parameter tier/);
  });

  it('validates AllowedPattern as a whole-value match and refuses a bad pattern', async () => {
    const error = await errorOf(() => put({ Name: unique(), Value: '10000', AllowedPattern: '\\d{1,4}' }));
    expect(error.name).toBe('ParameterPatternMismatchException');
    expect(error.message).toBe('Parameter value, cannot be validated against allowedPattern: \\d{1,4}');
    expect(await put({ Name: unique(), Value: '1000', AllowedPattern: '\\d{1,4}' })).toMatchObject({
      Version: 1,
    });
    const bad = await errorOf(() => put({ Name: unique(), AllowedPattern: '([a-z' }));
    expect(bad.name).toBe('InvalidAllowedPatternException');
  });

  it('answers a pathological pattern at once (no catastrophic backtracking)', async () => {
    const started = Date.now();
    const error = await errorOf(() =>
      put({ Name: unique(), Value: `${'a'.repeat(4000)}!`, AllowedPattern: '(a+)+$' }),
    );
    expect(error.name).toBe('ParameterPatternMismatchException');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('supports the text and aws:ec2:image data types', async () => {
    const image = unique();
    await put({ Name: image, Value: 'ami-0123456789abcdef0', DataType: 'aws:ec2:image' });
    expect((await get(image)).Parameter!.DataType).toBe('aws:ec2:image');
    await put({ Name: unique(), Value: 'ami-12345678', DataType: 'aws:ec2:image' });
    const bad = await errorOf(() => put({ Name: unique(), Value: 'not-an-ami', DataType: 'aws:ec2:image' }));
    expect(bad.name).toBe('ValidationException');
    const unknown = await errorOf(() => put({ Name: unique(), DataType: 'Text' }));
    expect(unknown.name).toBe('ValidationException');
    expect(unknown.message).toBe(
      'The following data type is not supported: Text (Data type names are all lowercase.)',
    );
  });
});

describe('GetParameters', () => {
  it('returns found parameters in name order and always includes InvalidParameters', async () => {
    const [a, b] = [unique('/gp'), unique('/gp')];
    await put({ Name: b, Value: 'B' });
    await put({ Name: a, Value: 'A' });
    const result = await ssm.send(new GetParametersCommand({ Names: [b, '/gp/missing', a, `${a}:7`] }));
    expect(result.Parameters!.map((p) => p.Name)).toEqual([a, b]);
    expect(result.InvalidParameters).toEqual(['/gp/missing', `${a}:7`]);
    const none = await ssm.send(new GetParametersCommand({ Names: [a] }));
    expect(none.InvalidParameters).toEqual([]);
  });

  it('carries the selector per parameter', async () => {
    const name = unique();
    await put({ Name: name, Value: 'one' });
    await put({ Name: name, Value: 'two', Overwrite: true });
    const result = await ssm.send(new GetParametersCommand({ Names: [`${name}:1`] }));
    expect(result.Parameters).toEqual([
      expect.objectContaining({ Name: name, Value: 'one', Selector: ':1' }),
    ]);
  });

  it('refuses more than ten names with the model text', async () => {
    const error = await errorOf(() =>
      ssm.send(new GetParametersCommand({ Names: Array.from({ length: 11 }, (_, i) => `n${i}`) })),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('Member must have length less than or equal to 10');
  });
});

describe('DeleteParameter and DeleteParameters', () => {
  it('deletes, then answers ParameterNotFound', async () => {
    const name = unique();
    await put({ Name: name });
    await ssm.send(new DeleteParameterCommand({ Name: name }));
    expect((await errorOf(() => get(name))).name).toBe('ParameterNotFound');
    const again = await errorOf(() => ssm.send(new DeleteParameterCommand({ Name: name })));
    expect(again.name).toBe('ParameterNotFound');
    expect(await (await raw('DeleteParameter', { Name: name })).json()).toEqual({
      __type: 'ParameterNotFound',
      message: '',
    });
    // Gone means gone: the name starts again at version 1.
    expect(await put({ Name: name })).toMatchObject({ Version: 1 });
  });

  it('deletes by the other slash form and by ARN', async () => {
    const bare = `del${++counter}`;
    await put({ Name: bare });
    await ssm.send(new DeleteParameterCommand({ Name: `/${bare}` }));
    const name = unique();
    await put({ Name: name });
    await ssm.send(
      new DeleteParameterCommand({ Name: `arn:aws:ssm:us-east-1:000000000000:parameter${name}` }),
    );
    expect((await errorOf(() => get(name))).name).toBe('ParameterNotFound');
  });

  it('reports deleted and invalid names', async () => {
    const [a, b] = [unique(), unique()];
    await put({ Name: a });
    await put({ Name: b });
    const result = await ssm.send(new DeleteParametersCommand({ Names: [a, '/nope', b] }));
    expect(result.DeletedParameters).toEqual([a, b]);
    expect(result.InvalidParameters).toEqual(['/nope']);
  });

  it('cannot delete public parameters', async () => {
    const error = await errorOf(() =>
      ssm.send(new DeleteParameterCommand({ Name: '/aws/service/global-infrastructure/regions/us-east-1' })),
    );
    expect(error.name).toBe('AccessDeniedException');
  });
});

describe('limits, regions and concurrency', () => {
  it('keeps each region apart', async () => {
    const east = server.client('us-east-1');
    const west = server.client('eu-west-1');
    const name = unique('/region');
    await east.send(new PutParameterCommand({ Name: name, Value: 'east', Type: 'String' }));
    expect((await errorOf(() => west.send(new GetParameterCommand({ Name: name })))).name).toBe(
      'ParameterNotFound',
    );
    await west.send(new PutParameterCommand({ Name: name, Value: 'west', Type: 'String' }));
    expect((await east.send(new GetParameterCommand({ Name: name }))).Parameter).toMatchObject({
      Value: 'east',
      ARN: `arn:aws:ssm:us-east-1:000000000000:parameter${name}`,
    });
    expect((await west.send(new GetParameterCommand({ Name: name }))).Parameter).toMatchObject({
      Value: 'west',
      ARN: `arn:aws:ssm:eu-west-1:000000000000:parameter${name}`,
    });
  });

  it('never loses an update: 40 parallel overwrites give versions 2..41 once each', async () => {
    const name = unique('/race');
    await put({ Name: name, Value: 'start' });
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => put({ Name: name, Value: `w${i}`, Overwrite: true })),
    );
    const versions = results.map((r) => r.Version!).sort((x, y) => x - y);
    expect(versions).toEqual(Array.from({ length: 40 }, (_, i) => i + 2));
    expect((await get(name)).Parameter!.Version).toBe(41);
  });

  it('refuses the 10,001st standard parameter of a region with AWS text', async () => {
    const own = await startTestServer();
    try {
      const client = own.client();
      // Seed 9,999 parameters straight into the store: 10,000 requests would make the test slow.
      const state: ParametersState = stateOf(
        own.ssm.runtime.services.store.scope('000000000000', 'us-east-1'),
      );
      for (let i = 0; i < 9999; i++) {
        state.parameters[`seed/${i}`] = {
          name: `/seed/${i}`,
          tags: [],
          versions: [
            {
              version: 1,
              type: 'String',
              value: 'v',
              tier: 'Standard',
              dataType: 'text',
              policies: [],
              labels: [],
              modifiedAt: 0,
              modifiedBy: 'seed',
            },
          ],
        };
      }
      const send = (Name: string, Tier?: 'Advanced') =>
        client.send(new PutParameterCommand({ Name, Value: 'v', Type: 'String', ...(Tier ? { Tier } : {}) }));
      expect(await send('/last')).toMatchObject({ Version: 1 });
      const error = await errorOf(() => send('/one-too-many'));
      expect(error.name).toBe('ParameterLimitExceeded');
      expect(error.message).toMatch(
        /maximum number of standard parameters for this AWS account and Region \(10000\)/,
      );
      expect(await send('/advanced', 'Advanced')).toMatchObject({ Tier: 'Advanced' });
      await client.send(new DeleteParameterCommand({ Name: '/last' }));
      expect(await send('/one-too-many')).toMatchObject({ Version: 1 });
    } finally {
      await own.stop();
    }
  });
});
