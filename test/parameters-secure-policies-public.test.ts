// Parameter Store: SecureString encryption and key ids, parameter policies with a real expiration
// (on an injected clock), and the public parameters under /aws/service/.
import {
  DescribeParametersCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  GetParametersByPathCommand,
  GetParametersCommand,
  PutParameterCommand,
  paginateGetParametersByPath,
  type PutParameterCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';
import { parametersCapability } from '../src/parameters/index.js';
import { stateOf } from '../src/parameters/state.js';
import { tagsCapability } from '../src/tags/index.js';
import { FakeClock } from '../src/core/fake-clock.js';

const START = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;
let now = START;
const clock = { now: () => new Date(now) };

let server: TestServer;
let ssm: SSMClient;
let counter = 0;
const unique = (prefix = '/s') => `${prefix}/p${++counter}`;
const put = (input: Partial<PutParameterCommandInput> & { Name: string }) =>
  ssm.send(new PutParameterCommand({ Value: 'v', Type: 'String', ...input }));
const get = (Name: string, WithDecryption = false) =>
  ssm.send(new GetParameterCommand({ Name, WithDecryption })).then((r) => r.Parameter!);
const describeOne = async (name: string) =>
  (await ssm.send(new DescribeParametersCommand({ ParameterFilters: [{ Key: 'Name', Values: [name] }] })))
    .Parameters![0];
const expiration = (at: number) =>
  JSON.stringify([
    { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: new Date(at).toISOString() } },
  ]);

beforeAll(async () => {
  server = await startTestServer({ clock });
  ssm = server.client();
});
afterAll(async () => server.stop());

