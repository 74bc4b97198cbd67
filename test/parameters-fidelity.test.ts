// Parameter Store answering as AWS's recorded responses do, where outside references disagree:
// reads by ARN, the texts of a bad path, and the value messages that leave the sensitive value out.
import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  type PutParameterCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ssm: SSMClient;
let counter = 0;
const ARN_PREFIX = 'arn:aws:ssm:us-east-1:000000000000:parameter';
const put = (input: Partial<PutParameterCommandInput> & { Name: string }) =>
  ssm.send(new PutParameterCommand({ Value: 'v', Type: 'String', ...input }));
const get = async (Name: string) => (await ssm.send(new GetParameterCommand({ Name }))).Parameter!;
const getMany = (Names: string[]) => ssm.send(new GetParametersCommand({ Names }));

/** The exact response of one call, without the SDK in between. */
async function raw(
  operation: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await server.ssm.app.request('/', {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A parameter with versions 1 and 2, version 1 labelled "first". */
async function twoVersions(name: string): Promise<void> {
  await put({ Name: name, Value: 'one' });
  await put({ Name: name, Value: 'two', Overwrite: true });
  await ssm.send(new LabelParameterVersionCommand({ Name: name, ParameterVersion: 1, Labels: ['first'] }));
}

beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
});
afterAll(async () => server.stop());

// Recorded: localstack/localstack tests/aws/services/ssm/test_ssm.snapshot.json
// (test_get_parameter_by_arn, test_parameters_with_path).
describe('reading by ARN', () => {
  it('GetParameter answers the name the parameter was created with, and the ARN', async () => {
    const top = `fid-top${++counter}`;
    const nested = `/fid/nested${++counter}`;
    const slashed = `/fid-slashed${++counter}`;
    for (const Name of [top, nested, slashed]) await put({ Name, Value: 'x' });

    const byArn = await get(`${ARN_PREFIX}/${top}`);
    expect(Object.keys(byArn).sort()).toEqual(
      ['ARN', 'DataType', 'LastModifiedDate', 'Name', 'Type', 'Value', 'Version'].sort(),
    );
    expect(byArn).toMatchObject({ Name: top, ARN: `${ARN_PREFIX}/${top}`, Value: 'x', Version: 1 });
    expect(await get(`${ARN_PREFIX}${nested}`)).toMatchObject({
      Name: nested,
      ARN: `${ARN_PREFIX}${nested}`,
    });
    // The ARN of "/p" is parameter/p, as the ARN of "p" is; the name is the one it was created with.
    expect(await get(`${ARN_PREFIX}${slashed}`)).toMatchObject({
      Name: slashed,
      ARN: `${ARN_PREFIX}${slashed}`,
    });
  });

  it('GetParameter by ARN with a version or label answers Selector, the name, and the ARN without the selector', async () => {
    const name = `/fid/selected${++counter}`;
    await twoVersions(name);
    const arn = `${ARN_PREFIX}${name}`;
    expect(await get(`${arn}:1`)).toMatchObject({
      Name: name,
      ARN: arn,
      Selector: ':1',
      Value: 'one',
      Version: 1,
    });
    expect(await get(`${arn}:first`)).toMatchObject({
      Name: name,
      ARN: arn,
      Selector: ':first',
      Value: 'one',
      Version: 1,
    });
  });

  it('GetParameters by ARN answers the name, and lists what it cannot find as the caller wrote it', async () => {
    const name = `/fid/many${++counter}`;
    await twoVersions(name);
    const arn = `${ARN_PREFIX}${name}`;
    const missing = `${ARN_PREFIX}/fid/none${++counter}`;
    const result = await getMany([arn, `${arn}:9`, `${arn}:nolabel`, missing]);
    expect(result.Parameters).toHaveLength(1);
    expect(result.Parameters![0]).toMatchObject({ Name: name, ARN: arn, Value: 'two', Version: 2 });
    expect(result.Parameters![0]!.Selector).toBeUndefined();
    expect([...result.InvalidParameters!].sort()).toEqual([`${arn}:9`, `${arn}:nolabel`, missing].sort());

    const selected = await getMany([`${arn}:1`]);
    expect(selected.Parameters![0]).toMatchObject({ Name: name, ARN: arn, Selector: ':1', Value: 'one' });
    expect(selected.InvalidParameters).toEqual([]);
  });

  it('GetParameters by ARN answers exactly what AWS recorded on the wire', async () => {
    const name = `/fid/wire${++counter}`;
    await put({ Name: name, Value: '123' });
    const arn = `${ARN_PREFIX}${name}`;
    const { status, json } = await raw('GetParameters', { Names: [arn] });
    expect(status).toBe(200);
    expect(json.InvalidParameters).toEqual([]);
    const [parameter] = json.Parameters as Record<string, unknown>[];
    expect(Object.keys(parameter!).sort()).toEqual(
      ['ARN', 'DataType', 'LastModifiedDate', 'Name', 'Type', 'Value', 'Version'].sort(),
    );
    expect(parameter).toMatchObject({ Name: name, ARN: arn, DataType: 'text', Type: 'String', Value: '123' });
  });

  it('a public parameter read by its ARN answers its name', async () => {
    const name = '/aws/service/global-infrastructure/regions/us-east-1/longName';
    const arn = `arn:aws:ssm:us-east-1::parameter${name}`;
    expect(await get(arn)).toMatchObject({ Name: name, ARN: arn, Value: 'US East (N. Virginia)' });
  });

  it('GetParameterHistory by ARN answers the name, as GetParameter does', async () => {
    const name = `/fid/history${++counter}`;
    await twoVersions(name);
    const { Parameters } = await ssm.send(new GetParameterHistoryCommand({ Name: `${ARN_PREFIX}${name}` }));
    expect(Parameters!.map((p) => p.Name)).toEqual([name, name]);
  });
});

describe('the text of a bad path', () => {
  it('DescribeParameters names every rule, with plain quotes around aws and ssm', async () => {
    for (const value of ['app', '/a//b', '/bad path', '/###']) {
      const error = await errorOf(() =>
        ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Path', Values: [value] }] })),
      );
      expect(error.name, value).toBe('ValidationException');
      expect(error.message, value).toBe(
        'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
          'It can\'t be prefixed with "aws" or "ssm" (case-insensitive). ' +
          'It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). ' +
          'Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". ' +
          'Valid example: /get/parameters2-/by1./path0_.',
      );
    }
  });

  it('GetParametersByPath names every rule, with backslashes before the quotes around aws and ssm', async () => {
    const { status, json } = await raw('GetParametersByPath', { Path: 'app' });
    expect(status).toBe(400);
    expect(json).toEqual({
      __type: 'ValidationException',
      message:
        'The parameter doesn\'t meet the parameter name requirements. The parameter name must begin with a forward slash "/". ' +
        'It can\'t be prefixed with \\"aws\\" or \\"ssm\\" (case-insensitive). ' +
        'It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). ' +
        'Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol "/". ' +
        'Valid example: /get/parameters2-/by1./path0_.',
    });
    const viaSdk = await errorOf(() => ssm.send(new GetParametersByPathCommand({ Path: '/a//b' })));
    expect(viaSdk.message).toBe(json.message);
  });
});

describe('value messages leave the value out', () => {
  it('an empty value', async () => {
    const { status, json } = await raw('PutParameter', {
      Name: `/fid/empty${++counter}`,
      Value: '',
      Type: 'String',
    });
    expect(status).toBe(400);
    expect(json).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    });
  });

  it('a value longer than 32768 characters, in any tier', async () => {
    const error = await errorOf(() =>
      put({ Name: `/fid/long${++counter}`, Value: 'x'.repeat(32769), Tier: 'Advanced' }),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe(
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length less than or equal to 32768",
    );
    // Within 32768 characters, the tier's own limit answers.
    const advanced = await errorOf(() =>
      put({ Name: `/fid/long${++counter}`, Value: 'x'.repeat(32768), Tier: 'Advanced' }),
    );
    expect(advanced.message).toBe(
      'Advanced-tier parameters support a maximum parameter value of 8192 characters.',
    );
  });

  it('are answered before the rules of names, tags and overwrite', async () => {
    const error = await errorOf(() =>
      put({ Name: 'ssm-reserved', Value: '', Overwrite: true, Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    expect(error.message).toBe(
      "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });
});
