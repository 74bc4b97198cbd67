#!/usr/bin/env python3
"""ssm-local's agent inside an instance container.

The emulator starts it once per container through one long-lived `docker exec` and speaks JSON
lines with it, so a Run Command process costs a spawn here instead of a `docker exec` (tens of
milliseconds of engine CPU each).

emulator -> agent (stdin):
  {"op":"run","id":"7","argv":["/bin/sh","-c","echo hi"],"cwd":"/tmp","env":{"K":"V"},
   "files":[{"path":"/x/y.sh","content":"echo hi\n","mode":493}]}
                                                          files are written first (parent folders
                                                          created, mode set), then cwd is checked
  {"op":"kill","id":"7"}
  {"op":"ping"}
agent -> emulator (stdout):
  {"event":"ready","pid":N,"version":3}                    once, at start
  {"id":"7","event":"output","stdout":"<base64>","stderr":"<base64>"}
                                                          output of a process still running, sent
                                                          at most OUTPUT_DELAY_SECONDS after it was
                                                          read (so a container that dies keeps what
                                                          was printed)
  {"id":"7","event":"exit","code":N|null,"signal":"SIGKILL"|null,"stdout":"<base64>","stderr":"<base64>"}
                                                          the output not sent before
  {"id":"7","event":"killed"}                              every process of the group is gone
  {"id":"7"|null,"event":"pong"}
  {"id":"7"|null,"event":"error","message":"..."}          a request it could not understand
  {"id":"7","event":"exit","code":1,"signal":null,"stdout":"","stderr":"<base64>",
   "setup":{"kind":"mkdir"|"write"|"chdir","path":"...","message":"..."}}
                                                          writing a file or entering cwd failed:
                                                          the process was not started
Requests are handled in the order they come: a pong answers after every earlier run has started.

One thread does all the work: it polls stdin, every process's pipes and a pidfd per process (its
exit) at once, and starts processes with posix_spawn (no fork of the interpreter). That keeps a run
to about a millisecond of CPU here besides the script's own, which matters when one command fans
out to many containers on the same cores. Only kills run on threads of their own, because waiting
for a process group to be gone may take a while.

Each process runs in its own session (setsid), so its process group is its whole tree: kill sends
SIGKILL to the group and session and waits until no member is left. Each stream keeps at most
8 MiB. When stdin closes (the emulator went away) the agent kills everything it started and exits,
so nothing is left orphaned.
"""

import base64
import json
import os
import re
import select
import signal
import sys
import threading
import time

# 3: no "started" event; output of a running process is batched (OUTPUT_DELAY_SECONDS).
# 2: run requests may carry files, and setup failures are reported with "setup".
VERSION = 3
MAX_CAPTURED_BYTES = 8 * 1024 * 1024
# After the process exits, how long its pipes may stay open (held by a background child) before
# the exit is reported anyway; `docker exec` waits about as long.
PIPE_GRACE_SECONDS = 2.0
# Output of a process still running waits this long for more (or for the exit) before it is sent.
OUTPUT_DELAY_SECONDS = 0.05
# Without pidfds (kernels before 5.3) exits are looked for this often.
EXIT_CHECK_SECONDS = 0.05
KILL_WAIT_SECONDS = 10.0
# Signals Python ignores for itself; a started process gets their default back, as with Popen.
RESTORED_SIGNALS = tuple(getattr(signal, name) for name in ("SIGPIPE", "SIGXFSZ") if hasattr(signal, name))

_write_lock = threading.Lock()
_runs = {}
_runs_lock = threading.Lock()
_start_directory = os.getcwd()


def send(event):
    line = (json.dumps(event, separators=(",", ":")) + "\n").encode("ascii")
    with _write_lock:
        try:
            sys.stdout.buffer.write(line)
            sys.stdout.buffer.flush()
        except (OSError, ValueError):
            pass  # the emulator is gone: stdin closes next, and the agent ends then


def b64(data):
    return base64.b64encode(bytes(data)).decode("ascii")


