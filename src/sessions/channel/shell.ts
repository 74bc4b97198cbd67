// The shell backend (Standard_Stream, InteractiveCommands, NonInteractiveCommands): a `docker exec` in
// the instance's container, with a TTY (notes §7: the plugin sends Enter as "\r", which only a TTY's
// ICRNL turns into "\n"; Ctrl-C arrives as the byte 0x03, which the TTY turns into SIGINT).
//
// The instances capability's executor runs processes without a TTY, so this drives dockerode itself,
// reaching the engine as the instances capability does by default (DOCKER_HOST or the local socket).
//
// Who the shell runs as, as the SSM Agent decides it on Linux: with runAsEnabled, runAsDefaultUser
// (which must exist: the session fails otherwise); without it, `ssm-user`, created on first use with
// a home directory and passwordless sudo (as the agent creates it).
//
// The exec's command line carries a marker naming the session: stopping the backend kills its process
// session (the shell, its jobs, what they started), so an ended session leaves nothing running in the
// container (a process that left the session with setsid escapes, as it escapes the agent's kill).
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import type { ManagedInstance } from '../../instances/api.js';
import type { DataChannel, RunningBackend, SessionBackend } from '../model.js';

export const SESSION_ENV = 'SSM_LOCAL_SESSION';
export const DEFAULT_SHELL_USER = 'ssm-user';

// $1 = user to create when missing. useradd (Debian, RHEL) or adduser (BusyBox).
const ENSURE_SSM_USER = [
  'u=$1',
  'id -u "$u" >/dev/null 2>&1 && exit 0',
  'if command -v useradd >/dev/null 2>&1; then useradd -m -s /bin/sh "$u" || exit 1',
  'else adduser -D -s /bin/sh "$u" || exit 1; fi',
  `[ -d /etc/sudoers.d ] && printf '%s ALL=(ALL) NOPASSWD:ALL\\n' "$u" > /etc/sudoers.d/ssm-agent-users`,
  'exit 0',
].join('\n');

// $1$2 = the session's marker (in two pieces, so that this script's own command line lacks it). The engine starts every exec as a session leader (with or without a
// TTY): the processes whose command line carries the marker lead the session's process sessions, and
// everything in those sessions, or a child of their leaders, is killed, until nothing is left. (The
// marker is looked up in /proc/<pid>/cmdline, which root reads without CAP_SYS_PTRACE; a process's
// environment, owned by another user, is not readable in a default container.)
const KILL_SESSION = [
  'mk="$1$2"; sids=""; i=0',
  'for p in /proc/[0-9]*; do',
  '  tr "\\000" " " < "$p/cmdline" 2>/dev/null | grep -qF -- "$mk" && sids="$sids ${p#/proc/}"',
  'done',
  '[ -n "$sids" ] || exit 0',
  'while [ "$i" -lt 100 ]; do',
  '  found=0',
  '  for p in /proc/[0-9]*; do',
  '    set -- $(sed "s/.*) //" "$p/stat" 2>/dev/null); [ "$#" -ge 4 ] || continue',
  '    for s in $sids; do',
  '      [ "$4" = "$s" ] || [ "$2" = "$s" ] || [ "${p#/proc/}" = "$s" ] || continue',
  '      kill -KILL "${p#/proc/}" 2>/dev/null && found=1',
  '    done',
  '  done',
  '  [ "$found" = 0 ] && exit 0',
  '  sleep 0.05; i=$((i+1))',
  'done',
].join('\n');

/** The $0 of a session's exec, found in its command line by KILL_SESSION. */
function markerOf(sessionId: string): string {
  return `ssm-local-session:${sessionId}`;
}

/**
 * The document's shell properties for Linux: AWS-StartInteractiveCommand and
 * AWS-StartNonInteractiveCommand give them per platform (`properties.linux.commands`, as the agent
 * reads them: ShellProperties.Linux); a document may also give them flat (`properties.commands`).
 */
function linuxProperties(properties: Record<string, unknown>): Record<string, unknown> {
  const linux = properties.linux;
  return typeof linux === 'object' && linux !== null && !Array.isArray(linux)
    ? (linux as Record<string, unknown>)
    : properties;
}

/** The session's command lines (the `commands` property: a string or a list). */
function commandsOf(properties: Record<string, unknown>): string {
  const commands = linuxProperties(properties).commands;
  if (Array.isArray(commands)) return commands.map(String).join('\n');
  return typeof commands === 'string' ? commands : '';
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true';
}

/** The shell profile's Linux commands (SSM-SessionManagerRunShell's shellProfile.linux). */
function shellProfileOf(properties: Record<string, unknown>): string {
  const profile = properties.shellProfile as { linux?: unknown } | undefined;
  return typeof profile?.linux === 'string' ? profile.linux.trim() : '';
}

