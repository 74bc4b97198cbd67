// Shared bench plumbing: start servers as separate processes (so the load generator does not share
// their event loop) and drive them with autocannon, a well-kept HTTP load generator for Node.
import { DescribeInstanceInformationCommand, SSMClient } from '@aws-sdk/client-ssm';
import autocannon from 'autocannon';
import Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABEL } from '../src/docker/containers.js';

export const root = fileURLToPath(new URL('..', import.meta.url));

export interface Proc {
  child: ChildProcess;
  endpoint: string;
  stop(): Promise<void>;
}

/**
 * Starts `script` under tsx as its own process. BENCH_NODE_ARGS adds node options to it (for
 * instance `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the emulator under a bench).
 */
export async function startProcess(script: string, env: Record<string, string> = {}): Promise<Proc> {
  const child = spawn(
    process.execPath,
    [...(process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []), '--import', 'tsx', script],
    {
      cwd: root,
      env: { ...process.env, SSM_LOCAL_PORT: '0', SSM_LOCAL_FLEET: '', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code}) before listening: ${out}`)));
  });
  return {
    child,
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface FleetEmulator {
  server: Proc;
  ssm: SSMClient;
  /** The fleet's name, on its containers' `LABEL.fleet` label. */
  fleet: string;
  /** The Online instances, as DescribeInstanceInformation lists them. */
  instances: { InstanceId?: string; ComputerName?: string }[];
  /** Their instance ids, sorted. */
  ids: string[];
  docker: Docker;
  /** Stops the emulator, removes the fleet's containers and the temp dir. */
  stop(): Promise<void>;
}

/**
 * The emulator as a process with a Docker fleet of `size` linux instances (named `bench-<prefix>-…`,
 * state in a temp dir), answered once all of them are Online (ten minutes at most).
 */
export async function startFleetEmulator(options: {
  prefix: string;
  size: number;
  tags?: Record<string, string>;
}): Promise<FleetEmulator> {
  const { prefix, size, tags } = options;
  const docker = new Docker();
  const fleet = `bench-${prefix}-${randomBytes(3).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), `ssm-local-bench-${prefix}-`));
  const fleetPath = join(dir, 'fleet.json');
  writeFileSync(
    fleetPath,
    JSON.stringify({
      fleet,
      instances: Array.from({ length: size }, (_, i) => ({
        name: `${fleet}-${String(i + 1).padStart(2, '0')}`,
        image: 'linux',
        platform: 'Linux',
        ...(tags ? { tags } : {}),
      })),
    }),
  );
  const server = await startProcess('src/cli.ts', {
    SSM_LOCAL_DATA: join(dir, 'state.json'),
    SSM_LOCAL_FLEET: fleetPath,
  });
  const ssm = new SSMClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'secret' },
  });
  const stop = async (): Promise<void> => {
    ssm.destroy();
    await server.stop();
    const left = await docker.listContainers({ all: true, filters: { label: [`${LABEL.fleet}=${fleet}`] } });
    await Promise.all(
      left.map((c) =>
        docker
          .getContainer(c.Id)
          .remove({ force: true })
          .catch(() => undefined),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    let instances: { InstanceId?: string; ComputerName?: string }[] = [];
    const deadline = Date.now() + 600_000;
    while (Date.now() < deadline) {
      const page = await ssm.send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'PingStatus', Values: ['Online'] }],
          MaxResults: 50,
        }),
      );
      instances = page.InstanceInformationList ?? [];
      if (instances.length >= size) break;
      await sleep(1000);
    }
    if (instances.length < size) throw new Error(`only ${instances.length} instances came online`);
    const ids = instances.map((i) => i.InstanceId!).sort();
    return { server, ssm, fleet, instances, ids, docker, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface Measured {
  label: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function measure(
  label: string,
  url: string,
  options: {
    connections: number;
    seconds: number;
    target?: string;
    body: () => string;
  },
): Promise<Measured> {
  // One unmeasured second first, so the JIT has warmed up before the numbers are taken.
  await run(url, { ...options, seconds: 1 });
  const result = await run(url, options);
  return {
    label,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

function run(
  url: string,
  options: { connections: number; seconds: number; target?: string; body: () => string },
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    requests: [
      {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          ...(options.target ? { 'x-amz-target': options.target } : {}),
        },
        setupRequest: (req) => ({ ...req, body: options.body() }),
      },
    ],
  });
}

export function printTable(rows: Measured[]): void {
  printMarkdownTable(
    ['case', 'req/s', 'p50 ms', 'p99 ms', 'errors'],
    rows.map((r) => [
      r.label,
      String(r.requestsPerSecond),
      String(r.p50),
      String(r.p99),
      String(r.errors + r.non2xx),
    ]),
  );
}

/** A markdown table with padded columns, as the README's benchmark tables are written. */
export function printMarkdownTable(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]): string =>
    '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
}

/** The p-th percentile (nearest rank) of the values. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The median as the benches report it: the upper middle value of an even count. */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
