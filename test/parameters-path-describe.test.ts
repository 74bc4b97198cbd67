// Parameter Store: GetParametersByPath and DescribeParameters, their filters and pagination.
import {
  AddTagsToResourceCommand,
  DescribeParametersCommand,
  GetParametersByPathCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  paginateDescribeParameters,
  paginateGetParametersByPath,
  type DescribeParametersCommandInput,
  type GetParametersByPathCommandInput,
  type PutParameterCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ssm: SSMClient;
const put = (input: Partial<PutParameterCommandInput> & { Name: string }) =>
  ssm.send(new PutParameterCommand({ Value: 'v', Type: 'String', ...input }));
const byPath = (input: GetParametersByPathCommandInput) => ssm.send(new GetParametersByPathCommand(input));
const names = (list: { Name?: string | undefined }[] | undefined) => (list ?? []).map((p) => p.Name);
const describeAll = async (input: DescribeParametersCommandInput = {}) => {
  const out: string[] = [];
  for await (const page of paginateDescribeParameters({ client: ssm }, input))
    out.push(...names(page.Parameters).map(String));
  return out;
};

beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
  await put({ Name: '/app/db/host', Value: 'db.local' });
  await put({ Name: '/app/db/password', Value: 's3cret', Type: 'SecureString' });
  await put({ Name: '/app/db/port', Value: '5432', Tier: 'Advanced' });
  await put({ Name: '/app/name', Value: 'demo', Description: 'app name' });
  await put({ Name: '/app/list', Value: 'a,b', Type: 'StringList' });
  await put({ Name: '/other/x', Value: 'x', Tags: [{ Key: 'team', Value: 'blue' }] });
  await put({ Name: 'rootname', Value: 'r', Tags: [{ Key: 'team', Value: 'red' }] });
  await put({ Name: '/image', Value: 'ami-12345678', DataType: 'aws:ec2:image' });
});
afterAll(async () => server.stop());

