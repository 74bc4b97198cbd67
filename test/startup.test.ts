// Start-up guards. `npm start` runs the built code (dist/), which must find at run time everything it
// reads (the model, fixtures/, docker/, package.json); an edit under src/ makes `npm start` rebuild
// first; the built server and startSsmLocal() answer health promptly, quietly and in little memory.
// The bounds are loose on purpose, for a busy CI machine: bench/startup.ts measures (goals: `npm
// start` to a healthy answer under 1 s, import + startSsmLocal() under 0.5 s, idle RSS under 120 MB),
// this file only catches a start-up that has gone badly wrong.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildIsStale } from '../src/freshness.js';
import { startSsmLocal } from '../src/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>;
  bin: Record<string, string>;
};
const NO_ENGINE = 'tcp://127.0.0.1:1';

interface Started {
  child: ChildProcess;
  endpoint: string;
  /** From spawn to the first healthy answer. */
  ms: number;
  output(): string;
}

/** Spawns a server on a free port and waits for its first healthy answer. */
async function spawnHealthy(command: string, args: string[]): Promise<Started> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, DOCKER_HOST: NO_ENGINE, SSM_LOCAL_PORT: '0', SSM_LOCAL_DATA: ':memory:' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: npm's shell and the server stop together
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line in 30 s:\n${out}`)), 30_000);
    child.stdout!.on('data', () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once('exit', () => reject(new Error(`exited before listening:\n${out}`)));
  });
  const res = await fetch(`${endpoint}/_ssm-local/health`);
  expect(res.status).toBe(200);
  await res.text();
  return { child, endpoint, ms: performance.now() - started, output: () => out };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

/** Node's process warnings (Warning, DeprecationWarning, the AWS SDK's NodeVersionSupportWarning...). */
function warnings(output: string): string[] {
  return output.split('\n').filter((line) => /warning/i.test(line));
}

function residentMb(pid: number): number {
  return (
    Number(spawnSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).stdout.trim()) / 1024
  );
}

describe('npm start', () => {
  it('runs the built CLI: the same file as the package bin and the image CMD', () => {
    expect(pkg.scripts.start).toBe('node dist/cli.js');
    expect(pkg.bin['ssm-local']).toBe('./dist/cli.js');
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toContain('CMD ["node", "dist/cli.js"]');
  });

  it('rebuilds first exactly when something under src/ is newer than the last build', () => {
    // The check dist/cli.js makes before it imports anything else, run on a scratch checkout.
    const dir = mkdtempSync(join(tmpdir(), 'ssm-local-freshness-'));
    try {
      const stale = (): boolean => buildIsStale(dir);
      const at = (path: string, seconds: number): void => utimesSync(join(dir, path), seconds, seconds);
      mkdirSync(join(dir, 'src/core'), { recursive: true });
      mkdirSync(join(dir, 'dist'));
      writeFileSync(join(dir, 'src/core/a.ts'), '');
      writeFileSync(join(dir, 'tsconfig.json'), '{}');
      for (const path of ['src/core/a.ts', 'src/core', 'src', 'tsconfig.json']) at(path, 1000);
      expect(stale()).toBe(true); // never built
      writeFileSync(join(dir, 'dist/.built'), '');
      at('dist/.built', 2000);
      expect(stale()).toBe(false);
      at('src/core/a.ts', 3000); // an edit
      expect(stale()).toBe(true);
      at('src/core/a.ts', 1000);
      at('src/core', 3000); // a file added or removed
      expect(stale()).toBe(true);
      at('src/core', 1000);
      at('tsconfig.json', 3000);
      expect(stale()).toBe(true);
      rmSync(join(dir, 'src'), { recursive: true }); // an installed package may ship without src/
      expect(stale()).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the built server', () => {
  const servers: ChildProcess[] = [];

  beforeAll(() => {
    // Brings dist/ up to date with src/ (a no-op after `npm ci`, which builds).
    if (buildIsStale(root)) {
      const built = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, encoding: 'utf8' });
      expect(built.status, built.stdout + built.stderr).toBe(0);
    }
  }, 180_000);
  afterAll(async () => {
    await Promise.all(servers.map(stopGroup));
  });

  it('finds what it reads at run time from dist/: the model, fixtures/, docker/, package.json', () => {
    const script = `
      import { DOCKER_DIR } from './dist/docker/images.js';
      import { defaultConfig } from './dist/core/config.js';
      import { serviceModel } from './dist/protocol/model.js';
      import { VERSION } from './dist/server/app.js';
      console.log(JSON.stringify({ docker: DOCKER_DIR, fleet: defaultConfig().fleetPath, version: VERSION,
        operations: Object.keys(serviceModel().operations).length }));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    const found = JSON.parse(run.stdout) as {
      docker: string;
      fleet: string;
      version: string;
      operations: number;
    };
    expect(found.docker).toBe(join(root, 'docker/'));
    expect(existsSync(join(found.docker, 'linux/Dockerfile'))).toBe(true);
    expect(found.fleet).toBe(join(root, 'fixtures/fleet.json'));
    expect(existsSync(found.fleet)).toBe(true);
    expect(found.version).toBe(
      (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version,
    );
    expect(found.operations).toBeGreaterThan(100);
  });

  it('`node dist/cli.js` answers health promptly with no engine, serves fixtures, warns of nothing, stays small', async () => {
    const server = await spawnHealthy(process.execPath, ['dist/cli.js']);
    servers.push(server.child);
    expect(server.ms).toBeLessThan(5000);
    const health = (await (await fetch(`${server.endpoint}/_ssm-local/health`)).json()) as {
      capabilities: Record<string, { up: boolean }>;
    };
    expect(health.capabilities.parameters?.up).toBe(true);
    expect(health.capabilities.documents?.up).toBe(true);
    // Amazon documents (fixtures/documents) and public parameters (fixtures/public-parameters.json).
    const call = async (target: string, body: object): Promise<Record<string, unknown>> => {
      const res = await fetch(server.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AmazonSSM.${target}` },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Record<string, unknown>;
    };
    expect(await call('GetDocument', { Name: 'AWS-RunShellScript' })).toMatchObject({
      Name: 'AWS-RunShellScript',
    });
    expect(
      await call('GetParameter', { Name: '/aws/service/global-infrastructure/regions/af-south-1' }),
    ).toMatchObject({ Parameter: { Value: 'af-south-1' } });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(residentMb(server.child.pid!)).toBeLessThan(150);
    expect(warnings(server.output())).toEqual([]);
  });

  it('`npm start` reaches a healthy server, with no warning printed', async () => {
    const server = await spawnHealthy('npm', ['start']);
    servers.push(server.child);
    // Unless src/ changed since beforeAll (someone is editing it) and npm start rebuilt first.
    if (!/^ssm-local: src\/ changed since the last build/m.test(server.output()))
      expect(server.ms).toBeLessThan(10_000);
    expect(warnings(server.output())).toEqual([]);
  });
});

describe('startSsmLocal()', () => {
  it('starts and answers health promptly', async () => {
    const started = performance.now();
    const ssm = await startSsmLocal({ port: 0, dataPath: ':memory:', fleetPath: '' });
    try {
      const res = await fetch(`${ssm.endpoint}/_ssm-local/health`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { service: string }).service).toBe('ssm-local');
      expect(performance.now() - started).toBeLessThan(3000);
    } finally {
      await ssm.stop();
    }
  });
});