describe('SecureString', () => {
  it('gives the ciphertext without WithDecryption and the value with it', async () => {
    const name = unique();
    await put({ Name: name, Value: 'hunter2', Type: 'SecureString' });
    const hidden = await get(name);
    expect(hidden.Type).toBe('SecureString');
    expect(hidden.Value).not.toContain('hunter2');
    expect(hidden.Value).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect((await get(name, true)).Value).toBe('hunter2');
    const both = await ssm.send(new GetParametersCommand({ Names: [name], WithDecryption: true }));
    expect(both.Parameters![0]!.Value).toBe('hunter2');
  });

  it('defaults the key to alias/aws/ssm and records customer key ids in every accepted form', async () => {
    const plain = unique();
    await put({ Name: plain, Type: 'SecureString' });
    expect((await describeOne(plain))!.KeyId).toBe('alias/aws/ssm');
    for (const KeyId of [
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      'alias/my-key',
      'arn:aws:kms:us-east-1:111122223333:alias/my-key',
      'mrk-1234abcd12ab34cd56ef1234567890ab',
    ]) {
      const name = unique();
      await put({ Name: name, Type: 'SecureString', Value: 'x', KeyId });
      expect((await describeOne(name))!.KeyId, KeyId).toBe(KeyId);
      expect((await get(name, true)).Value).toBe('x');
    }
  });

  it('answers InvalidKeyId for a malformed key id', async () => {
    for (const KeyId of ['not-a-key', 'alias/', 'arn:aws:kms:us-east-1:111122223333:key/nope']) {
      const error = await errorOf(() => put({ Name: unique(), Type: 'SecureString', KeyId }));
      expect(error.name, KeyId).toBe('InvalidKeyId');
      expect(error.message).toMatch(new RegExp(`^Invalid keyId ${KeyId.replace(/[/.]/g, '\\$&')} `));
    }
  });

  it('keeps every version decryptable across overwrites and key changes, in either name form', async () => {
    const bare = `secret${++counter}`;
    await put({ Name: bare, Type: 'SecureString', Value: 'one' });
    await put({
      Name: `/${bare}`,
      Type: 'SecureString',
      Value: 'two',
      Overwrite: true,
      KeyId: 'alias/other',
    });
    await ssm.send(new PutParameterCommand({ Name: bare, Value: 'three', Overwrite: true }));
    expect((await describeOne(bare))!).toMatchObject({ Type: 'SecureString', KeyId: 'alias/other' });
    const history = await ssm.send(
      new GetParameterHistoryCommand({ Name: `/${bare}`, WithDecryption: true }),
    );
    expect(history.Parameters!.map((v) => [v.Value, v.KeyId])).toEqual([
      ['one', 'alias/aws/ssm'],
      ['two', 'alias/other'],
      ['three', 'alias/other'],
    ]);
  });

  it('never writes the plaintext to the data file, and decrypts it again after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-local-secure-'));
    const dataPath = join(dir, 'data.json');
    try {
      let own = await startTestServer({ dataPath });
      await own
        .client()
        .send(
          new PutParameterCommand({ Name: '/vault/pw', Value: 'PLAINTEXT-7f3a9c', Type: 'SecureString' }),
        );
      await own.stop();
      const file = readFileSync(dataPath, 'utf8');
      expect(file).toContain('vault/pw');
      expect(file).not.toContain('PLAINTEXT-7f3a9c');
      own = await startTestServer({ dataPath });
      const again = await own
        .client()
        .send(new GetParameterCommand({ Name: '/vault/pw', WithDecryption: true }));
      expect(again.Parameter!.Value).toBe('PLAINTEXT-7f3a9c');
      await own.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parameter policies', () => {
  it('need the advanced tier', async () => {
    const error = await errorOf(() => put({ Name: unique(), Policies: expiration(now + HOUR) }));
    expect(error.name).toBe('ValidationException');
    expect(
      await put({ Name: unique(), Policies: expiration(now + HOUR), Tier: 'Intelligent-Tiering' }),
    ).toMatchObject({ Tier: 'Advanced' });
  });

  it('are stored and shown with type and status, and kept by an overwrite that does not restate them', async () => {
    const name = unique();
    const policies = [
      { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2030-06-01T00:00:00.000Z' } },
      { Type: 'ExpirationNotification', Version: '1.0', Attributes: { Before: '15', Unit: 'Days' } },
      { Type: 'NoChangeNotification', Version: '1.0', Attributes: { After: '20', Unit: 'Hours' } },
    ];
    await put({ Name: name, Tier: 'Advanced', Policies: JSON.stringify(policies) });
    await put({ Name: name, Value: 'second', Overwrite: true });
    const meta = await describeOne(name);
    expect(meta!.Policies).toEqual(
      policies.map((p) => ({ PolicyText: JSON.stringify(p), PolicyType: p.Type, PolicyStatus: 'Pending' })),
    );
    const history = await ssm.send(new GetParameterHistoryCommand({ Name: name }));
    expect(history.Parameters!.map((v) => v.Policies!.length)).toEqual([3, 3]);
    // "[{}]" removes them all.
    await put({ Name: name, Value: 'third', Overwrite: true, Policies: '[{}]' });
    expect((await describeOne(name))!.Policies).toEqual([]);
  });

  it('accept the ISO_OFFSET_DATE_TIME form of a timestamp', async () => {
    const policies = JSON.stringify([
      { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: '2030-11-01T22:13:48.87+10:30:00' } },
    ]);
    expect(await put({ Name: unique(), Tier: 'Advanced', Policies: policies })).toMatchObject({ Version: 1 });
  });

  it('are validated with the modelled errors', async () => {
    const send = (Policies: string) => errorOf(() => put({ Name: unique(), Tier: 'Advanced', Policies }));
    expect((await send('[{"Type":"Deletion","Version":"1.0","Attributes":{}}]')).name).toBe(
      'InvalidPolicyTypeException',
    );
    expect((await send('not json')).name).toBe('InvalidPolicyAttributeException');
    expect(
      (await send('[{"Type":"Expiration","Version":"1.0","Attributes":{"Timestamp":"tomorrow"}}]')).name,
    ).toBe('InvalidPolicyAttributeException');
    expect((await send(expiration(now - HOUR))).name).toBe('InvalidPolicyAttributeException');
    expect(
      (
        await send(
          '[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"3","Unit":"Weeks"}}]',
        )
      ).name,
    ).toBe('InvalidPolicyAttributeException');
    const eleven = JSON.stringify(
      Array.from({ length: 11 }, () => ({
        Type: 'NoChangeNotification',
        Version: '1.0',
        Attributes: { After: '1', Unit: 'Days' },
      })),
    );
    expect((await send(eleven)).name).toBe('PoliciesLimitExceededException');
    const twice = JSON.stringify([
      ...JSON.parse(expiration(now + HOUR)),
      ...JSON.parse(expiration(now + 2 * HOUR)),
    ]);
    expect((await send(twice)).name).toBe('IncompatiblePolicyException');
  });

  it('Expiration deletes the parameter when its time comes', async () => {
    const name = unique('/expiring');
    await put({ Name: name, Tier: 'Advanced', Policies: expiration(now + HOUR) });
    expect((await get(name)).Value).toBe('v');
    now += HOUR + 1;
    expect((await errorOf(() => get(name))).name).toBe('ParameterNotFound');
    expect(await describeOne(name)).toBeUndefined();
    const listed = await ssm.send(new GetParametersByPathCommand({ Path: '/expiring' }));
    expect(listed.Parameters).toEqual([]);
    // Deleted for good: the name can be created again from version 1.
    expect(await put({ Name: name })).toMatchObject({ Version: 1 });
  });

  it('an overwrite keeps the expiration unless its policies change', async () => {
    const name = unique();
    await put({ Name: name, Tier: 'Advanced', Policies: expiration(now + HOUR) });
    await put({ Name: name, Value: 'updated', Overwrite: true });
    now += 2 * HOUR;
    expect((await errorOf(() => get(name))).name).toBe('ParameterNotFound');
  });

  it('the background sweep removes expired parameters from the store when the clock reaches them', async () => {
    const clock = new FakeClock(START);
    const own = await startTestServer({
      clock,
      capabilities: [tagsCapability(), parametersCapability({ sweepIntervalMs: 2000 })],
    });
    try {
      await own.client().send(
        new PutParameterCommand({
          Name: '/sweep/me',
          Value: 'v',
          Type: 'String',
          Tier: 'Advanced',
          Policies: expiration(START + HOUR),
        }),
      );
      const state = stateOf(own.ssm.runtime.services.store.scope('000000000000', 'us-east-1'));
      expect(Object.keys(state.parameters)).toEqual(['sweep/me']);
      // Real time passing changes nothing: the sweep runs on the injected clock only.
      await new Promise((resolve) => setTimeout(resolve, 50));
      await clock.advance(HOUR - 2000);
      expect(Object.keys(state.parameters)).toEqual(['sweep/me']);
      await clock.advance(2000);
      expect(state.parameters).toEqual({});
    } finally {
      await own.stop();
    }
  });
});

