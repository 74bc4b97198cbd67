// Parameter Store throughput and latency: GetParameter and PutParameter at 16 concurrent clients
// with 10 and with 10,000 parameters stored (state in a real data file), beside a bare Hono route
// on the same server stack.
//   npx tsx bench/parameters.ts [--seconds 5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measure, printTable, startProcess, type Measured } from './support.js';

const seconds = Number(process.argv[process.argv.indexOf('--seconds') + 1]) || 5;
const connections = 16;

async function seed(endpoint: string, count: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      const res = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.PutParameter' },
        body: JSON.stringify({ Name: `/bench/p${i}`, Value: `value-${i}`, Type: 'String', Overwrite: true }),
      });
      if (!res.ok) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
}

async function main(): Promise<void> {
  const rows: Measured[] = [];
  const bare = await startProcess('bench/bare-hono.ts');
  rows.push(await measure('bare Hono route', bare.endpoint, { connections, seconds, body: () => '{}' }));
  await bare.stop();

  for (const stored of [10, 10_000]) {
    const dir = mkdtempSync(join(tmpdir(), 'ssm-local-bench-'));
    const server = await startProcess('src/cli.ts', { SSM_LOCAL_DATA: join(dir, 'state.json') });
    await seed(server.endpoint, stored);
    let i = 0;
    rows.push(
      await measure(`GetParameter, ${stored} stored`, server.endpoint, {
        connections,
        seconds,
        target: 'AmazonSSM.GetParameter',
        body: () => JSON.stringify({ Name: `/bench/p${i++ % stored}` }),
      }),
    );
    rows.push(
      await measure(`PutParameter, ${stored} stored`, server.endpoint, {
        connections,
        seconds,
        target: 'AmazonSSM.PutParameter',
        body: () =>
          JSON.stringify({
            Name: `/bench/p${i++ % stored}`,
            Value: `v${i}`,
            Type: 'String',
            Overwrite: true,
          }),
      }),
    );
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `\nParameter Store, ${connections} concurrent clients, ${seconds}s per case (node ${process.version})\n`,
  );
  printTable(rows);
  const get = rows.find((r) => r.label === 'GetParameter, 10 stored')!;
  const put10 = rows.find((r) => r.label === 'PutParameter, 10 stored')!;
  const put10k = rows.find((r) => r.label === 'PutParameter, 10000 stored')!;
  const bareRow = rows[0]!;
  console.log(
    `\nGetParameter / bare route: ${(get.requestsPerSecond / bareRow.requestsPerSecond).toFixed(2)} (goal >= 0.5)`,
  );
  console.log(
    `PutParameter 10,000 stored / 10 stored: ${(put10k.requestsPerSecond / put10.requestsPerSecond).toFixed(2)} (goal >= 0.5)`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
