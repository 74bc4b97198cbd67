// POST /_ssm-local/clock: a user's CI moves the emulator's clock instead of waiting, and what falls
// due on the way runs (here a parameter's Expiration policy, an hour ahead).
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateOf } from '../src/parameters/state.js';
import { errorOf, startTestServer, type TestServer } from './support/server.js';

describe('the clock endpoint', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => server?.stop());

  const clock = async (init?: RequestInit): Promise<{ status: number; json: Record<string, unknown> }> => {
    const response = await fetch(`${server.endpoint}/_ssm-local/clock`, init);
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  const advance = (body: unknown) =>
    clock({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('reads the time, and moves it forward running what falls due: an expired parameter is gone', async () => {
    const before = Date.parse(String((await clock()).json.now));
    expect(Math.abs(before - Date.now())).toBeLessThan(5_000);
    const ssm = server.client();
    const expiresAt = new Date(before + 3_600_000).toISOString();
    await ssm.send(
      new PutParameterCommand({
        Name: '/clock/expiring',
        Value: 'v',
        Type: 'String',
        Tier: 'Advanced',
        Policies: JSON.stringify([
          { Type: 'Expiration', Version: '1.0', Attributes: { Timestamp: expiresAt } },
        ]),
      }),
    );
    const state = stateOf(server.ssm.runtime.services.store.scope('000000000000', 'us-east-1'));
    expect(Object.keys(state.parameters)).toEqual(['clock/expiring']);

    const moved = await advance({ advanceSeconds: 3_605 });
    expect(moved.status).toBe(200);
    expect(Date.parse(String(moved.json.now)) - before).toBeGreaterThanOrEqual(3_605_000);
    // The sweep (every 2 s) ran on the way: the parameter has left the store, not only the answers.
    expect(state.parameters).toEqual({});
    expect((await errorOf(() => ssm.send(new GetParameterCommand({ Name: '/clock/expiring' })))).name).toBe(
      'ParameterNotFound',
    );
    expect(Date.parse(String((await clock()).json.now)) - before).toBeGreaterThanOrEqual(3_605_000);
  });

  it('refuses what is not a forward move', async () => {
    for (const body of [{ advanceSeconds: -1 }, { advanceSeconds: 'x' }, {}, { advanceSeconds: 1e12 }]) {
      const answer = await advance(body);
      expect(answer.status).toBe(400);
      expect(answer.json.__type).toBe('ValidationException');
    }
  });
});
