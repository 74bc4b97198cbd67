// Wire-level edge cases through app.request(): no network, exact bytes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSsmLocal, type SsmLocal } from '../src/index.js';

let ssm: SsmLocal;
beforeAll(async () => {
  ssm = await startSsmLocal({ port: 0, dataPath: ':memory:', fleetPath: '' });
});
afterAll(async () => ssm.stop());

function call(target: string | undefined, body: string, headers: Record<string, string> = {}) {
  return ssm.app.request('/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      ...(target ? { 'x-amz-target': target } : {}),
      ...headers,
    },
    body,
  });
}

describe('wire protocol', () => {
  it('answers UnknownOperationException for an unknown or missing target', async () => {
    for (const target of ['AmazonSSM.NoSuchThing', 'Other.GetParameter', undefined]) {
      const res = await call(target, '{}');
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
      expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
    }
  });

  it('answers SerializationException for malformed JSON and non-object bodies', async () => {
    for (const body of ['{', '[1,2]', '"x"', 'null']) {
      const res = await call('AmazonSSM.GetParameter', body);
      expect(res.status).toBe(400);
      const json = (await res.json()) as { __type: string };
      expect(json.__type).toBe('SerializationException');
    }
  });

  it('answers SerializationException for a value of the wrong type', async () => {
    const res = await call('AmazonSSM.GetParameter', '{"Name": {"a": 1}}');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('SerializationException');
  });

  it('validates from the model with AWS wording, up to ten violations', async () => {
    let res = await call('AmazonSSM.GetParameter', '{}');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: 'ValidationException',
      message:
        "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
    });
    res = await call('AmazonSSM.GetParameters', JSON.stringify({ Names: 'abcdefghijk'.split('') }));
    expect(((await res.json()) as { message: string }).message).toBe(
      "1 validation error detected: Value '[a, b, c, d, e, f, g, h, i, j, k]' at 'names' failed to satisfy constraint: Member must have length less than or equal to 10",
    );
    res = await call('AmazonSSM.PutParameter', JSON.stringify({ Name: 'x', Value: 'y', Type: 'Foo' }));
    expect(((await res.json()) as { message: string }).message).toBe(
      "1 validation error detected: Value 'Foo' at 'type' failed to satisfy constraint: Member must satisfy enum value set: [SecureString, StringList, String]",
    );
    res = await call('AmazonSSM.DescribeParameters', JSON.stringify({ MaxResults: 51 }));
    expect(((await res.json()) as { message: string }).message).toBe(
      "1 validation error detected: Value '51' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50",
    );
    res = await call('AmazonSSM.GetParametersByPath', JSON.stringify({ Path: '', MaxResults: 0 }));
    const { message } = (await res.json()) as { message: string };
    expect(message).toMatch(/^2 validation errors detected: /);
    expect(message).toContain(
      "Value '' at 'path' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(message).toContain(
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
  });

  it('reports nested members with their list position', async () => {
    const res = await call(
      'AmazonSSM.DescribeParameters',
      JSON.stringify({ ParameterFilters: [{ Key: 'Name', Values: ['a'] }, { Key: 'Bogus' }] }),
    );
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain(
      "at 'parameterFilters.2.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: tag:.+|Name|Type|KeyId|Path|Label|Tier|DataType",
    );
  });

  it('answers a clear 501 for a modelled operation that is not implemented, never a fake success', async () => {
    const res = await call(
      'AmazonSSM.CreateOpsItem',
      JSON.stringify({ Title: 't', Source: 's', Description: 'd' }),
    );
    expect(res.status).toBe(501);
    expect(res.headers.get('x-amzn-errortype')).toBe('InternalFailure');
    const json = (await res.json()) as { __type: string; message: string };
    expect(json.__type).toBe('InternalFailure');
    expect(json.message).toMatch(/\bCreateOpsItem is not implemented\b/);
  });

  it('carries a request id on every response', async () => {
    const res = await call('AmazonSSM.GetParameter', '{');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('wipes all state on POST /_ssm-local/reset', async () => {
    const put = await call(
      'AmazonSSM.PutParameter',
      JSON.stringify({ Name: '/reset/me', Value: 'v', Type: 'String' }),
    );
    expect(put.status).toBe(200);
    expect((await call('AmazonSSM.GetParameter', JSON.stringify({ Name: '/reset/me' }))).status).toBe(200);
    const reset = await ssm.app.request('/_ssm-local/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    const gone = await call('AmazonSSM.GetParameter', JSON.stringify({ Name: '/reset/me' }));
    expect(gone.status).toBe(400);
    expect(((await gone.json()) as { __type: string }).__type).toBe('ParameterNotFound');
  });

  it('serves health', async () => {
    const res = await ssm.app.request('/_ssm-local/health');
    expect(res.status).toBe(200);
    const json = (await res.json()) as { service: string; version: string; capabilities: object };
    expect(json.service).toBe('ssm-local');
    expect(json.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});
