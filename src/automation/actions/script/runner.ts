// The runner container of aws:executeScript and one script run in it.
//
// The runner is a container of the instance image (docker/linux: Debian bookworm, python3, tini as
// PID 1, procps), named ssm-local-script-runner-<image hash> and labelled ssm-local.role=script-runner.
// It is created on first use and then reused by every run, by every emulator on the same engine and
// after a restart (it keeps nothing between runs). No emulator removes it: `docker rm -f` it at any
// time and the next run creates it again. A runner of an older image is removed when the new one is
// made. Default bridge network, not privileged, no Docker socket.
//
// Each run is one `docker exec` of `timeout -s KILL <watchdog> python3 -c BOOTSTRAP <dir>` with the
// request on stdin. `timeout` leads a process group of its own, so the script, and any process it
// starts, is killed as a group: by kill() (a second exec finding the group by the run's folder name
// in its command line) or by the watchdog, which outlives the 600-second limit only briefly and so
// ends a run that an emulator that died left behind.
import { randomUUID } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { LABEL } from '../../../docker/containers.js';
import { CappedOutput, statusCode, withTimeout } from '../../../docker/exec-common.js';
import { ensureImage, imageTag } from '../../../docker/images.js';
import { BOOTSTRAP } from './bootstrap.js';

export const RUNNER_ROLE = { key: 'ssm-local.role', value: 'script-runner' } as const;
/** Real seconds after which the container itself kills a run (a backstop; see the header). */
export const WATCHDOG_SECONDS = 630;
const PING_TIMEOUT_MS = 3000;

export interface ScriptRequest {
  script: string;
  handler: string;
  events: unknown;
  context: Record<string, unknown>;
  env: Record<string, string>;
}

/** What the bootstrap answered (bootstrap.ts), or how the run ended without an answer. */
export type ScriptOutcome =
  | {
      kind: 'answered';
      status: 'ok' | 'script' | 'handler' | 'exception' | 'serialize' | 'too-large';
      payload?: string;
      message?: string;
      log: string;
      logBytes: number;
    }
  /** kill() was called (the signal aborted). */
  | { kind: 'killed' }
  /** The process ended with no answer: the watchdog, the container going away, an OOM kill. */
  | { kind: 'ended'; exitCode: number | null; stderr: string; containerGone: boolean };

// $1 = the run's folder without its leading slash, so that this shell's own command line does not
// match. Finds the run's process group by the folder in the command line of `timeout`, kills the
// group and waits until none of it is left, then removes the folder.
const KILLER = [
  'd="/$1"; own=$(ps -o pgid= -p $$ | tr -d " ")',
  'for pid in $(pgrep -f -- "$d"); do',
  '  pg=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d " ")',
  '  [ -n "$pg" ] && [ "$pg" != "$own" ] || continue',
  '  kill -KILL "-$pg" 2>/dev/null',
  '  i=0; while kill -0 "-$pg" 2>/dev/null && [ "$i" -lt 500 ]; do sleep 0.02; i=$((i+1)); done',
  'done',
  'rm -rf -- "$d"',
].join('\n');
/** How long the exec's stream may take to end once its processes are killed. */
const END_AFTER_KILL_MS = 5000;

export class ScriptRunner {
  private docker: Docker | undefined;
  private runner: Promise<string> | undefined;

  constructor(
    private readonly makeDocker: () => Docker,
    private readonly log: (line: string) => void = (line) => console.log(`ssm-local: ${line}`),
  ) {}

  private engine(): Docker {
    return (this.docker ??= this.makeDocker());
  }

  /** Whether a Docker engine answers, and where it was looked for. */
  async engineStatus(): Promise<{ up: boolean; address: string }> {
    const docker = this.engine();
    const modem = docker.modem as unknown as { socketPath?: string; host?: string; port?: string | number };
    const address = modem.socketPath
      ? `unix://${modem.socketPath}`
      : `${modem.host ?? 'localhost'}${modem.port ? `:${modem.port}` : ''}`;
    try {
      await withTimeout(docker.ping(), PING_TIMEOUT_MS);
      return { up: true, address };
    } catch {
      return { up: false, address };
    }
  }

  /** The runner's container id: found by name, started if stopped, created if missing. */
  container(): Promise<string> {
    if (!this.runner) {
      this.runner = this.findOrCreate();
      this.runner.catch(() => (this.runner = undefined));
    }
    return this.runner;
  }

  private async findOrCreate(): Promise<string> {
    const docker = this.engine();
    const image = await ensureImage(docker, 'linux', (line) => this.log(`[script runner image] ${line}`));
    const name = `ssm-local-script-runner-${imageTag('linux').split(':')[1] ?? 'latest'}`;
    const existing = await this.startExisting(name);
    if (existing) return existing;
    await this.removeStale(image);
    try {
      const container = await docker.createContainer({
        name,
        Image: image,
        Hostname: 'ssm-local-script-runner',
        Cmd: ['sleep', 'infinity'],
        Labels: { [RUNNER_ROLE.key]: RUNNER_ROLE.value, [LABEL.image]: image },
        HostConfig: { RestartPolicy: { Name: 'unless-stopped' }, Privileged: false, NetworkMode: 'bridge' },
      });
      await container.start();
      this.log(`aws:executeScript runs Python in container ${name}`);
      return container.id;
    } catch (error) {
      // Another emulator on this engine made it first.
      if (statusCode(error) === 409) {
        const made = await this.startExisting(name);
        if (made) return made;
      }
      throw error;
    }
  }

