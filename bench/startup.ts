// Start-up: the time from spawning a server to its first healthy GET /_ssm-local/health (median and
// max over several runs), for `npm start`, `node dist/cli.js` and `tsx src/cli.ts` (what `npm start`
// ran before it ran the built code), each with no Docker engine reachable and with the machine's
// engine; startSsmLocal() timed inside a fresh process (the import of ssm-local, then the call); and
// each server's resident memory once it has idled after start. The reference is a bare Hono server
// (hono and @hono/node-server, one route) started the same way on the same machine.
//   npm run bench:startup [-- --runs 7]
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildIsStale } from '../src/freshness.js';
import { dockerAvailable, removeFleet } from '../test/support/docker.js';
import { printMarkdownTable, root } from './support.js';

const runsArg = process.argv.indexOf('--runs');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;
/** How long a server idles after its first healthy answer before its memory is read. */
const IDLE_MS = 2000;
const NO_ENGINE = { DOCKER_HOST: 'tcp://127.0.0.1:1' };
const BENCH_FLEET = 'bench-startup';
/** What `npm start` (dist/cli.js) prints when it rebuilds first (see src/freshness.ts). */
const REBUILT = /^ssm-local: src\/ changed since the last build/m;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const BARE_HONO = `
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
const app = new Hono();
app.get('/_ssm-local/health', (c) => c.json({ service: 'bare-hono' }));
serve({ fetch: app.fetch, port: Number(process.env.SSM_LOCAL_PORT), hostname: '127.0.0.1' });
`;

// Prints one JSON line: the import of ssm-local, startSsmLocal(), the first health answer, and the
// resident memory once idle.
const IN_PROCESS = `
const t0 = performance.now();
const { startSsmLocal } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/index.js')).href)});
const t1 = performance.now();
const fleet = process.env.SSM_LOCAL_FLEET;
const ssm = await startSsmLocal({ port: 0, dataPath: ':memory:', ...(fleet ? { fleetPath: fleet } : {}) });
const t2 = performance.now();
const res = await fetch(ssm.endpoint + '/_ssm-local/health');
if (!res.ok) throw new Error('health answered ' + res.status);
await res.text();
const t3 = performance.now();
await new Promise((r) => setTimeout(r, ${IDLE_MS}));
console.log(JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1, healthMs: t3 - t2, rssKb: process.memoryUsage().rss / 1024 }));
await ssm.stop();
`;

interface Sample {
  ms: number;
  rssKb: number;
  output: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * The resident memory of the server: the deepest node process under pid (under `npm start`, npm and
 * its shell come first; under tsx, an esbuild service may run beside the server).
 */
function serverRssKb(pid: number): number {
  const rows = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,comm='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => {
      const [p, ppid, rss, ...comm] = line.trim().split(/\s+/);
      return { pid: Number(p), ppid: Number(ppid), rssKb: Number(rss), comm: comm.join(' ') };
    });
  let best = rows.find((r) => r.pid === pid);
  let level = best ? [best] : [];
  while (level.length) {
    level = rows.filter((r) => level.some((parent) => parent.pid === r.ppid));
    best = level.find((r) => r.comm === 'node') ?? best;
  }
  return best?.rssKb ?? NaN;
}

/** Spawns the command, polls the health endpoint until it answers 200, then reads idle memory. */
async function timeToHealthy(command: string, args: string[], env: Record<string, string>): Promise<Sample> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, SSM_LOCAL_DATA: ':memory:', ...env, SSM_LOCAL_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so the shells npm starts go with it
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ms = NaN;
  try {
    while (Number.isNaN(ms)) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited:\n${output}`);
      if (performance.now() - started > 30_000) throw new Error(`no healthy answer in 30 s:\n${output}`);
      try {
        const res = await fetch(`http://127.0.0.1:${port}/_ssm-local/health`);
        await res.text();
        if (res.ok) ms = performance.now() - started;
      } catch {
        await sleep(5);
      }
    }
    await sleep(IDLE_MS);
    return { ms, rssKb: serverRssKb(child.pid!), output };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    await exited;
  }
}