class Run:
    """One process: its pipes and pidfd while open, its output not yet sent, its exit once known."""

    def __init__(self, run_id, pid, stdout_fd, stderr_fd, pidfd):
        self.id = run_id
        self.pid = pid
        self.streams = {stdout_fd: "stdout", stderr_fd: "stderr"}
        self.pidfd = pidfd
        self.pending = {"stdout": bytearray(), "stderr": bytearray()}
        self.kept = {"stdout": 0, "stderr": 0}
        self.returncode = None
        self.grace_ends = None
        self.flush_at = None

    def add(self, stream, data):
        room = MAX_CAPTURED_BYTES - self.kept[stream]
        if room > 0:
            chunk = data[:room]
            self.pending[stream] += chunk
            self.kept[stream] += len(chunk)

    def take(self):
        taken = {name: b64(buf) for name, buf in self.pending.items()}
        for buf in self.pending.values():
            buf.clear()
        return taken

    def has_pending(self):
        return bool(self.pending["stdout"] or self.pending["stderr"])


class Loop:
    """The agent's one event loop: requests on stdin, and every process's output and exit."""

    def __init__(self):
        self.poller = select.poll()
        self.owners = {}  # fd -> Run (pipes and pidfds)
        self.live = []  # runs not yet reported
        self.request_buffer = bytearray()

    # ---- processes ----

    def watch(self, run):
        for fd in list(run.streams) + ([run.pidfd] if run.pidfd is not None else []):
            self.owners[fd] = run
            self.poller.register(fd, select.POLLIN)
        self.live.append(run)

    def forget_fd(self, fd):
        if self.owners.pop(fd, None) is not None:
            self.poller.unregister(fd)
        os.close(fd)

    def on_fd(self, fd):
        run = self.owners.get(fd)
        if run is None:
            return
        if fd == run.pidfd:
            self.forget_fd(fd)
            run.pidfd = None
            self.reap(run, 0)
            return
        data = os.read(fd, 65536)
        if data:
            run.add(run.streams[fd], data)
            if run.returncode is None and run.flush_at is None:
                run.flush_at = time.monotonic() + OUTPUT_DELAY_SECONDS
        else:
            del run.streams[fd]
            self.forget_fd(fd)

    def reap(self, run, flags):
        """Collects the exit status (flags 0: it has exited; WNOHANG: only if it has)."""
        try:
            pid, status = os.waitpid(run.pid, flags)
        except ChildProcessError:
            pid, status = run.pid, 255 << 8
        if pid == 0:
            return
        run.returncode = os.waitstatus_to_exitcode(status)
        run.grace_ends = time.monotonic() + PIPE_GRACE_SECONDS

    def settle(self, now):
        """Sends what is due: exits whose pipes are done (or whose grace ran out), batched output."""
        for run in list(self.live):
            if run.returncode is None and run.pidfd is None:
                self.reap(run, os.WNOHANG)
            if run.returncode is not None and (not run.streams or now >= run.grace_ends):
                self.report_exit(run)
            elif run.flush_at is not None and now >= run.flush_at:
                run.flush_at = None
                if run.has_pending():
                    send(dict(id=run.id, event="output", **run.take()))

    def report_exit(self, run):
        for fd in list(run.streams):
            self.forget_fd(fd)  # a background child may still hold it: it gets SIGPIPE
        run.streams.clear()
        self.live.remove(run)
        with _runs_lock:
            _runs.pop(run.id, None)
        code, sig = run.returncode, None
        if code < 0:
            code = None
            try:
                sig = signal.Signals(-run.returncode).name
            except ValueError:
                sig = str(-run.returncode)
        send(dict(id=run.id, event="exit", code=code, signal=sig, **run.take()))

    def timeout_ms(self, now):
        deadlines = []
        for run in self.live:
            if run.returncode is not None:
                deadlines.append(run.grace_ends)
            elif run.pidfd is None:
                deadlines.append(now + EXIT_CHECK_SECONDS)
            if run.flush_at is not None:
                deadlines.append(run.flush_at)
        if not deadlines:
            return None
        return max(0, int((min(deadlines) - now) * 1000) + 1)

    # ---- requests ----

    def on_stdin(self):
        """Handles the complete request lines read; False once stdin has closed."""
        data = os.read(0, 65536)
        if not data:
            return False
        self.request_buffer += data
        while True:
            newline = self.request_buffer.find(b"\n")
            if newline < 0:
                return True
            raw = bytes(self.request_buffer[:newline])
            del self.request_buffer[: newline + 1]
            if raw.strip():
                self.handle(raw)

    def handle(self, raw):
        try:
            request = json.loads(raw)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as error:
            send(dict(id=None, event="error", message="bad request line: %s" % error))
            return
        op = request.get("op")
        try:
            if op == "run":
                run = start(request)
                if run is not None:
                    self.watch(run)
            elif op == "kill":
                thread(kill, request)
            elif op == "ping":
                send(dict(id=request.get("id"), event="pong"))
            else:
                send(dict(id=request.get("id"), event="error", message="unknown op %r" % (op,)))
        except Exception as error:  # never die on one request
            send(dict(id=request.get("id"), event="error", message="%s: %s" % (type(error).__name__, error)))

    def serve(self):
        send(dict(event="ready", pid=os.getpid(), version=VERSION))
        self.poller.register(0, select.POLLIN)
        while True:
            events = self.poller.poll(self.timeout_ms(time.monotonic()))
            for fd, mask in events:
                if fd == 0:
                    if not self.on_stdin():
                        return
                else:
                    try:
                        self.on_fd(fd)
                    except Exception as error:  # never leave the emulator waiting for an exit
                        run = self.owners.get(fd)
                        send(dict(id=run.id if run else None, event="error", message="%s: %s" % (type(error).__name__, error)))
            self.settle(time.monotonic())


