// The InstanceExecutor over a real Docker engine (dockerode, so DOCKER_HOST and friends work as
// docker-modem reads them).
//
// Every process runs under a small wrapper script inside the container: the wrapper writes the
// request's files (mkdir -p, printf, chmod), changes to the working directory, starts the argv in a new session with `setsid` (so it leads its own process
// group) and writes that process-group id to /run/ssm-local/<exec>.pgid. kill() then runs a second
// exec that sends SIGKILL to the whole group and session and waits until every member is gone.
// A background job of a non-interactive shell is never a group leader, so setsid does not fork and
// `$!` is the new group's id.
import { randomUUID } from 'node:crypto';
import type Docker from 'dockerode';
import { CappedOutput, containerLost, lostHandle, sleep, statusCode, withTimeout } from './exec-common.js';
import type {
  AgentStatus,
  ExecHandle,
  ExecRequest,
  ExecResult,
  ExecSetupError,
  InstanceExecutor,
} from './executor.js';

const PGID_DIR = '/run/ssm-local';

/** Starts the wrapper's stderr when writing a file or entering the working directory failed. */
const SETUP_ERROR = '__ssm_local_exec_setup_error__:';

// $1 = pgid file, $2 = working directory ('' for the container's default), $3 = number of files,
// then path, mode (octal, or '' to leave it) and content of each file, then argv.
const WRAPPER = [
  'f=$1; d=$2; n=$3; shift 3',
  `mkdir -p ${PGID_DIR} 2>/dev/null`,
  `fail() { printf '%s%s %s' '${SETUP_ERROR}' "$1" "$2" >&2; exit 1; }`,
  'while [ "$n" -gt 0 ]; do',
  '  p=$1; m=$2; c=$3; shift 3; n=$((n-1))',
  '  case $p in */*) dir=${p%/*}; [ -n "$dir" ] || dir=/ ;; *) dir=. ;; esac',
  '  mkdir -p -- "$dir" 2>/dev/null || fail mkdir "$dir"',
  `  { printf '%s' "$c" > "$p" && { [ -z "$m" ] || chmod "$m" "$p"; }; } 2>/dev/null || fail write "$p"`,
  'done',
  'if [ -n "$d" ]; then cd -- "$d" 2>/dev/null || fail chdir "$d"; fi',
  'setsid "$@" & child=$!',
  'echo "$child" > "$f" 2>/dev/null',
  'wait "$child"; rc=$?',
  'rm -f "$f"',
  'exit "$rc"',
].join('\n');

// $1 = pgid file. Waits briefly for the file (the process may be starting), kills group and session,
// then waits until no member is left (killed processes are reaped by their parent or by the init).
// `kill -SIG -pgid` without `--`: dash's kill builtin rejects `--`, and images without procps have no
// pkill to cover for it.
const KILLER = [
  'f=$1; i=0',
  'while [ ! -s "$f" ] && [ "$i" -lt 100 ]; do sleep 0.02; i=$((i+1)); done',
  'pg=$(cat "$f" 2>/dev/null); [ -n "$pg" ] || exit 0',
  'kill -KILL "-$pg" 2>/dev/null',
  'command -v pkill >/dev/null 2>&1 && pkill -KILL -s "$pg" 2>/dev/null',
  'i=0',
  'while [ "$i" -lt 500 ]; do',
  '  alive=0',
  '  kill -0 "-$pg" 2>/dev/null && alive=1',
  '  command -v pgrep >/dev/null 2>&1 && pgrep -s "$pg" >/dev/null 2>&1 && alive=1',
  '  [ "$alive" = 0 ] && break',
  '  kill -KILL "-$pg" 2>/dev/null; command -v pkill >/dev/null 2>&1 && pkill -KILL -s "$pg" 2>/dev/null',
  '  sleep 0.02; i=$((i+1))',
  'done',
  'rm -f "$f"',
].join('\n');

export class DockerExecutor implements InstanceExecutor {
  /** Containers being restarted by restart(): an instance reboot, not a stop. */
  private readonly rebooting = new Set<string>();

  constructor(protected readonly docker: Docker) {}

  /** Each process is a `docker exec` of its own: there is no agent to lose, only reboots to report. */
  agentStatus(containerId: string): AgentStatus {
    return this.rebooting.has(containerId) ? 'rebooting' : 'answers';
  }