describe('GetParametersByPath', () => {
  it('lists one level, in name order', async () => {
    const result = await byPath({ Path: '/app' });
    expect(names(result.Parameters)).toEqual(['/app/list', '/app/name']);
    expect(result.NextToken).toBeUndefined();
    expect(names((await byPath({ Path: '/app/' })).Parameters)).toEqual(['/app/list', '/app/name']);
  });

  it('lists every level with Recursive, and "/" recursive lists everything', async () => {
    const result = await byPath({ Path: '/app', Recursive: true });
    expect(names(result.Parameters)).toEqual([
      '/app/db/host',
      '/app/db/password',
      '/app/db/port',
      '/app/list',
      '/app/name',
    ]);
    const all: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm }, { Path: '/', Recursive: true })) {
      all.push(...names(page.Parameters).map(String));
    }
    expect(all).toEqual([
      '/app/db/host',
      '/app/db/password',
      '/app/db/port',
      '/app/list',
      '/app/name',
      '/image',
      '/other/x',
      'rootname',
    ]);
  });

  it('lists the top level under "/", names without a slash included', async () => {
    expect(names((await byPath({ Path: '/' })).Parameters)).toEqual(['/image', 'rootname']);
  });

  it('does not list the parameter whose name is the path itself', async () => {
    expect(names((await byPath({ Path: '/app/name' })).Parameters)).toEqual([]);
  });

  it('returns SecureString ciphertext unless WithDecryption', async () => {
    const hidden = (await byPath({ Path: '/app/db' })).Parameters!.find(
      (p) => p.Name === '/app/db/password',
    )!;
    expect(hidden.Value).not.toBe('s3cret');
    const shown = (await byPath({ Path: '/app/db', WithDecryption: true })).Parameters!.find(
      (p) => p.Name === '/app/db/password',
    )!;
    expect(shown.Value).toBe('s3cret');
  });

  it('pages at most 10 at a time (the default) and follows NextToken', async () => {
    for (let i = 0; i < 23; i++) await put({ Name: `/many/p${String(i).padStart(2, '0')}` });
    const first = await byPath({ Path: '/many' });
    expect(first.Parameters).toHaveLength(10);
    expect(first.NextToken).toBeDefined();
    const seen: string[] = [];
    for await (const page of paginateGetParametersByPath({ client: ssm, pageSize: 4 }, { Path: '/many' })) {
      expect(page.Parameters!.length).toBeLessThanOrEqual(4);
      seen.push(...names(page.Parameters).map(String));
    }
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `/many/p${String(i).padStart(2, '0')}`));
    const error = await errorOf(() => byPath({ Path: '/many', MaxResults: 11 }));
    expect(error.name).toBe('ValidationException');
  });

  it('refuses a forged NextToken', async () => {
    const error = await errorOf(() => byPath({ Path: '/many', NextToken: 'not-a-token' }));
    expect(error.name).toBe('InvalidNextToken');
  });

  it('requires the path to begin with a slash, with AWS text', async () => {
    for (const Path of ['app', '/a//b', '/bad path']) {
      const error = await errorOf(() => byPath({ Path }));
      expect(error.name, Path).toBe('ValidationException');
      expect(error.message).toMatch(
        /^The parameter doesn't meet the parameter name requirements\. The parameter name must begin with a forward slash "\/"\./,
      );
    }
  });

  it('filters by Type, KeyId and Label', async () => {
    const secure = await byPath({
      Path: '/app',
      Recursive: true,
      ParameterFilters: [{ Key: 'Type', Values: ['SecureString'] }],
    });
    expect(names(secure.Parameters)).toEqual(['/app/db/password']);
    const key = await byPath({
      Path: '/',
      Recursive: true,
      ParameterFilters: [{ Key: 'KeyId', Option: 'BeginsWith', Values: ['alias/aws'] }],
    });
    expect(names(key.Parameters)).toEqual(['/app/db/password']);
    await put({ Name: '/app/name', Value: 'demo2', Overwrite: true });
    await ssm.send(
      new LabelParameterVersionCommand({ Name: '/app/name', ParameterVersion: 1, Labels: ['stable'] }),
    );
    const labelled = await byPath({ Path: '/app', ParameterFilters: [{ Key: 'Label', Values: ['stable'] }] });
    // The labelled version, not the latest.
    expect(labelled.Parameters).toEqual([
      expect.objectContaining({ Name: '/app/name', Version: 1, Value: 'demo' }),
    ]);
  });

  it('refuses the filter keys and options AWS does not allow there', async () => {
    for (const Key of ['Name', 'Path', 'Tier', 'DataType', 'tag:team']) {
      const error = await errorOf(() => byPath({ Path: '/', ParameterFilters: [{ Key, Values: ['x'] }] }));
      expect(error.name, Key).toBe('InvalidFilterKey');
      expect(error.message).toBe(
        `The following filter key is not valid: ${Key}. Valid filter keys include: [Type, KeyId].`,
      );
    }
    const option = await errorOf(() =>
      byPath({ Path: '/', ParameterFilters: [{ Key: 'Label', Option: 'BeginsWith', Values: ['x'] }] }),
    );
    expect(option.name).toBe('InvalidFilterOption');
    expect(option.message).toBe(
      'The following filter option is not valid: BeginsWith. Valid options include: [Equals].',
    );
    const value = await errorOf(() =>
      byPath({ Path: '/', ParameterFilters: [{ Key: 'Type', Values: ['Number'] }] }),
    );
    expect(value.name).toBe('InvalidFilterValue');
    expect(value.message).toBe(
      'The following filter value is not valid: Number. Valid values include: [String, StringList, SecureString].',
    );
  });
});