async function inProcess(
  env: Record<string, string>,
): Promise<{ importMs: number; startMs: number; rssKb: number; output: string }> {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', IN_PROCESS], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  const line = result.stdout.split('\n').find((l) => l.startsWith('{"importMs"'));
  if (result.status !== 0 || !line)
    throw new Error(`startSsmLocal() run failed:\n${result.stdout}${result.stderr}`);
  return {
    ...(JSON.parse(line) as { importMs: number; startMs: number; rssKb: number }),
    output: result.stderr,
  };
}

interface Row {
  label: string;
  engine: string;
  ms: number[];
  rssKb: number[];
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const max = (values: number[]): number => Math.max(...values);
const mb = (kb: number): string => (kb / 1024).toFixed(0);

async function main(): Promise<void> {
  // The build is brought up to date first, so that no measured `npm start` pays for a rebuild.
  if (buildIsStale(root)) {
    const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }

  const dir = mkdtempSync(join(tmpdir(), 'ssm-local-bench-startup-'));
  // With an engine, a fleet of its own (the default fleet's instances, under another fleet name), so
  // the bench neither adopts nor leaves behind a user's `default` containers.
  const fleet = JSON.parse(readFileSync(join(root, 'fixtures/fleet.json'), 'utf8')) as { fleet: string };
  fleet.fleet = BENCH_FLEET;
  const fleetPath = join(dir, 'fleet.json');
  writeFileSync(fleetPath, JSON.stringify(fleet));
  const withEngine = await dockerAvailable();
  const engines: [string, Record<string, string>][] = [
    ['none', NO_ENGINE],
    ...(withEngine
      ? ([['reachable', { SSM_LOCAL_FLEET: fleetPath }]] as [string, Record<string, string>][])
      : []),
  ];

  const rows: Row[] = [];
  const warnings = new Set<string>();
  const note = (label: string, output: string): void => {
    for (const line of output.split('\n'))
      if (/warning/i.test(line) && !/no Docker engine answers/.test(line))
        warnings.add(`${label}: ${line.trim()}`);
  };
  const measureSpawn = async (
    label: string,
    engine: string,
    command: string,
    args: string[],
    env: Record<string, string>,
  ): Promise<void> => {
    await timeToHealthy(command, args, env); // unmeasured: the files are in the page cache after it
    const row: Row = { label, engine, ms: [], rssKb: [] };
    let rebuilt = 0;
    for (let i = 0; i < runs; i++) {
      const sample = await timeToHealthy(command, args, env);
      // Someone edited src/ meanwhile and `npm start` rebuilt first: not a start-up, measure again.
      if (REBUILT.test(sample.output)) {
        if (++rebuilt > runs) throw new Error('src/ keeps changing: every `npm start` rebuilds');
        i--;
        continue;
      }
      row.ms.push(sample.ms);
      row.rssKb.push(sample.rssKb);
      note(label, sample.output);
    }
    rows.push(row);
  };

  try {
    await measureSpawn(
      'bare Hono server (reference)',
      '-',
      process.execPath,
      ['--input-type=module', '-e', BARE_HONO],
      {},
    );
    for (const [engine, env] of engines) {
      await measureSpawn('`npm start`', engine, 'npm', ['start'], env);
      await measureSpawn('`node dist/cli.js`', engine, process.execPath, ['dist/cli.js'], env);
      await measureSpawn(
        '`tsx src/cli.ts` (what `npm start` ran before)',
        engine,
        join(root, 'node_modules/.bin/tsx'),
        ['src/cli.ts'],
        env,
      );
    }
    for (const [engine, env] of engines) {
      await inProcess(env);
      const imports: Row = { label: 'import of ssm-local + `startSsmLocal()`', engine, ms: [], rssKb: [] };
      const call: Row = { label: '`startSsmLocal()` alone', engine, ms: [], rssKb: [] };
      for (let i = 0; i < runs; i++) {
        const sample = await inProcess(env);
        imports.ms.push(sample.importMs + sample.startMs);
        imports.rssKb.push(sample.rssKb);
        call.ms.push(sample.startMs);
        note('startSsmLocal()', sample.output);
      }
      rows.push(imports, call);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    if (withEngine) await removeFleet(BENCH_FLEET);
  }

  console.log(`\nStart-up to a healthy /_ssm-local/health, ${runs} runs each (node ${process.version})\n`);
  printMarkdownTable(
    ['case', 'Docker engine', 'median ms', 'max ms', 'idle RSS MB (median)', 'idle RSS MB (max)'],
    rows.map((r) => [
      r.label,
      r.engine,
      median(r.ms).toFixed(0),
      max(r.ms).toFixed(0),
      r.rssKb.length ? mb(median(r.rssKb)) : '-',
      r.rssKb.length ? mb(max(r.rssKb)) : '-',
    ]),
  );
  console.log('\nGoals: `npm start` < 1000 ms, import + startSsmLocal() < 500 ms, idle RSS < 120 MB.');
  if (warnings.size) console.log(`\nWarnings printed by the servers:\n${[...warnings].join('\n')}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
