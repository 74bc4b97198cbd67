// State Manager at scale, in-process: 1,000 associations on rate(30 minutes) spread over the 20
// instances of a memory fleet (--instances), a no-op executor, and a running (real-time) FakeClock.
// - idle CPU: process.cpuUsage() over a few seconds of real time while no run is due (goal: near 0);
// - lateness: how long after its due time each scheduled run reaches the executor (goal: < 1 s).
// The clock jumps to two seconds before the runs are due; they then fire on real timers.
//   npx tsx bench/associations.ts [--associations 1000] [--idle-seconds 5]
import {
  CreateAssociationCommand,
  ListAssociationsCommand,
  SSMClient,
  type Association,
} from '@aws-sdk/client-ssm';
import { FakeClock } from '../src/core/fake-clock.js';
import type { ExecHandle, ExecRequest, InstanceExecutor } from '../src/docker/executor.js';
import { startSsmLocal } from '../src/index.js';
import { MemoryFleet } from '../src/instances/index.js';

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const count = arg('--associations', 1000);
const idleSeconds = arg('--idle-seconds', 5);
const fleetSize = arg('--instances', 20);
const RATE_MS = 30 * 60_000;

const instanceId = (n: number): string => `i-${n.toString(16).padStart(17, '0')}`;

/** Records when (on the emulator's clock) each instance's script started; every run succeeds at once. */
class RecordingExecutor implements InstanceExecutor {
  readonly starts = new Map<string, number[]>();
  constructor(private readonly clock: FakeClock) {}
  available(): Promise<boolean> {
    return Promise.resolve(true);
  }
  exec(_containerId: string, request: ExecRequest): Promise<ExecHandle> {
    // Each association's script is `echo <its number>`: runs are keyed by that number.
    const key = /echo (\d+)/.exec(request.files?.[0]?.content ?? '')?.[1] ?? '?';
    const list = this.starts.get(key) ?? [];
    list.push(this.clock.now().getTime());
    this.starts.set(key, list);
    const result = Promise.resolve({ exitCode: 0, stdout: '', stderr: '', containerLost: false });
    return Promise.resolve({ result, kill: async () => undefined });
  }
  runs(): number {
    let total = 0;
    for (const list of this.starts.values()) total += list.length;
    return total;
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const clock = new FakeClock(Date.now(), { running: true });
  const fleet = new MemoryFleet(
    Array.from({ length: fleetSize }, (_, n) => ({
      id: instanceId(n + 1),
      name: `node-${n + 1}`,
      tags: { Bench: 'yes' },
    })),
  );
  const executor = new RecordingExecutor(clock);
  const ssm = await startSsmLocal({ port: 0, dataPath: ':memory:', fleetPath: '', clock, fleet, executor });
  const client = new SSMClient({
    endpoint: ssm.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
  });
  try {
    const created = Date.now();
    const numberOf = new Map<string, string>();
    for (let start = 0; start < count; start += 25) {
      const answers = await Promise.all(
        Array.from({ length: Math.min(25, count - start) }, (_, i) =>
          client.send(
            new CreateAssociationCommand({
              Name: 'AWS-RunShellScript',
              Targets: [{ Key: 'InstanceIds', Values: [instanceId(((start + i) % fleetSize) + 1)] }],
              Parameters: { commands: [`echo ${start + i}`] },
              ScheduleExpression: 'rate(30 minutes)',
            }),
          ),
        ),
      );
      answers.forEach((a, i) => numberOf.set(a.AssociationDescription!.AssociationId!, String(start + i)));
    }
    await until(() => executor.runs() >= count, 60_000, 'the runs at creation');
    console.log(`created ${count} associations and ran each once in ${Date.now() - created} ms`);

    // Due times: each association's last run + the rate.
    const associations: Association[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListAssociationsCommand({ MaxResults: 50, NextToken: token }));
      associations.push(...(page.Associations ?? []));
      token = page.NextToken;
    } while (token);
    const due = new Map<string, number>();
    for (const a of associations) {
      const n = numberOf.get(a.AssociationId!);
      if (n !== undefined && a.LastExecutionDate) due.set(n, a.LastExecutionDate.getTime() + RATE_MS);
    }

    await new Promise((resolve) => setTimeout(resolve, 500));
    const cpuBefore = process.cpuUsage();
    const idleStart = process.hrtime.bigint();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const cpu = process.cpuUsage(cpuBefore);
    const idleMs = Number(process.hrtime.bigint() - idleStart) / 1e6;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.log(
      `idle: ${cpuMs.toFixed(1)} ms CPU over ${(idleMs / 1000).toFixed(1)} s of real time ` +
        `(${((cpuMs / idleMs) * 100).toFixed(2)}% of one core) with ${count} associations scheduled`,
    );

    const earliest = Math.min(...due.values());
    await clock.advance(Math.max(0, earliest - clock.now().getTime() - 2000));
    await until(() => executor.runs() >= 2 * count, 120_000, 'the scheduled runs');
    const lateness: number[] = [];
    for (const [id, at] of due) {
      const second = executor.starts.get(id)?.[1];
      if (second !== undefined) lateness.push(second - at);
    }
    lateness.sort((a, b) => a - b);
    console.log(
      `lateness of ${lateness.length} scheduled runs (due time to the script's start): ` +
        `p50 ${percentile(lateness, 50)} ms, p99 ${percentile(lateness, 99)} ms, max ${lateness[lateness.length - 1]} ms, ` +
        `min ${lateness[0]} ms`,
    );
  } finally {
    client.destroy();
    await ssm.stop();
  }
}

await main();