def thread(target, *args):
    worker = threading.Thread(target=target, args=args, daemon=True)
    worker.start()
    return worker


def failed(run_id, code, message):
    text = ("ssm-local: %s\n" % message).encode("utf-8", "replace")
    send(dict(id=run_id, event="exit", code=code, signal=None, stdout="", stderr=b64(text)))


def setup_failed(run_id, kind, path, message):
    text = ("ssm-local: %s\n" % message).encode("utf-8", "replace")
    setup = dict(kind=kind, path=path, message=message)
    send(dict(id=run_id, event="exit", code=1, signal=None, stdout="", stderr=b64(text), setup=setup))


def utf8(text):
    """UTF-8 bytes of text; a lone surrogate (JSON allows one) becomes U+FFFD, as Node writes it."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return re.sub("[\ud800-\udfff]", "\ufffd", text).encode("utf-8")


def valid_files(files):
    return isinstance(files, list) and all(
        isinstance(f, dict)
        and isinstance(f.get("path"), str)
        and f.get("path")
        and isinstance(f.get("content"), str)
        and (f.get("mode") is None or (isinstance(f.get("mode"), int) and 0 <= f.get("mode") <= 0o7777))
        for f in files
    )


def write_files(run_id, files):
    """Writes each file (creating its folder): True, or False once a failure has been reported."""
    for entry in files:
        path, mode = entry["path"], entry.get("mode")
        folder = os.path.dirname(path)
        try:
            if folder:
                os.makedirs(folder, exist_ok=True)
        except OSError as error:
            setup_failed(run_id, "mkdir", folder, "mkdir %s: %s" % (folder, error.strerror or error))
            return False
        try:
            with open(path, "wb") as out:
                out.write(utf8(entry["content"]))
            if mode is not None:
                os.chmod(path, mode)
        except OSError as error:
            setup_failed(run_id, "write", path, "open %s: %s" % (path, error.strerror or error))
            return False
    return True


def executable(program, env):
    """The program as exec would find it: a path as given, a bare name on env's PATH (as Popen)."""
    if "/" in program:
        return program
    found = None
    for folder in env.get("PATH", os.defpath).split(os.pathsep):
        candidate = os.path.join(folder or ".", program)
        if os.path.isfile(candidate):
            if os.access(candidate, os.X_OK):
                return candidate
            found = found or candidate  # not executable: exec reports permission denied
    return found or program