  async available(): Promise<boolean> {
    try {
      await withTimeout(this.docker.ping(), 3000);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Starts argv in the container. A container that is stopped or gone gives a handle whose result is
   * at once `containerLost`; an engine that does not answer rejects.
   */
  async exec(containerId: string, request: ExecRequest): Promise<ExecHandle> {
    const container = this.docker.getContainer(containerId);
    const pgidFile = `${PGID_DIR}/${randomUUID()}.pgid`;
    let exec: Docker.Exec;
    let stream: NodeJS.ReadWriteStream;
    let startedAt: string;
    try {
      const state = (await container.inspect()).State;
      if (!state.Running || state.Paused) throw Object.assign(new Error('not running'), { statusCode: 409 });
      startedAt = state.StartedAt;
      exec = await container.exec({
        Cmd: [
          '/bin/sh',
          '-c',
          WRAPPER,
          'ssm-local-exec',
          pgidFile,
          request.workingDirectory ?? '',
          String(request.files?.length ?? 0),
          ...(request.files ?? []).flatMap((file) => [
            file.path,
            file.mode === undefined ? '' : file.mode.toString(8),
            file.content,
          ]),
          ...request.argv,
        ],
        Env: Object.entries(request.env ?? {}).map(([k, v]) => `${k}=${v}`),
        AttachStdin: false,
        AttachStdout: true,
        AttachStderr: true,
        Tty: false,
      });
      stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadWriteStream;
    } catch (error) {
      const code = statusCode(error);
      if (code === 404 || code === 409) return lostHandle();
      throw error;
    }

    const stdout = new CappedOutput();
    const stderr = new CappedOutput();
    this.docker.modem.demuxStream(stream, stdout.sink(), stderr.sink());
    let killed = false;
    let settled = false;

    const result = new Promise<ExecResult>((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        void this.outcome(exec, containerId, startedAt, killed).then(({ exitCode, containerLost }) => {
          settled = true;
          const setupError = exitCode === 1 ? parseSetupError(stderr.text()) : undefined;
          if (setupError && !killed && !containerLost) {
            resolve({
              exitCode: 1,
              stdout: stdout.text(),
              stderr: `ssm-local: ${setupError.message}\n`,
              containerLost,
              setupError,
            });
            return;
          }
          resolve({
            exitCode: killed || containerLost ? null : exitCode,
            stdout: stdout.text(),
            stderr: stderr.text(),
            containerLost,
          });
        });
      };
      stream.on('end', finish);
      stream.on('close', finish);
      stream.on('error', finish);
    });

    const kill = async (): Promise<void> => {
      if (settled) return;
      killed = true;
      try {
        const killer = await container.exec({
          Cmd: ['/bin/sh', '-c', KILLER, 'ssm-local-kill', pgidFile],
          AttachStdout: true,
          AttachStderr: true,
        });
        const killStream = (await killer.start({ hijack: true, stdin: false })) as NodeJS.ReadableStream;
        killStream.resume();
        await new Promise<void>((resolve) => {
          killStream.on('end', resolve);
          killStream.on('close', resolve);
          killStream.on('error', () => resolve());
        });
      } catch {
        // The container is stopped or gone: its processes are gone with it.
      }
      await result;
    };

    return { result, kill };
  }

  /** Restarts the container (an instance reboot) and resolves once it runs again. */
  async restart(containerId: string): Promise<void> {
    const container = this.docker.getContainer(containerId);
    this.rebooting.add(containerId);
    try {
      await container.restart({ t: 5 });
      for (let attempt = 0; attempt < 300; attempt++) {
        const state = (await container.inspect()).State;
        if (state.Running && !state.Restarting) return;
        await sleep(100);
      }
      throw new Error(`container ${containerId} did not come back within 30 s of its restart`);
    } finally {
      this.rebooting.delete(containerId);
    }
  }

  /**
   * The exit code once the exec has ended, and whether the container stopped (or restarted) meanwhile.
   * A process killed by a signal may have died with its container, whose state the engine updates a
   * moment after the exec ends: then the container is watched for up to a second before deciding.
   */
  private async outcome(
    exec: Docker.Exec,
    containerId: string,
    startedAt: string,
    killedByUs: boolean,
  ): Promise<{ exitCode: number | null; containerLost: boolean }> {
    let exitCode: number | null = null;
    for (let attempt = 0; attempt < 50; attempt++) {
      try {
        const info = await exec.inspect();
        if (!info.Running) {
          exitCode = info.ExitCode ?? null;
          break;
        }
      } catch {
        break;
      }
      await sleep(20);
    }
    // Killed by a signal, or 126: the engine could not start the exec at all, which is what a
    // container that is being stopped or restarted under it answers; either may be the container
    // going away, whose state the engine updates a moment later.
    const bySignal = !killedByUs && (exitCode === null || exitCode >= 128 || exitCode === 126);
    const lost = await containerLost(this.docker.getContainer(containerId), startedAt, {
      watch: bySignal,
      pausedIsRunning: true,
    });
    return { exitCode, containerLost: lost };
  }
}

/** The wrapper's report of a file it could not write or a working directory it could not enter. */
function parseSetupError(stderr: string): ExecSetupError | undefined {
  if (!stderr.startsWith(SETUP_ERROR)) return undefined;
  const rest = stderr.slice(SETUP_ERROR.length);
  const space = rest.indexOf(' ');
  const kind = rest.slice(0, space);
  const path = rest.slice(space + 1);
  switch (kind) {
    case 'mkdir':
      return { kind, path, message: `mkdir ${path}: cannot create the directory` };
    case 'write':
      return { kind, path, message: `open ${path}: cannot write the file` };
    case 'chdir':
      return { kind, path, message: `working directory ${path} does not exist or is not accessible` };
    default:
      return undefined;
  }
}
