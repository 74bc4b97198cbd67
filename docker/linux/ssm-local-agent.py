#!/usr/bin/env python3
"""ssm-local's agent inside an instance container.

The emulator starts it once per container through one long-lived `docker exec` and speaks JSON
lines with it, so a Run Command process costs a fork here instead of a `docker exec` (tens of
milliseconds of engine CPU each).

emulator -> agent (stdin):
  {"op":"run","id":"7","argv":["/bin/sh","-c","echo hi"],"cwd":"/tmp","env":{"K":"V"},
   "files":[{"path":"/x/y.sh","content":"echo hi\n","mode":493}]}
                                                          files are written first (parent folders
                                                          created, mode set), then cwd is checked
  {"op":"kill","id":"7"}
  {"op":"ping"}
agent -> emulator (stdout):
  {"event":"ready","pid":N,"version":1}                    once, at start
  {"id":"7","event":"started","pid":N}
  {"id":"7","event":"output","stdout":"<base64>","stderr":"<base64>"}
                                                          output of a process still running,
                                                          sent as it is read
  {"id":"7","event":"exit","code":N|null,"signal":"SIGKILL"|null,"stdout":"<base64>","stderr":"<base64>"}
                                                          the output not sent before
  {"id":"7","event":"killed"}                              every process of the group is gone
  {"event":"pong"}
  {"id":"7"|null,"event":"error","message":"..."}          a request it could not understand
  {"id":"7","event":"exit","code":1,"signal":null,"stdout":"","stderr":"<base64>",
   "setup":{"kind":"mkdir"|"write"|"chdir","path":"...","message":"..."}}
                                                          writing a file or entering cwd failed:
                                                          the process was not started

Each process runs in its own session (start_new_session), so its process group is its whole tree:
kill sends SIGKILL to the group and session and waits until no member is left. Each stream keeps
at most 8 MiB. When stdin closes (the emulator went away) the agent kills everything it started
and exits, so nothing is left orphaned.
"""

import base64
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time

# 2: run requests may carry files, and setup failures are reported with "setup".
VERSION = 2
MAX_CAPTURED_BYTES = 8 * 1024 * 1024
# After the process exits, how long its pipes may stay open (held by a background child) before
# the exit is reported anyway; `docker exec` waits about as long.
PIPE_GRACE_SECONDS = 2.0
KILL_WAIT_SECONDS = 10.0

_write_lock = threading.Lock()
_runs = {}
_runs_lock = threading.Lock()


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
    """One process and its output not yet sent; only its watch thread touches the output."""

    def __init__(self, run_id, proc):
        self.id = run_id
        self.proc = proc
        self.pending = {"stdout": bytearray(), "stderr": bytearray()}
        self.kept = {"stdout": 0, "stderr": 0}

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


def watch(run):
    try:
        stream_and_wait(run)
    except Exception as error:  # never leave the emulator waiting for an exit that will not come
        with _runs_lock:
            _runs.pop(run.id, None)
        send(dict(id=run.id, event="error", message="%s: %s" % (type(error).__name__, error)))


def stream_and_wait(run):
    """Streams the process's output and reports its exit: one thread per process, polling both
    pipes and a pidfd (the process's exit) at once. Output read while the process runs is sent at
    once (so a container that dies keeps what was printed); what comes with the exit rides on it."""
    proc = run.proc
    poller = select.poll()
    streams = {proc.stdout.fileno(): "stdout", proc.stderr.fileno(): "stderr"}
    for fd in streams:
        poller.register(fd, select.POLLIN)
    try:
        pidfd = os.pidfd_open(proc.pid)
        poller.register(pidfd, select.POLLIN)
    except (AttributeError, OSError):
        pidfd = None  # a kernel before 5.3: look at the process between polls instead
    returncode = None
    grace_ends = None
    while streams:
        if grace_ends is not None:
            timeout = max(0, int((grace_ends - time.monotonic()) * 1000))
        else:
            timeout = None if pidfd is not None else 50
        for fd, _mask in poller.poll(timeout):
            if fd == pidfd:
                poller.unregister(pidfd)
                returncode = proc.wait()
            elif fd in streams:
                data = os.read(fd, 65536)
                if data:
                    run.add(streams[fd], data)
                else:
                    poller.unregister(fd)
                    del streams[fd]
        if returncode is None and pidfd is None:
            returncode = proc.poll()
        if returncode is None and run.has_pending():
            send(dict(id=run.id, event="output", **run.take()))
        if returncode is not None and grace_ends is None:
            grace_ends = time.monotonic() + PIPE_GRACE_SECONDS
        if grace_ends is not None and time.monotonic() >= grace_ends:
            break
    if returncode is None:
        returncode = proc.wait()
    if pidfd is not None:
        os.close(pidfd)
    proc.stdout.close()
    proc.stderr.close()
    with _runs_lock:
        _runs.pop(run.id, None)
    code, sig = returncode, None
    if returncode < 0:
        code = None
        try:
            sig = signal.Signals(-returncode).name
        except ValueError:
            sig = str(-returncode)
    send(dict(id=run.id, event="exit", code=code, signal=sig, **run.take()))


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


def start(request):
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
    # Checked here rather than left to Popen, so a bad directory and a missing program stay apart.
    if cwd is not None and not (os.path.isdir(cwd) and os.access(cwd, os.X_OK)):
        message = "working directory %s does not exist or is not accessible" % cwd
        return setup_failed(run_id, "chdir", cwd, message)
    env = dict(os.environ, **extra) if extra else None  # None: the agent's own, with no copy
    try:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        code = 127 if isinstance(error, FileNotFoundError) else 126
        return failed(run_id, code, "failed to execute %s: %s" % (argv[0], error.strerror or error))
    run = Run(run_id, proc)
    with _runs_lock:
        _runs[run_id] = run
    send(dict(id=run_id, event="started", pid=proc.pid))
    thread(watch, run)


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
        kill_group(run.proc.pid)  # start_new_session: the pid is the group's and session's id
    send(dict(id=run_id, event="killed"))


def serve():
    send(dict(event="ready", pid=os.getpid(), version=VERSION))
    for raw in sys.stdin.buffer:
        if not raw.strip():
            continue
        try:
            request = json.loads(raw)
            if not isinstance(request, dict):
                raise ValueError("a request is a JSON object")
        except ValueError as error:
            send(dict(id=None, event="error", message="bad request line: %s" % error))
            continue
        op = request.get("op")
        try:
            if op == "run":
                start(request)
            elif op == "kill":
                thread(kill, request)
            elif op == "ping":
                send(dict(id=request.get("id"), event="pong"))
            else:
                send(dict(id=request.get("id"), event="error", message="unknown op %r" % (op,)))
        except Exception as error:  # never die on one request
            send(dict(id=request.get("id"), event="error", message="%s: %s" % (type(error).__name__, error)))
    # stdin closed: the emulator went away. Leave nothing running behind it.
    with _runs_lock:
        groups = [run.proc.pid for run in _runs.values()]
    killers = [thread(kill_group, group) for group in groups]
    for killer in killers:
        killer.join()


if __name__ == "__main__":
    try:
        serve()
    except KeyboardInterrupt:
        pass
    os._exit(0)
