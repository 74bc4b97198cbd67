// The shape-guided fuzzer (test/support/fuzz.ts) against a real server on port 0: a few thousand
// requests over every operation of the model, with a fixed seed, must never get a 5xx (other than
// 501 for an operation not implemented yet), an error without __type, or a hang; afterwards the
// server still answers and the state stored before is intact, also after a restart from its file.
// bench/fuzz.ts runs 100,000 with a random seed.
import { GetParameterCommand, PutParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryFleet } from '../src/instances/index.js';
import { FakeExecutor } from './support/fake-executor.js';
import { runFuzz } from './support/fuzz.js';
import { startTestServer, type TestServer } from './support/server.js';

const SEED = 20261201;
const COUNT = 3000;

describe('fuzzing every operation', () => {
  const folder = mkdtempSync(join(tmpdir(), 'ssm-local-fuzz-'));
  const dataPath = join(folder, 'state.json');
  const start = (): Promise<TestServer> =>
    startTestServer({
      dataPath,
      fleet: new MemoryFleet([{ id: 'i-0000000000000000a', name: 'fuzz', tags: { Role: 'web' } }]),
      executor: new FakeExecutor(() => ({ exitCode: 0, stdout: 'fuzzed\n' })),
    });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const sentinel = async (ssm: SSMClient) =>
    (await ssm.send(new GetParameterCommand({ Name: '/fuzz-sentinel/kept', WithDecryption: true })))
      .Parameter;

  it(`answers ${COUNT} fuzzed requests without a fault, and keeps what was stored`, async () => {
    let server = await start();
    try {
      const ssm = server.client();
      await ssm.send(
        new PutParameterCommand({
          Name: '/fuzz-sentinel/kept',
          Value: 'before the fuzz',
          Type: 'SecureString',
        }),
      );
      const before = await sentinel(ssm);
      const result = await runFuzz({
        endpoint: server.endpoint,
        seed: SEED,
        count: COUNT,
        timeoutMs: 10_000,
      });
      const report = result.failures
        .slice(0, 5)
        .map((f) => `${f.status} ${f.request.target} ${f.request.body.slice(0, 300)}\n  -> ${f.answer}`);
      expect(report, `seed ${SEED}`).toEqual([]);
      expect(result.sent).toBe(COUNT);
      // Still answering, and the sentinel reads back the same.
      expect(await sentinel(ssm)).toEqual(before);
      await server.stop();
      server = await start();
      expect(await sentinel(server.client())).toMatchObject({
        Value: 'before the fuzz',
        Version: before!.Version,
        Type: 'SecureString',
      });
    } finally {
      await server.stop();
    }
  });
});