/** Runs a short script as root in the container; answers its exit code and output. */
async function runAsRoot(
  docker: Docker,
  container: Docker.Container,
  script: string,
  args: string[],
): Promise<{ code: number; output: string }> {
  const exec = await container.exec({
    Cmd: ['/bin/sh', '-c', script, 'ssm-local-session', ...args],
    User: 'root',
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  const info = await exec.inspect();
  return { code: info.ExitCode ?? -1, output: Buffer.concat(chunks).toString('utf8') };
}

async function shellUser(docker: Docker, container: Docker.Container, props: Record<string, unknown>) {
  // runAsElevated (a commands document's Linux properties): the agent's own user, root.
  if (truthy(linuxProperties(props).runAsElevated)) return 'root';
  if (truthy(props.runAsEnabled)) {
    const user = typeof props.runAsDefaultUser === 'string' ? props.runAsDefaultUser.trim() : '';
    if (!user) throw new Error('RunAs is enabled but no runAsDefaultUser is set');
    const { code } = await runAsRoot(docker, container, 'id -u "$1" >/dev/null 2>&1', [user]);
    if (code !== 0) throw new Error(`failed to start pty since RunAs user ${user} does not exist`);
    return user;
  }
  const { code, output } = await runAsRoot(docker, container, ENSURE_SSM_USER, [DEFAULT_SHELL_USER]);
  if (code !== 0) throw new Error(`could not create ${DEFAULT_SHELL_USER}: ${output.trim()}`);
  return DEFAULT_SHELL_USER;
}

async function startShell(
  docker: Docker,
  channel: DataChannel,
  instance: ManagedInstance,
): Promise<RunningBackend> {
  const { session } = channel;
  const props = session.properties;
  const container = docker.getContainer(instance.containerId);
  const user = await shellUser(docker, container, props);
  const interactive = session.sessionType !== 'NonInteractiveCommands';
  // No `exec`: the wrapper that carries the marker stays, as the session's leader.
  // The agent runs `sh` for Standard_Stream (and for a commands session without commands), else
  // `sh -c <commands>`.
  const commands = session.sessionType === 'Standard_Stream' ? '' : commandsOf(props).trim();
  const shell = commands ? `${commands}\nexit $?` : 'cd "$HOME" 2>/dev/null; sh; exit $?';
  const exec = await container.exec({
    Cmd: ['/bin/sh', '-c', shell, markerOf(session.sessionId)],
    User: user,
    Env: [`${SESSION_ENV}=${session.sessionId}`, ...(interactive ? ['TERM=xterm-256color'] : [])],
    Tty: interactive,
    AttachStdin: interactive,
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = (await exec.start({ hijack: true, stdin: interactive, Tty: interactive })) as Duplex;

  let exited = false;
  let stopping: Promise<void> | undefined;
  const ended = () => {
    if (exited) return;
    exited = true;
    // The shell exited: its output is all read; the channel flushes it and closes.
    if (!stopping) void channel.close();
  };
  stream.on('end', ended);
  stream.on('close', ended);
  stream.on('error', ended);
  // Flow control: the exec's output is read no faster than the client acknowledges it.
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      channel.send(chunk);
      void channel.writable().then(() => done());
    },
  });
  if (interactive) {
    stream.on('data', (chunk: Buffer) => {
      channel.send(chunk);
      const ready = channel.writable();
      stream.pause();
      void ready.then(() => stream.resume());
    });
  } else docker.modem.demuxStream(stream, output, output);

  if (interactive) {
    // The agent types the shell profile into the new shell before handing it to the user.
    const profile = session.sessionType === 'Standard_Stream' ? shellProfileOf(props) : '';
    if (profile) stream.write(`${profile}\n`);
    // Input and resizes in the order they came: a command typed right after a Size message runs
    // in the resized terminal (a resize is a request to the engine, a write is immediate).
    let order: Promise<unknown> = Promise.resolve();
    channel.onInput((bytes) => {
      order = order.then(() => {
        if (!exited) stream.write(bytes);
      });
    });
    channel.onSize(({ cols, rows }) => {
      if (cols > 0 && rows > 0)
        order = order.then(() =>
          exited ? undefined : exec.resize({ h: rows, w: cols }).catch(() => undefined),
        );
    });
  }

  return {
    stop() {
      stopping ??= (async () => {
        // Also after the shell exited: what it left running in the background goes with it.
        const marker = markerOf(session.sessionId);
        const pieces = [marker.slice(0, 5), marker.slice(5)];
        await runAsRoot(docker, container, KILL_SESSION, pieces).catch(() => undefined);
        exited = true;
        stream.destroy();
      })();
      return stopping;
    },
  };
}

/** The backend of Standard_Stream, InteractiveCommands and NonInteractiveCommands sessions. */
export function shellBackend(options: { docker?: Docker } = {}): SessionBackend {
  let docker = options.docker;
  return {
    start: (_services, channel, instance) => startShell((docker ??= new Docker()), channel, instance),
  };
}
