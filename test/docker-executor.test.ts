// Both executors against a real container of the instance image: the agent-backed one (the default)
// and the exec-per-process one it falls back to. Output, exit codes, working directory, environment,
// kill (the whole process tree, checked with ps), restart, container death.
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentExecutor } from '../src/docker/agent-executor.js';
import { DockerExecutor } from '../src/docker/docker-executor.js';
import type { InstanceExecutor } from '../src/docker/executor.js';
import { createTestInstance, removeFleet, requireDocker } from './support/docker.js';

const hasDocker = await requireDocker('Docker executor');

const executors: Array<
  [string, (docker: Docker) => InstanceExecutor & { restart(id: string): Promise<void> }]
> = [
  ['AgentExecutor', (docker) => new AgentExecutor(docker)],
  ['DockerExecutor', (docker) => new DockerExecutor(docker)],
];

describe.skipIf(!hasDocker).each(executors)('%s', (_name, make) => {
  const docker = new Docker();
  const executor = make(docker);
  const fleet = `t-exec-${randomBytes(4).toString('hex')}`;
  let containerId: string;

  const run = async (
    argv: string[],
    extra: { workingDirectory?: string; env?: Record<string, string> } = {},
  ) => (await executor.exec(containerId, { argv, ...extra })).result;

  const processes = async (): Promise<string> => (await run(['ps', '-eo', 'pid,pgid,stat,args'])).stdout;

  beforeAll(async () => {
    containerId = await createTestInstance(docker, fleet, 'exec-test');
  });
  afterAll(async () => removeFleet(fleet, docker));

  it('says whether the engine answers', async () => {
    expect(await executor.available()).toBe(true);
    expect(await make(new Docker({ host: '127.0.0.1', port: 1 })).available()).toBe(false);
  });

  it('keeps stdout and stderr apart and gives the real exit code', async () => {
    const result = await run(['/bin/sh', '-c', 'echo out; echo err >&2; printf "é\\n"; exit 3']);
    expect(result).toEqual({ exitCode: 3, stdout: 'out\né\n', stderr: 'err\n', containerLost: false });
    expect((await run(['true'])).exitCode).toBe(0);
    const missing = await run(['/no/such/program']);
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('/no/such/program');
  });

  it('runs in the working directory with the environment given', async () => {
    const result = await run(['/bin/sh', '-c', 'pwd; echo "$GREETING $OTHER"'], {
      workingDirectory: '/tmp',
      env: { GREETING: 'hello world', OTHER: 'a=b' },
    });
    expect(result.stdout).toBe('/tmp\nhello world a=b\n');
    expect((await run(['pwd'])).stdout).toBe('/root\n');
    const bad = await run(['pwd'], { workingDirectory: '/no/such/dir' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('/no/such/dir');
  });

  it('writes the files given before starting the process, and reports a setup failure apart', async () => {
    const ran = await executor.exec(containerId, {
      argv: ['sh', '-c', '/tmp/files-test/a/b/run.sh'],
      workingDirectory: '/tmp/files-test/a',
      files: [{ path: '/tmp/files-test/a/b/run.sh', content: 'pwd\nprintf "é $0"\n', mode: 0o755 }],
    });
    expect(await ran.result).toEqual({
      exitCode: 0,
      stdout: '/tmp/files-test/a\né /tmp/files-test/a/b/run.sh',
      stderr: '',
      containerLost: false,
    });
    expect((await run(['stat', '-c', '%a', '/tmp/files-test/a/b/run.sh'])).stdout).toBe('755\n');
    const setup = async (request: {
      files?: { path: string; content: string }[];
      workingDirectory?: string;
    }) =>
      (await executor.exec(containerId, { argv: ['touch', '/tmp/files-test/started'], ...request })).result;
    const mkdir = await setup({ files: [{ path: '/etc/hostname/x/y', content: '' }] });
    expect(mkdir).toMatchObject({
      exitCode: 1,
      stdout: '',
      setupError: { kind: 'mkdir', path: '/etc/hostname/x' },
    });
    expect(mkdir.stderr).toBe(`ssm-local: ${mkdir.setupError?.message}\n`);
    const write = await setup({ files: [{ path: '/tmp/files-test/a', content: '' }] });
    expect(write).toMatchObject({ exitCode: 1, setupError: { kind: 'write', path: '/tmp/files-test/a' } });
    const chdir = await setup({ workingDirectory: '/no/such/dir' });
    expect(chdir).toMatchObject({ exitCode: 1, setupError: { kind: 'chdir', path: '/no/such/dir' } });
    expect((await run(['ls', '/tmp/files-test'])).stdout).toBe('a\n');
  });

  it('keeps large outputs whole', async () => {
    const result = await run(['/bin/sh', '-c', 'seq 1 100000']);
    expect(result.stdout.split('\n')).toHaveLength(100001);
    expect(result.stdout.endsWith('99999\n100000\n')).toBe(true);
  });

  it('kill() ends the process and all its children', async () => {
    const handle = await executor.exec(containerId, {
      argv: ['/bin/sh', '-c', 'sleep 1001 & (sleep 1002 & sleep 1003) & echo started; wait'],
    });
    const deadline = Date.now() + 10_000;
    while (!(await processes()).includes('sleep 1003')) {
      if (Date.now() > deadline) throw new Error('the processes did not start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await handle.kill();
    const after = await processes();
    expect(after).not.toMatch(/sleep 100[123]/);
    const result = await handle.result;
    expect(result.exitCode).toBeNull();
    expect(result.containerLost).toBe(false);
    expect(result.stdout).toBe('started\n');
    // Killing a finished process is harmless.
    await handle.kill();
  });

  it('restarts the container (an instance reboot) and runs in it again', async () => {
    const container = docker.getContainer(containerId);
    const before = (await container.inspect()).State.StartedAt;
    const inFlight = await executor.exec(containerId, { argv: ['sleep', '600'] });
    await executor.restart(containerId);
    expect((await container.inspect()).State.StartedAt).not.toBe(before);
    expect(await inFlight.result).toMatchObject({ exitCode: null, containerLost: true });
    expect(await run(['echo', 'back'])).toMatchObject({
      exitCode: 0,
      stdout: 'back\n',
      containerLost: false,
    });
  });

  it('reports containerLost when the container dies mid-run, and for a stopped container', async () => {
    const handle = await executor.exec(containerId, { argv: ['/bin/sh', '-c', 'echo alive; sleep 600'] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await docker.getContainer(containerId).kill();
    const result = await handle.result;
    // What the process printed before the container died is kept.
    expect(result).toMatchObject({ exitCode: null, containerLost: true, stdout: 'alive\n' });
    expect(Date.now() - started).toBeLessThan(5000);
    const later = await (await executor.exec(containerId, { argv: ['true'] })).result;
    expect(later).toEqual({ exitCode: null, stdout: '', stderr: '', containerLost: true });
  });
});
