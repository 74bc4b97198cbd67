// SigV4: region from the credential scope, account from the access key, and strict mode.
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

describe('strict SigV4 mode', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ credentials: { AKIDSTRICT: 'right-secret' } });
  });
  afterAll(async () => server.stop());

  const client = (accessKeyId: string, secretAccessKey: string): SSMClient =>
    new SSMClient({
      endpoint: server.endpoint,
      region: 'us-west-2',
      credentials: { accessKeyId, secretAccessKey },
      maxAttempts: 1,
    });

  it('accepts a correctly signed request', async () => {
    const ssm = client('AKIDSTRICT', 'right-secret');
    await ssm.send(new PutParameterCommand({ Name: 'strict', Value: 'ok', Type: 'String' }));
    const got = await ssm.send(new GetParameterCommand({ Name: 'strict' }));
    expect(got.Parameter?.Value).toBe('ok');
    expect(got.Parameter?.ARN).toBe('arn:aws:ssm:us-west-2:000000000000:parameter/strict');
    ssm.destroy();
  });

  it('rejects an unknown access key with UnrecognizedClientException', async () => {
    const ssm = client('AKIDUNKNOWN', 'whatever');
    const error = await errorOf(() => ssm.send(new GetParameterCommand({ Name: 'strict' })));
    expect(error.name).toBe('UnrecognizedClientException');
    ssm.destroy();
  });

  it('rejects a wrong secret with InvalidSignatureException', async () => {
    const ssm = client('AKIDSTRICT', 'wrong-secret');
    const error = await errorOf(() => ssm.send(new GetParameterCommand({ Name: 'strict' })));
    expect(error.name).toBe('InvalidSignatureException');
    ssm.destroy();
  });

  it('rejects an unsigned request', async () => {
    const res = await server.ssm.app.request('/', {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSSM.GetParameter', 'content-type': 'application/x-amz-json-1.1' },
      body: '{"Name":"strict"}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
  });
});

describe('accounts and regions', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ accounts: { AKIDTEAM: '111122223333' } });
  });
  afterAll(async () => server.stop());

  it('takes the region from the credential scope and the account from the access key', async () => {
    const mapped = server.client('eu-central-1', 'AKIDTEAM');
    await mapped.send(new PutParameterCommand({ Name: '/who', Value: 'team', Type: 'String' }));
    const got = await mapped.send(new GetParameterCommand({ Name: '/who' }));
    expect(got.Parameter?.ARN).toBe('arn:aws:ssm:eu-central-1:111122223333:parameter/who');

    // A 12-digit access key is taken as the account id itself.
    const digits = server.client('eu-central-1', '444455556666');
    await digits.send(new PutParameterCommand({ Name: '/who', Value: 'digits', Type: 'String' }));
    const other = await digits.send(new GetParameterCommand({ Name: '/who' }));
    expect(other.Parameter?.Value).toBe('digits');
    expect(other.Parameter?.ARN).toBe('arn:aws:ssm:eu-central-1:444455556666:parameter/who');

    // Default account for any other key; each account is separate.
    const anyKey = server.client('eu-central-1', 'AKIDOTHER');
    const missing = await errorOf(() => anyKey.send(new GetParameterCommand({ Name: '/who' })));
    expect(missing.name).toBe('ParameterNotFound');
  });
});