describe('public parameters', () => {
  const REGION = '/aws/service/global-infrastructure/regions/us-east-1';

  it('are readable in every region, with the caller region and no account in the ARN', async () => {
    const east = await get(`${REGION}/longName`);
    expect(east).toMatchObject({
      Name: `${REGION}/longName`,
      Type: 'String',
      Value: 'US East (N. Virginia)',
      Version: 1,
      DataType: 'text',
      ARN: `arn:aws:ssm:us-east-1::parameter${REGION}/longName`,
    });
    const west = await server
      .client('eu-west-1')
      .send(new GetParameterCommand({ Name: `${REGION}/longName` }));
    expect(west.Parameter!.ARN).toBe(`arn:aws:ssm:eu-west-1::parameter${REGION}/longName`);
    expect((await get(`${REGION}:1`)).Selector).toBe(':1');
  });

  it('include Amazon Linux AMI ids where the fixture has them', async () => {
    const ami = await get('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64');
    expect(ami.Value).toMatch(/^ami-[0-9a-f]{17}$/);
    const elsewhere = await errorOf(() =>
      server
        .client('eu-central-1')
        .send(
          new GetParameterCommand({ Name: '/aws/service/ami-amazon-linux-latest/amzn2-ami-hvm-x86_64-gp2' }),
        ),
    );
    expect(elsewhere.name).toBe('ParameterNotFound');
  });

  it('are listed by path with pagination, and mix with own parameters in GetParameters', async () => {
    const services: string[] = [];
    for await (const page of paginateGetParametersByPath(
      { client: ssm },
      { Path: '/aws/service/global-infrastructure/services/ssm', Recursive: true },
    )) {
      services.push(...page.Parameters!.map((p) => p.Name!));
    }
    expect(services).toContain('/aws/service/global-infrastructure/services/ssm/longName');
    expect(services).toContain('/aws/service/global-infrastructure/services/ssm/regions/eu-west-1');
    const own = unique();
    await put({ Name: own });
    const mixed = await ssm.send(new GetParametersCommand({ Names: [REGION, own] }));
    expect(mixed.Parameters!.map((p) => p.Name)).toEqual([REGION, own].sort());
  });

  it('are not listed by DescribeParameters unless a Name filter asks for them', async () => {
    const everything = await ssm.send(new DescribeParametersCommand({ MaxResults: 50 }));
    expect(everything.Parameters!.some((p) => p.Name!.startsWith('/aws/'))).toBe(false);
    const asked = await ssm.send(
      new DescribeParametersCommand({
        ParameterFilters: [{ Key: 'Name', Option: 'BeginsWith', Values: [`${REGION}/`] }],
      }),
    );
    expect(asked.Parameters!.map((p) => p.Name)).toEqual([
      `${REGION}/domain`,
      `${REGION}/longName`,
      `${REGION}/partition`,
      ...['dynamodb', 'ec2', 'lambda', 's3', 'ssm', 'sts'].map((s) => `${REGION}/services/${s}`),
    ]);
  });

  it('cannot be written', async () => {
    const error = await errorOf(() => put({ Name: `${REGION}/longName`, Overwrite: true }));
    expect(error.name).toBe('AccessDeniedException');
  });
});
