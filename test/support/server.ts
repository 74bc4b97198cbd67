// Starts a real ssm-local server on port 0 for a test file and hands out SDK clients for it.
import { SSMClient } from '@aws-sdk/client-ssm';
import { startSsmLocal, type SsmLocal, type StartOptions } from '../../src/index.js';

export interface TestServer {
  ssm: SsmLocal;
  endpoint: string;
  /** An SDK v3 client for the given region (default us-east-1) and access key. */
  client(region?: string, accessKeyId?: string): SSMClient;
  stop(): Promise<void>;
}

export async function startTestServer(options: StartOptions = {}): Promise<TestServer> {
  // No fleet unless asked for (fleetPath ''): Docker-backed tests use startDockerTestServer().
  const ssm = await startSsmLocal({ port: 0, dataPath: ':memory:', fleetPath: '', ...options });
  const clients: SSMClient[] = [];
  return {
    ssm,
    endpoint: ssm.endpoint,
    client(region = 'us-east-1', accessKeyId = 'AKIDEXAMPLE') {
      const c = new SSMClient({
        endpoint: ssm.endpoint,
        region,
        credentials: { accessKeyId, secretAccessKey: 'secret' },
        maxAttempts: 1,
      });
      clients.push(c);
      return c;
    },
    async stop() {
      for (const c of clients) c.destroy();
      await ssm.stop();
    },
  };
}

/** Runs fn and returns the error it throws (the test fails if it does not throw). */
export async function errorOf(
  fn: () => Promise<unknown>,
): Promise<Error & { name: string; $metadata?: { httpStatusCode?: number } }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { name: string };
  }
  throw new Error('expected an error, but the call succeeded');
}

/** POST /_ssm-local/clock: moves the emulator's clock `seconds` forward; fails unless it answers 200. */
export async function advanceClock(endpoint: string, seconds: number): Promise<void> {
  const response = await fetch(`${endpoint}/_ssm-local/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });
  if (response.status !== 200) {
    throw new Error(`POST /_ssm-local/clock answered ${response.status}: ${await response.text()}`);
  }
}