  private async startExisting(name: string): Promise<string | undefined> {
    const container = this.engine().getContainer(name);
    let info: Docker.ContainerInspectInfo;
    try {
      info = await container.inspect();
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
    if (info.State.Paused) await container.unpause();
    else if (!info.State.Running) {
      try {
        await container.start();
      } catch (error) {
        if (statusCode(error) !== 304) throw error;
      }
    }
    return info.Id;
  }

  /** Runners of other images (an older docker/ folder). */
  private async removeStale(image: string): Promise<void> {
    const docker = this.engine();
    const runners = await docker.listContainers({
      all: true,
      filters: { label: [`${RUNNER_ROLE.key}=${RUNNER_ROLE.value}`] },
    });
    await Promise.all(
      runners
        .filter((info) => info.Labels[LABEL.image] !== image)
        .map((info) =>
          docker
            .getContainer(info.Id)
            .remove({ force: true })
            .catch(() => undefined),
        ),
    );
  }

  /**
   * Runs one script. Resolves (never rejects once started) with the bootstrap's answer, `killed`
   * once `signal` aborted and the process group is gone, or `ended` when it stopped with no answer.
   * Rejects when the engine or the runner cannot be reached.
   */
  async run(request: ScriptRequest, signal: AbortSignal): Promise<ScriptOutcome> {
    const dir = `/tmp/${randomUUID()}-${new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-')}`;
    let started: { exec: Docker.Exec; stream: Duplex; containerId: string };
    try {
      started = await this.start(request, dir);
    } catch (error) {
      // The runner was removed or stopped since it was found: find or make it again, once.
      const code = statusCode(error);
      if (code !== 404 && code !== 409) throw error;
      this.runner = undefined;
      started = await this.start(request, dir);
    }
    const { exec, stream, containerId } = started;

    const stdout = new CappedOutput();
    const stderr = new CappedOutput();
    this.engine().modem.demuxStream(stream, stdout.sink(), stderr.sink());
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
    stream.end(JSON.stringify({ ...request, env: undefined }));

    let killing: Promise<void> | undefined;
    const kill = () =>
      (killing ??= this.kill(containerId, dir).then(async () => {
        // The processes are gone; a stream the engine does not end is ended here.
        await withTimeout(ended, END_AFTER_KILL_MS).catch(() => stream.destroy());
      }));
    const onAbort = () => void kill();
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    await ended;
    signal.removeEventListener('abort', onAbort);
    if (killing) {
      await killing;
      return { kind: 'killed' };
    }

    const text = stdout.text();
    if (text.startsWith('{')) {
      try {
        const envelope = JSON.parse(text) as Omit<Extract<ScriptOutcome, { kind: 'answered' }>, 'kind'>;
        return { kind: 'answered', ...envelope };
      } catch {
        // An envelope cut short: the process died while writing it.
      }
    }
    let exitCode: number | null = null;
    try {
      exitCode = (await exec.inspect()).ExitCode ?? null;
    } catch {
      // gone with its container
    }
    const containerGone = !(await this.runs(containerId));
    if (containerGone) this.runner = undefined;
    return { kind: 'ended', exitCode, stderr: stderr.text(), containerGone };
  }

  private async start(
    request: ScriptRequest,
    dir: string,
  ): Promise<{ exec: Docker.Exec; stream: Duplex; containerId: string }> {
    const containerId = await this.container();
    const exec = await this.engine()
      .getContainer(containerId)
      .exec({
        Cmd: [
          'timeout',
          '-s',
          'KILL',
          String(WATCHDOG_SECONDS),
          'python3',
          '-I',
          '-u',
          '-X',
          'utf8',
          '-c',
          BOOTSTRAP,
          dir,
        ],
        Env: Object.entries(request.env).map(([key, value]) => `${key}=${value}`),
        WorkingDir: '/tmp',
        AttachStdin: true,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
    const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
    return { exec, stream, containerId };
  }

  private async runs(containerId: string): Promise<boolean> {
    try {
      const state = (await this.engine().getContainer(containerId).inspect()).State;
      return state.Running && !state.Restarting;
    } catch {
      return false;
    }
  }

  /** Kills the run's process group inside the runner and waits until it is gone. */
  private async kill(containerId: string, dir: string): Promise<void> {
    try {
      const killer = await this.engine()
        .getContainer(containerId)
        .exec({
          Cmd: ['/bin/sh', '-c', KILLER, 'ssm-local-kill', dir.slice(1)],
          AttachStdout: true,
          AttachStderr: true,
        });
      const stream = (await killer.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
      stream.resume();
      await new Promise<void>((resolve) => {
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', () => resolve());
      });
    } catch {
      // The runner is stopped or gone: its processes went with it.
    }
  }
}
