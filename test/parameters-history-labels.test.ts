// Parameter Store: GetParameterHistory, LabelParameterVersion, UnlabelParameterVersion and the
// 100-version limit.
import {
  GetParameterCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  PutParameterCommand,
  UnlabelParameterVersionCommand,
  paginateGetParameterHistory,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

let server: TestServer;
let ssm: SSMClient;
let counter = 0;
const unique = () => `/h/p${++counter}`;

async function withVersions(count: number, type: 'String' | 'SecureString' = 'String'): Promise<string> {
  const name = unique();
  for (let i = 1; i <= count; i++) {
    await ssm.send(new PutParameterCommand({ Name: name, Value: `v${i}`, Type: type, Overwrite: i > 1 }));
  }
  return name;
}
const label = (Name: string, Labels: string[], ParameterVersion?: number) =>
  ssm.send(
    new LabelParameterVersionCommand({ Name, Labels, ...(ParameterVersion ? { ParameterVersion } : {}) }),
  );
const history = async (Name: string) =>
  (await ssm.send(new GetParameterHistoryCommand({ Name }))).Parameters!;

beforeAll(async () => {
  server = await startTestServer();
  ssm = server.client();
});
afterAll(async () => server.stop());

describe('GetParameterHistory', () => {
  it('lists every version oldest first with labels, tier, policies and who changed it', async () => {
    const name = unique();
    await ssm.send(
      new PutParameterCommand({ Name: name, Value: 'one', Type: 'String', Description: 'first' }),
    );
    await ssm.send(
      new PutParameterCommand({ Name: name, Value: 'two', Overwrite: true, AllowedPattern: '[a-z]+' }),
    );
    await label(name, ['current']);
    const versions = await history(name);
    expect(versions).toHaveLength(2);
    expect(versions[0]).toMatchObject({
      Name: name,
      Type: 'String',
      Value: 'one',
      Version: 1,
      Description: 'first',
      Labels: [],
      Tier: 'Standard',
      Policies: [],
      DataType: 'text',
      LastModifiedUser: 'arn:aws:iam::000000000000:user/ssm-local',
    });
    expect(versions[1]).toMatchObject({
      Value: 'two',
      Version: 2,
      AllowedPattern: '[a-z]+',
      Labels: ['current'],
    });
    expect(versions[0]!.LastModifiedDate).toBeInstanceOf(Date);
  });

  it('shows SecureString ciphertext unless WithDecryption, with the key id', async () => {
    const name = await withVersions(2, 'SecureString');
    const hidden = await history(name);
    expect(hidden.map((v) => v.Value)).not.toContain('v1');
    expect(hidden[0]!.KeyId).toBe('alias/aws/ssm');
    const shown = (await ssm.send(new GetParameterHistoryCommand({ Name: name, WithDecryption: true })))
      .Parameters!;
    expect(shown.map((v) => v.Value)).toEqual(['v1', 'v2']);
  });

  it('pages with MaxResults and NextToken', async () => {
    const name = await withVersions(7);
    const first = await ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 3 }));
    expect(first.Parameters!.map((v) => v.Version)).toEqual([1, 2, 3]);
    expect(first.NextToken).toBeDefined();
    const all: number[] = [];
    for await (const page of paginateGetParameterHistory({ client: ssm, pageSize: 3 }, { Name: name })) {
      all.push(...page.Parameters!.map((v) => v.Version!));
    }
    expect(all).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const forged = await errorOf(() =>
      ssm.send(new GetParameterHistoryCommand({ Name: name, NextToken: 'x' })),
    );
    expect(forged.name).toBe('InvalidNextToken');
    const tooMany = await errorOf(() =>
      ssm.send(new GetParameterHistoryCommand({ Name: name, MaxResults: 51 })),
    );
    expect(tooMany.name).toBe('ValidationException');
  });

  it('answers ParameterNotFound for a missing parameter', async () => {
    const error = await errorOf(() => history('/h/missing'));
    expect(error.name).toBe('ParameterNotFound');
  });
});

