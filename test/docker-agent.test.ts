// The in-container agent (docker/linux/ssm-local-agent.py) and the AgentExecutor that drives it,
// against real containers: many processes over one session with no engine call per run, the output
// cap, an agent that dies under a running script (and the health the executor reports for it until
// a new agent answers), no orphans once the emulator goes away (stdin closed, or the emulator's
// process killed), the agent's answers to bad requests, and the fallback to one `docker exec` per
// process for an image without python3.
import Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/core/fake-clock.js';
import { createScheduler } from '../src/core/scheduler.js';
import { AGENT_RESTART_MS, AgentExecutor } from '../src/docker/agent-executor.js';
import { AGENT_COMMAND } from '../src/docker/agent-session.js';
import { LABEL } from '../src/docker/containers.js';
import { MAX_CAPTURED_BYTES } from '../src/docker/exec-common.js';
import { createTestInstance, removeFleet, requireDocker } from './support/docker.js';

const hasDocker = await requireDocker('in-container agent');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!hasDocker)('in-container agent', () => {
  const docker = new Docker();
  const logged: string[] = [];
  const executor = new AgentExecutor(docker, (line) => logged.push(line));
  const fleet = `t-agent-${randomBytes(4).toString('hex')}`;
  let containerId: string;

  const run = async (argv: string[]) => (await executor.exec(containerId, { argv })).result;
  const processes = async (): Promise<string> => (await run(['ps', '-eo', 'pid,pgid,stat,args'])).stdout;
  const agents = (list: string) => list.match(/ssm-local\/agent\.py/g)?.length ?? 0;
  /** Polls the container's process list until accept(list) holds. */
  const waitForList = async (accept: (list: string) => boolean): Promise<void> => {
    const deadline = Date.now() + 10_000;
    let list = await processes();
    while (!accept(list)) {
      if (Date.now() > deadline) throw new Error(`the process list stayed so:\n${list}`);
      await sleep(50);
      list = await processes();
    }
  };
  const waitForProcess = (pattern: string) => waitForList((list) => list.includes(pattern));

  beforeAll(async () => {
    containerId = await createTestInstance(docker, fleet, 'agent-test');
  });
  afterAll(async () => {
    await executor.close();
    await removeFleet(fleet, docker);
  });

  it('runs many processes at once over one session, with no engine call per run', async () => {
    await run(['true']); // opens the session
    const dial = docker.modem.dial.bind(docker.modem);
    let engineCalls = 0;
    docker.modem.dial = (...args: Parameters<typeof dial>) => {
      engineCalls++;
      dial(...args);
    };
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          run(['/bin/sh', '-c', `sleep 0.$((${i} % 3)); echo out-${i}; echo err-${i} >&2; exit ${i % 5}`]),
        ),
      );
      results.forEach((result, i) =>
        expect(result).toEqual({
          exitCode: i % 5,
          stdout: `out-${i}\n`,
          stderr: `err-${i}\n`,
          containerLost: false,
        }),
      );
      expect(engineCalls).toBe(0);
    } finally {
      docker.modem.dial = dial;
    }
    // One agent serves them all.
    expect(agents(await processes())).toBe(1);
  });

  it('keeps 8 MiB of each stream and lets the process finish', async () => {
    const result = await run(['/bin/sh', '-c', 'head -c 9000000 /dev/zero | tr "\\0" a; echo done >&2']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toHaveLength(MAX_CAPTURED_BYTES);
    expect(result.stdout.startsWith('aaaa')).toBe(true);
    expect(result.stderr).toBe('done\n');
  });

  it('reports the exit of a process whose background child keeps its output open', async () => {
    const started = Date.now();
    const result = await run(['/bin/sh', '-c', 'sleep 1004 & echo parent done']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'parent done\n' });
    expect(Date.now() - started).toBeLessThan(5000);
    await run(['pkill', '-f', 'sleep 1004']);
  });

  it('survives its own death under a running script: that run ends, the next opens a new agent', async () => {
    expect(executor.agentStatus(containerId)).toBe('answers');
    const victim = await executor.exec(containerId, { argv: ['/bin/sh', '-c', 'echo before; sleep 1005'] });
    await waitForProcess('sleep 1005');
    await sleep(200); // output of a running process reaches the emulator within 50 ms
    const killer = await executor.exec(containerId, { argv: ['pkill', '-KILL', '-f', 'ssm-local/agent.py'] });
    expect(await victim.result).toMatchObject({ exitCode: null, containerLost: false, stdout: 'before\n' });
    expect((await killer.result).exitCode).toBeNull();
    // The container runs on without an agent: lost until one answers (no scheduler: the next run).
    expect(executor.agentStatus(containerId)).toBe('lost');
    expect(await run(['echo', 'again'])).toEqual({
      exitCode: 0,
      stdout: 'again\n',
      stderr: '',
      containerLost: false,
    });
    expect(executor.agentStatus(containerId)).toBe('answers');
    await run(['pkill', '-f', 'sleep 1005']);
  });

  it('given a scheduler, starts a new agent 90 s of clock time after one died; reports reboots', async () => {
    const clock = new FakeClock(Date.now());
    const scheduler = createScheduler(clock);
    const supervised = new AgentExecutor(docker, () => undefined, { scheduler });
    const own = await createTestInstance(docker, fleet, 'agent-restart');
    const runOwn = async (argv: string[]) => (await supervised.exec(own, { argv })).result;
    const agentsInOwn = async () =>
      agents((await (await executor.exec(own, { argv: ['ps', '-eo', 'args'] })).result).stdout);
    try {
      expect(await runOwn(['true'])).toMatchObject({ exitCode: 0 });
      expect(await agentsInOwn()).toBe(2); // this executor's and the one asking
      // A script kills its own agent (its parent); the container runs on.
      expect(await runOwn(['/bin/sh', '-c', 'kill $PPID; sleep 5'])).toMatchObject({
        exitCode: null,
        containerLost: false,
      });
      expect(supervised.agentStatus(own)).toBe('lost');
      expect(await agentsInOwn()).toBe(1);
      await clock.advance(AGENT_RESTART_MS - 1);
      expect(supervised.agentStatus(own)).toBe('lost');
      await clock.advance(1);
      expect(supervised.agentStatus(own)).toBe('answers');
      expect(await agentsInOwn()).toBe(2);
      // A reboot (exit 194) is not a lost agent: rebooting while it lasts, then answering again.
      const rebooting = supervised.restart(own);
      expect(supervised.agentStatus(own)).toBe('rebooting');
      await rebooting;
      expect(supervised.agentStatus(own)).toBe('answers');
      expect(await runOwn(['echo', 'rebooted'])).toMatchObject({ exitCode: 0, stdout: 'rebooted\n' });
    } finally {
      await supervised.close();
      scheduler.stop();
    }
  });

  it('leaves nothing running once the emulator closes its sessions', async () => {
    const other = new AgentExecutor(docker);
    const handle = await other.exec(containerId, { argv: ['/bin/sh', '-c', 'sleep 1006 & sleep 1007'] });
    await waitForProcess('sleep 1007');
    await other.close();
    // Only this test's own agent (which runs ps) is left.
    await waitForList((list) => !list.includes('sleep 100') && agents(list) === 1);
    expect(await handle.result).toMatchObject({ exitCode: null });
  });

  it('leaves nothing running when the emulator process is killed', async () => {
    // A bare node process opens an agent session, starts a tree, then dies with SIGKILL.
    const script = `
      const Docker = require('dockerode');
      (async () => {
        const exec = await new Docker().getContainer(process.argv[1]).exec({
          Cmd: ${JSON.stringify(AGENT_COMMAND)}, AttachStdin: true, AttachStdout: true, AttachStderr: true,
        });
        const stream = await exec.start({ hijack: true, stdin: true });
        // Requests are handled in order: the pong comes once the tree has started.
        stream.write(JSON.stringify({ op: 'run', id: '1', argv: ['/bin/sh', '-c', 'sleep 1008 & sleep 1009'] }) + '\\n');
        stream.write(JSON.stringify({ op: 'ping' }) + '\\n');
        stream.on('data', (d) => { if (d.includes('pong')) process.kill(process.pid, 'SIGKILL'); });
      })();`;
    const child = spawn(process.execPath, ['-e', script, containerId], {
      stdio: 'ignore',
      cwd: new URL('..', import.meta.url).pathname, // where dockerode resolves
    });
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(signal).toBe('SIGKILL');
    await waitForList((list) => !list.includes('sleep 100') && agents(list) === 1);
  });

  it('answers bad requests with error events and keeps serving', async () => {
    const exec = await docker.getContainer(containerId).exec({
      Cmd: AGENT_COMMAND,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    let text = '';
    const stdout = new Writable({
      write(chunk: Buffer, _encoding, done) {
        text += chunk.toString();
        done();
      },
    });
    docker.modem.demuxStream(stream, stdout, stdout);
    const lines = [
      'not json',
      '[1, 2]',
      JSON.stringify({ op: 'dance', id: 'a' }),
      JSON.stringify({ op: 'run', id: 'b', argv: [] }),
      JSON.stringify({ op: 'run', id: 'c', argv: ['true'], env: { N: 1 } }),
      JSON.stringify({ op: 'run', id: 'e', argv: ['true'], files: [{ path: 5, content: '' }] }),
      JSON.stringify({ op: 'run', id: 'f', argv: ['true'], cwd: '/no/such/dir' }),
      JSON.stringify({ op: 'kill', id: 'unknown' }),
      JSON.stringify({ op: 'run', id: 'd', argv: ['/bin/echo', 'still here'] }),
      JSON.stringify({ op: 'run', id: 'g', argv: ['/bin/sh', '-c', 'echo early; sleep 0.5; echo late'] }),
      JSON.stringify({ op: 'ping' }),
    ];
    stream.write(lines.map((l) => `${l}\n`).join(''));
    const deadline = Date.now() + 10_000;
    while (!(text.includes('"pong"') && text.includes('"id":"g","event":"exit"'))) {
      if (Date.now() > deadline) throw new Error(`the agent answered only: ${text}`);
      await sleep(20);
    }
    stream.end();
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toMatchObject({ event: 'ready', version: 3 });
    const errors = events.filter((e) => e.event === 'error');
    expect(errors.map((e) => e.id)).toEqual([null, null, 'a', 'b', 'c', 'e']);
    expect(errors[2]!.message).toBe("unknown op 'dance'");
    expect(events).toContainEqual({ id: 'unknown', event: 'killed' });
    // A working directory (or a file) it cannot set up: an exit with `setup`, nothing started.
    expect(events.filter((e) => e.id === 'f')).toEqual([
      expect.objectContaining({
        event: 'exit',
        code: 1,
        setup: {
          kind: 'chdir',
          path: '/no/such/dir',
          message: 'working directory /no/such/dir does not exist or is not accessible',
        },
      }),
    ]);
    // A process that ends at once: its output rides on the exit event, the only one it gets.
    // A process that keeps running gets its output streamed before its exit.
    const ofG = events.filter((e) => e.id === 'g');
    expect(ofG.map((e) => e.event)).toEqual(['output', 'exit']);
    expect(atob(String(ofG[0]!.stdout))).toBe('early\n');
    expect(atob(String(ofG[1]!.stdout))).toBe('late\n');
    expect(events.filter((e) => e.id === 'd')).toEqual([
      { id: 'd', event: 'exit', code: 0, signal: null, stdout: btoa('still here\n'), stderr: '' },
    ]);
  });

  it('runs each process in its own working directory, and one given none where the agent started', async () => {
    const there = await executor.exec(containerId, { argv: ['pwd'], workingDirectory: '/tmp' });
    expect((await there.result).stdout).toBe('/tmp\n');
    expect((await run(['pwd'])).stdout).toBe('/root\n'); // the image's WORKDIR
  });

  it('finds a bare program on the PATH it is given, and gives scripts SIGPIPE back', async () => {
    await run([
      '/bin/sh',
      '-c',
      'mkdir -p /opt/tools && printf "#!/bin/sh\\necho tool\\n" > /opt/tools/mytool && chmod 755 /opt/tools/mytool',
    ]);
    const handle = await executor.exec(containerId, { argv: ['mytool'], env: { PATH: '/opt/tools' } });
    expect(await handle.result).toMatchObject({ exitCode: 0, stdout: 'tool\n' });
    expect(await run(['mytool'])).toMatchObject({ exitCode: 127, stdout: '' });
    // The agent (Python) ignores SIGPIPE; `yes` must still die of it quietly, as under any shell.
    expect(await run(['/bin/sh', '-c', 'yes | head -n 1'])).toEqual({
      exitCode: 0,
      stdout: 'y\n',
      stderr: '',
      containerLost: false,
    });
  });

  it('falls back to one docker exec per process in a container without python3', async () => {
    const bare = await docker.createContainer({
      Image: 'debian:bookworm-slim',
      Cmd: ['sleep', 'infinity'],
      Labels: { [LABEL.fleet]: fleet },
    });
    await bare.start();
    const first = await (await executor.exec(bare.id, { argv: ['/bin/sh', '-c', 'echo $0'] })).result;
    expect(first).toEqual({ exitCode: 0, stdout: '/bin/sh\n', stderr: '', containerLost: false });
    expect(logged.join('\n')).toMatch(/no ssm-local agent starts in container .*python3/);
    const handle = await executor.exec(bare.id, { argv: ['sleep', '600'] });
    await handle.kill();
    expect(await handle.result).toMatchObject({ exitCode: null, containerLost: false });
  });
});