def spawn(argv, cwd, env):
    """Starts argv in its own session with stdin from /dev/null; returns (pid, stdout, stderr)."""
    out_read, out_write = os.pipe()  # close-on-exec: no other process inherits them
    err_read, err_write = os.pipe()
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
        (os.POSIX_SPAWN_DUP2, out_write, 1),
        (os.POSIX_SPAWN_DUP2, err_write, 2),
    ]
    try:
        # posix_spawn has no chdir: this thread, the only one that starts processes, steps into the
        # directory for the spawn and back out, so relative paths in later requests mean the same.
        if cwd:
            os.chdir(cwd)
        try:
            pid = os.posix_spawn(
                executable(argv[0], env),
                argv,
                env,
                file_actions=actions,
                setsid=True,
                setsigdef=RESTORED_SIGNALS,
            )
        finally:
            if cwd:
                try:
                    os.chdir(_start_directory)
                except OSError:
                    pass  # gone meanwhile: later requests give absolute paths anyway
    except BaseException:
        os.close(out_read)
        os.close(err_read)
        raise
    finally:
        os.close(out_write)
        os.close(err_write)
    return pid, out_read, err_read


def start(request):
    """Starts a run request's process: its Run, or None when it did not start (already reported)."""
    run_id = request.get("id")
    argv = request.get("argv")
    cwd = request.get("cwd") or None
    extra = request.get("env") or {}
    files = request.get("files") or []
    if not isinstance(run_id, str) or not run_id:
        return send(dict(id=None, event="error", message="run needs an id (a non-empty string)"))
    if not (isinstance(argv, list) and argv and all(isinstance(a, str) for a in argv)):
        return send(dict(id=run_id, event="error", message="argv must be a non-empty list of strings"))
    if not (isinstance(extra, dict) and all(isinstance(v, str) for v in extra.values())):
        return send(dict(id=run_id, event="error", message="env must map names to strings"))
    if cwd is not None and not isinstance(cwd, str):
        return send(dict(id=run_id, event="error", message="cwd must be a string"))
    if not valid_files(files):
        return send(dict(id=run_id, event="error", message="files must be a list of {path, content, mode}"))
    with _runs_lock:
        duplicate = run_id in _runs
    if duplicate:
        return send(dict(id=run_id, event="error", message="a process with id %s is running" % run_id))
    if not write_files(run_id, files):
        return None
    # Checked here rather than left to the spawn, so a bad directory and a missing program stay apart.
    if cwd is not None and not (os.path.isdir(cwd) and os.access(cwd, os.X_OK)):
        message = "working directory %s does not exist or is not accessible" % cwd
        return setup_failed(run_id, "chdir", cwd, message)
    env = dict(os.environ, **extra) if extra else os.environ
    try:
        pid, stdout_fd, stderr_fd = spawn(argv, cwd, env)
    except OSError as error:
        code = 127 if isinstance(error, FileNotFoundError) else 126
        return failed(run_id, code, "failed to execute %s: %s" % (argv[0], error.strerror or error))
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None  # a kernel before 5.3: the loop looks at the process every EXIT_CHECK_SECONDS
    run = Run(run_id, pid, stdout_fd, stderr_fd, pidfd)
    with _runs_lock:
        _runs[run_id] = run
    return run


def members(group):
    """Live processes (zombies are dead already) whose process group or session is `group`."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name, "rb") as stat:
                # pid (comm) state ppid pgrp session ...: comm may hold spaces and parentheses.
                fields = stat.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[0] != b"Z" and group in (int(fields[2]), int(fields[3])):
            found.append(int(name))
    return found


def kill_group(group):
    deadline = time.monotonic() + KILL_WAIT_SECONDS
    while True:
        alive = members(group)
        if not alive or time.monotonic() > deadline:
            return
        try:
            os.killpg(group, signal.SIGKILL)
        except OSError:
            pass
        for pid in alive:  # members of the session that left the group
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.01)


def kill(request):
    run_id = request.get("id")
    with _runs_lock:
        run = _runs.get(run_id)
    if run is not None:
        kill_group(run.pid)  # setsid: the pid is the group's and session's id
    send(dict(id=run_id, event="killed"))


def main():
    Loop().serve()
    # stdin closed: the emulator went away. Leave nothing running behind it.
    with _runs_lock:
        groups = [run.pid for run in _runs.values()]
    killers = [thread(kill_group, group) for group in groups]
    for killer in killers:
        killer.join()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
    os._exit(0)
