// Shared by the per-area test helpers (test/*-helpers.ts): a server started once for a describe
// block and stopped after it, with its SDK client.
import type { SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll } from 'vitest';
import type { TestServer } from './support/server.js';

export interface ServerBed {
  readonly server: TestServer;
  readonly ssm: SSMClient;
}

/**
 * Registers the suite's beforeAll and afterAll (call it inside describe): `start`, then `seed` once the
 * server runs. Answers the server and its client, which exist from then on.
 */
export function useTestServer(
  start: () => Promise<TestServer>,
  seed: () => Promise<void> = async () => undefined,
): ServerBed {
  let server: TestServer | undefined;
  let ssm: SSMClient | undefined;
  beforeAll(async () => {
    server = await start();
    ssm = server.client();
    await seed();
  });
  afterAll(async () => server?.stop());
  return {
    get server(): TestServer {
      if (!server) throw new Error('the test server has not started');
      return server;
    },
    get ssm(): SSMClient {
      if (!ssm) throw new Error('the test server has not started');
      return ssm;
    },
  };
}
