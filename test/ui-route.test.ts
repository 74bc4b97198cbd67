// The console's route, in process (no browser): where it answers, with which content types, and
// what config.json tells the browser app.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

describe('the web console route', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());
  const get = (path: string) => server.ssm.app.request(path);

  it('redirects /_ssm-local/ui to the slash form', async () => {
    const response = await get('/_ssm-local/ui');
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/_ssm-local/ui/');
  });

  it('serves index.html, whose script and stylesheet are served with their content types', async () => {
    const index = await get('/_ssm-local/ui/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const html = await index.text();
    expect(html).toContain('<div id="app">');
    const script = /<script type="module" src="\.\/([^"]+\.js)"/.exec(html)?.[1];
    const style = /<link rel="stylesheet" href="\.\/([^"]+\.css)"/.exec(html)?.[1];
    expect(script).toMatch(/^main-[A-Z0-9]+\.js$/);
    expect(style).toMatch(/^main-[A-Z0-9]+\.css$/);
    const js = await get(`/_ssm-local/ui/${script}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    const code = await js.text();
    // Everything is bundled: no import of a URL, no CDN, no remote font.
    expect(code).not.toMatch(/\bfrom\s*["']https?:/);
    expect(code).not.toMatch(/https:\/\/(cdn|unpkg|fonts\.googleapis|esm\.sh)/);
    const css = await get(`/_ssm-local/ui/${style}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).not.toContain('@import');
    expect((await get('/_ssm-local/ui/index.html')).status).toBe(200);
  });

  it('answers 404 for a file the console does not have', async () => {
    expect((await get('/_ssm-local/ui/nothing.js')).status).toBe(404);
  });

  it('tells the app the defaults, strict mode and whether the clock moves', async () => {
    const response = await get('/_ssm-local/ui/config.json');
    expect(response.headers.get('content-type')).toContain('application/json');
    expect(await response.json()).toMatchObject({
      defaultAccountId: '000000000000',
      defaultRegion: 'us-east-1',
      strictCredentials: false,
      clockAdjustable: true,
    });
    const strict = await startTestServer({ credentials: { AKIDSTRICT: 'secret' } });
    try {
      const config = (await (await strict.ssm.app.request('/_ssm-local/ui/config.json')).json()) as {
        strictCredentials: boolean;
      };
      expect(config.strictCredentials).toBe(true);
    } finally {
      await strict.stop();
    }
  });

  it('accepts the credential scope the console sends: account from the key, region from the scope', async () => {
    const call = (accountId: string, region: string) =>
      server.ssm.app.request('/', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AmazonSSM.PutParameter',
          authorization: `AWS4-HMAC-SHA256 Credential=${accountId}/20260101/${region}/ssm/aws4_request, SignedHeaders=host, Signature=0`,
        },
        body: JSON.stringify({ Name: '/ui/scope', Value: `${accountId}@${region}`, Type: 'String' }),
      });
    expect((await call('111122223333', 'eu-west-1')).status).toBe(200);
    const { GetParameterCommand } = await import('@aws-sdk/client-ssm');
    const answer = await server
      .client('eu-west-1', '111122223333')
      .send(new GetParameterCommand({ Name: '/ui/scope' }));
    expect(answer.Parameter?.Value).toBe('111122223333@eu-west-1');
    const elsewhere = await server.ssm.app.request('/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.GetParameter' },
      body: JSON.stringify({ Name: '/ui/scope' }),
    });
    expect(elsewhere.status).toBe(400);
  });
});
