// The shape-guided fuzzer at length: 100,000 requests (or FUZZ_COUNT) with a random seed (or
// FUZZ_SEED, to replay one) against a server in a process of its own, with a data file. Fails (exit
// 1) on any 5xx other than 501 for an operation not implemented yet, an error without __type, a
// hang, the server not answering a plain request after, or the state stored before it not reading
// back the same after a restart. `npm run bench:fuzz`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runFuzz } from '../test/support/fuzz.js';
import { startProcess } from './support.js';

const count = Number(process.env.FUZZ_COUNT ?? 100_000);
const seed = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const folder = mkdtempSync(join(tmpdir(), 'ssm-local-fuzz-bench-'));
const env = { SSM_LOCAL_DATA: join(folder, 'state.json') };

async function call(
  endpoint: string,
  operation: string,
  body: object,
): Promise<{ status: number; json: unknown }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${operation}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, json: await response.json() };
}

const SENTINEL = { Name: '/fuzz-sentinel/kept', Value: 'before the fuzz', Type: 'SecureString' };
const read = async (endpoint: string) =>
  JSON.stringify((await call(endpoint, 'GetParameter', { Name: SENTINEL.Name, WithDecryption: true })).json, [
    'Parameter',
    'Name',
    'Value',
    'Version',
    'Type',
  ]);

let failed = false;
let server = await startProcess('src/cli.ts', env);
try {
  await call(server.endpoint, 'PutParameter', SENTINEL);
  const before = await read(server.endpoint);
  console.log(`fuzzing ${count} requests, seed ${seed} (FUZZ_SEED=${seed} replays it)`);
  const started = performance.now();
  const result = await runFuzz({
    endpoint: server.endpoint,
    seed,
    count,
    onProgress: (sent) => {
      if (sent % 10_000 === 0) console.log(`  ${sent} sent`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`\n| status | responses |\n|---|---|`);
  for (const [status, n] of [...result.statuses].sort((a, b) => a[0] - b[0])) {
    console.log(`| ${status === 0 ? 'no answer' : status} | ${n} |`);
  }
  console.log(
    `\n${result.sent} requests in ${seconds.toFixed(1)} s (${Math.round(result.sent / seconds)}/s)`,
  );
  console.log('slowest answers:');
  for (const slow of result.slowest) {
    console.log(
      `  ${slow.ms.toFixed(0)} ms ${slow.status} ${slow.request.target} ${slow.request.body.slice(0, 200)}`,
    );
  }
  for (const f of result.failures.slice(0, 20)) {
    console.log(`FAILURE ${f.status} ${f.request.target} ${f.request.body.slice(0, 300)}\n  -> ${f.answer}`);
  }
  if (result.failures.length > 0) {
    console.log(`${result.failures.length} failures`);
    failed = true;
  }
  const after = await read(server.endpoint);
  await server.stop();
  server = await startProcess('src/cli.ts', env);
  const restarted = await read(server.endpoint);
  if (after !== before || restarted !== before) {
    console.log(`state changed: before ${before}, after ${after}, after a restart ${restarted}`);
    failed = true;
  } else {
    console.log(
      'the server answers after the fuzz, and the state stored before reads back the same after a restart',
    );
  }
} finally {
  await server.stop();
  rmSync(folder, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