describe('DescribeParameters', () => {
  it('lists metadata, 10 a page by default, with the documented fields', async () => {
    const first = await ssm.send(new DescribeParametersCommand({}));
    expect(first.Parameters!.length).toBe(10);
    expect(first.NextToken).toBeDefined();
    const name = (
      await ssm.send(
        new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/app/db/password'] }] }),
      )
    ).Parameters![0]!;
    expect(name).toMatchObject({
      Name: '/app/db/password',
      ARN: 'arn:aws:ssm:us-east-1:000000000000:parameter/app/db/password',
      Type: 'SecureString',
      KeyId: 'alias/aws/ssm',
      LastModifiedUser: 'arn:aws:iam::000000000000:user/ssm-local',
      Version: 1,
      Tier: 'Standard',
      Policies: [],
      DataType: 'text',
    });
    expect(name.LastModifiedDate).toBeInstanceOf(Date);
    expect(name).not.toHaveProperty('Value');
  });

  it('filters by Name with Equals, BeginsWith and Contains ("p" and "/p" alike)', async () => {
    expect(await describeAll({ ParameterFilters: [{ Key: 'Name', Values: ['/rootname'] }] })).toEqual([
      'rootname',
    ]);
    expect(await describeAll({ ParameterFilters: [{ Key: 'Name', Values: ['app/name'] }] })).toEqual([
      '/app/name',
    ]);
    expect(
      await describeAll({ ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: ['/app/db'] }] }),
    ).toEqual(['/app/db/host', '/app/db/password', '/app/db/port']);
    expect(
      await describeAll({ ParameterFilters: [{ Key: 'Name', Option: 'Contains', Values: ['pass'] }] }),
    ).toEqual(['/app/db/password']);
  });

  it('filters by Path, one level by default or Recursive', async () => {
    expect(await describeAll({ ParameterFilters: [{ Key: 'Path', Values: ['/app'] }] })).toEqual([
      '/app/list',
      '/app/name',
    ]);
    expect(
      await describeAll({ ParameterFilters: [{ Key: 'Path', Option: 'Recursive', Values: ['/app'] }] }),
    ).toEqual(['/app/db/host', '/app/db/password', '/app/db/port', '/app/list', '/app/name']);
    expect(await describeAll({ ParameterFilters: [{ Key: 'Path', Values: ['/'] }] })).toEqual([
      '/image',
      'rootname',
    ]);
  });

  it('filters by Type, KeyId, Tier, DataType and tag, all filters together', async () => {
    expect(
      await describeAll({ ParameterFilters: [{ Key: 'Type', Values: ['StringList', 'SecureString'] }] }),
    ).toEqual(['/app/db/password', '/app/list']);
    expect(await describeAll({ ParameterFilters: [{ Key: 'KeyId', Values: ['alias/aws/ssm'] }] })).toEqual([
      '/app/db/password',
    ]);
    expect(await describeAll({ ParameterFilters: [{ Key: 'Tier', Values: ['Advanced'] }] })).toEqual([
      '/app/db/port',
    ]);
    expect(await describeAll({ ParameterFilters: [{ Key: 'DataType', Values: ['aws:ec2:image'] }] })).toEqual(
      ['/image'],
    );
    expect(await describeAll({ ParameterFilters: [{ Key: 'tag:team', Values: ['blue'] }] })).toEqual([
      '/other/x',
    ]);
    expect(await describeAll({ ParameterFilters: [{ Key: 'tag:team' }] })).toEqual(['/other/x', 'rootname']);
    expect(
      await describeAll({
        ParameterFilters: [
          { Key: 'tag:team', Option: 'BeginsWith', Values: ['r'] },
          { Key: 'Type', Values: ['String'] },
        ],
      }),
    ).toEqual(['rootname']);
  });

  it('supports the deprecated Filters, but not together with ParameterFilters', async () => {
    expect(await describeAll({ Filters: [{ Key: 'Name', Values: ['/app/db/p'] }] })).toEqual([
      '/app/db/password',
      '/app/db/port',
    ]);
    expect(await describeAll({ Filters: [{ Key: 'Type', Values: ['StringList'] }] })).toEqual(['/app/list']);
    const error = await errorOf(() =>
      ssm.send(
        new DescribeParametersCommand({
          Filters: [{ Key: 'Type', Values: ['String'] }],
          ParameterFilters: [{ Key: 'Type', Values: ['String'] }],
        }),
      ),
    );
    expect(error.name).toBe('ValidationException');
    expect(error.message).toBe('You can use either Filters or ParameterFilters in a single request.');
  });

  it('refuses bad filter keys, options, values and duplicates with AWS text', async () => {
    const send = (ParameterFilters: DescribeParametersCommandInput['ParameterFilters']) =>
      errorOf(() => ssm.send(new DescribeParametersCommand({ ParameterFilters })));
    let error = await send([{ Key: 'Label', Values: ['x'] }]);
    expect([error.name, error.message]).toEqual([
      'InvalidFilterKey',
      'The following filter key is not valid: Label. Valid filter keys include: [Path, Name, Type, KeyId, Tier].',
    ]);
    error = await send([
      { Key: 'Type', Values: ['String'] },
      { Key: 'Type', Values: ['SecureString'] },
    ]);
    expect([error.name, error.message]).toEqual([
      'InvalidFilterKey',
      'The following filter is duplicated in the request: Type. A request can contain only one occurrence of a specific filter.',
    ]);
    error = await send([{ Key: 'Path', Option: 'Equals', Values: ['/app'] }]);
    expect([error.name, error.message]).toEqual([
      'InvalidFilterOption',
      'The following filter option is not valid: Equals. Valid options include: [Recursive, OneLevel].',
    ]);
    error = await send([{ Key: 'Type', Option: 'Contains', Values: ['S'] }]);
    expect([error.name, error.message]).toEqual([
      'InvalidFilterOption',
      'The following filter option is not valid: Contains. Valid options include: [BeginsWith, Equals].',
    ]);
    error = await send([{ Key: 'Tier', Values: ['Gold'] }]);
    expect([error.name, error.message]).toEqual([
      'InvalidFilterValue',
      'The following filter value is not valid: Gold. Valid values include: [Standard, Advanced, Intelligent-Tiering].',
    ]);
    error = await send([{ Key: 'Name' }]);
    expect([error.name, error.message]).toEqual([
      'InvalidFilterValue',
      'The following filter values are missing : null for filter key Name.',
    ]);
    error = await send([{ Key: 'Path', Values: ['/aws/service'] }]);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toMatch(/^Filters for common parameters can't be prefixed with "aws" or "ssm"/);
    error = await send([{ Key: 'Path', Values: ['app'] }]);
    expect(error.name).toBe('ValidationException');
    error = await send([{ Key: 'Bogus', Values: ['x'] }]);
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain("at 'parameterFilters.1.member.key' failed to satisfy constraint");
  });

  it('pages with MaxResults up to 50 and NextToken, and refuses a forged token', async () => {
    const all = await describeAll();
    const paged: string[] = [];
    for await (const page of paginateDescribeParameters({ client: ssm, pageSize: 7 }, {})) {
      expect(page.Parameters!.length).toBeLessThanOrEqual(7);
      paged.push(...names(page.Parameters).map(String));
    }
    expect(paged).toEqual(all);
    expect(new Set(all).size).toBe(all.length);
    const error = await errorOf(() => ssm.send(new DescribeParametersCommand({ NextToken: 'bogus' })));
    expect(error.name).toBe('InvalidNextToken');
  });

  it('lists nothing with Shared: no parameter is shared with this account', async () => {
    const result = await ssm.send(new DescribeParametersCommand({ Shared: true }));
    expect(result.Parameters).toEqual([]);
  });

  it('shows descriptions, patterns, tiers and policies', async () => {
    await ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: '/app/name',
        Tags: [{ Key: 'a', Value: 'b' }],
      }),
    );
    const [meta] = (
      await ssm.send(
        new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: ['/app/name'] }] }),
      )
    ).Parameters!;
    expect(meta).toMatchObject({ Name: '/app/name', Description: 'app name', Version: 2 });
  });
});