describe('LabelParameterVersion and UnlabelParameterVersion', () => {
  it('labels the latest version by default and moves a label between versions', async () => {
    const name = await withVersions(3);
    expect(await label(name, ['prod'])).toMatchObject({ InvalidLabels: [], ParameterVersion: 3 });
    expect(await label(name, ['prod', 'blue'], 1)).toMatchObject({ InvalidLabels: [], ParameterVersion: 1 });
    const versions = await history(name);
    expect(versions.map((v) => v.Labels)).toEqual([['prod', 'blue'], [], []]);
    const labelled = await ssm.send(new GetParameterCommand({ Name: `${name}:prod` }));
    expect(labelled.Parameter).toMatchObject({ Version: 1, Value: 'v1', Selector: ':prod' });
  });

  it('reports labels that break the rules in InvalidLabels without attaching them', async () => {
    const name = await withVersions(1);
    const result = await label(name, [
      'ok-label',
      '1starts',
      'awsthing',
      'SSMthing',
      'bad label',
      'bad/slash',
      'fine.v_2',
    ]);
    expect(result.InvalidLabels).toEqual(['1starts', 'awsthing', 'SSMthing', 'bad label', 'bad/slash']);
    expect((await history(name))[0]!.Labels).toEqual(['ok-label', 'fine.v_2']);
  });

  it('refuses a label over 100 characters (model constraint)', async () => {
    const name = await withVersions(1);
    const error = await errorOf(() => label(name, ['x'.repeat(101)]));
    expect(error.name).toBe('ValidationException');
    expect(error.message).toContain('Member must have length less than or equal to 100');
  });

  it('allows ten labels on a version and refuses the eleventh', async () => {
    const name = await withVersions(2);
    const ten = Array.from({ length: 10 }, (_, i) => `l${i}`);
    await label(name, ten, 1);
    const error = await errorOf(() => label(name, ['eleven'], 1));
    expect(error.name).toBe('ParameterVersionLabelLimitExceeded');
    expect(error.message).toMatch(/^A parameter version can have maximum 10 labels\./);
    // Relabelling with labels it already has is fine.
    expect(await label(name, ['l0', 'l1'], 1)).toMatchObject({ InvalidLabels: [] });
  });

  it('answers ParameterNotFound and ParameterVersionNotFound', async () => {
    expect((await errorOf(() => label('/h/none', ['a']))).name).toBe('ParameterNotFound');
    const name = await withVersions(1);
    const error = await errorOf(() => label(name, ['a'], 5));
    expect(error.name).toBe('ParameterVersionNotFound');
    expect(error.message).toBe(
      `Systems Manager could not find version 5 of ${name}. Verify the version and try again.`,
    );
  });

  it('unlabels, reporting removed and invalid labels', async () => {
    const name = await withVersions(2);
    await label(name, ['a', 'b'], 2);
    const result = await ssm.send(
      new UnlabelParameterVersionCommand({ Name: name, ParameterVersion: 2, Labels: ['a', 'zzz'] }),
    );
    expect(result).toMatchObject({ RemovedLabels: ['a'], InvalidLabels: ['zzz'] });
    expect((await history(name))[1]!.Labels).toEqual(['b']);
    const missing = await errorOf(() =>
      ssm.send(new UnlabelParameterVersionCommand({ Name: name, ParameterVersion: 9, Labels: ['b'] })),
    );
    expect(missing.name).toBe('ParameterVersionNotFound');
  });
});

describe('the 100-version limit', () => {
  it('keeps 100 versions, dropping the oldest, and refuses when the oldest has a label', async () => {
    const name = await withVersions(100);
    await ssm.send(new PutParameterCommand({ Name: name, Value: 'v101', Overwrite: true }));
    let versions: number[] = [];
    for await (const page of paginateGetParameterHistory({ client: ssm }, { Name: name })) {
      versions.push(...page.Parameters!.map((v) => v.Version!));
    }
    expect(versions).toHaveLength(100);
    expect(versions[0]).toBe(2);
    expect(versions[99]).toBe(101);
    const gone = await errorOf(() => ssm.send(new GetParameterCommand({ Name: `${name}:1` })));
    expect(gone.name).toBe('ParameterVersionNotFound');

    await label(name, ['keep'], 2);
    const error = await errorOf(() =>
      ssm.send(new PutParameterCommand({ Name: name, Value: 'v102', Overwrite: true })),
    );
    expect(error.name).toBe('ParameterMaxVersionLimitExceeded');
    expect(error.message).toBe(
      `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. ` +
        "Version 2, the oldest version, can't be deleted because it has a label associated with it. Move the label " +
        'to another version of the parameter, and try again.',
    );
    // Moving the label away lets the next version in.
    await label(name, ['keep'], 50);
    expect(
      await ssm.send(new PutParameterCommand({ Name: name, Value: 'v102', Overwrite: true })),
    ).toMatchObject({ Version: 102 });
    versions = [];
    for await (const page of paginateGetParameterHistory({ client: ssm }, { Name: name })) {
      versions.push(...page.Parameters!.map((v) => v.Version!));
    }
    expect(versions[0]).toBe(3);
  });
});
