// How the emulator reaches a port "on the instance": the agent dials localhost:<port> (or the
// remote host) from inside the machine; the emulator is outside the container, so it
// - dials the container's IP on its Docker network directly when it can (the fast path: a plain TCP
//   socket, no engine in between; Linux engines route the bridge networks to the host and to a
//   containerised emulator on the same network);
// - otherwise relays through the container: a `docker exec` of a small python3 relay (python3 is in
//   every instance image: the in-instance agent needs it) that connects from inside, so the
//   container's own view holds: its loopback (a server bound to 127.0.0.1 only, which the direct
//   path answers with "connection refused"), its DNS and its routes. That is used for a refused
//   direct connection, for a container IP the emulator cannot route to (Docker Desktop, a remote
//   engine: remembered per container after the first timeout), and for a remote host given by name.
// A remote host given as an IP address is dialed directly first, then through the container.
import type Docker from 'dockerode';
import { connect, isIP, type Socket } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import { PORT_CHUNK_BYTES } from '../channel/channel.js';
import { allocPayload } from '../channel/codec.js';
import { releasePayload } from '../channel/payloads.js';
import type { Connector, TargetConnection } from './relay.js';

/** A direct connection that takes longer than this is taken for unroutable (then: the relay). */
const DIRECT_TIMEOUT_MS = 5000;

/**
 * A direct connection's reads are gathered (up to a port session's largest message) for as long as
 * the socket has more to give in one turn of the event loop: a download becomes a few large data
 * channel messages rather than many of 64 KiB (the socket's usual reads), each with its own digest,
 * frame and ack. Interactive traffic loses nothing: what a turn of the loop read goes out at its end.
 */
export const READ_BATCH_BYTES = PORT_CHUNK_BYTES;
/** A batch smaller than this is copied out, and the batch buffer used again. */
const SMALL_BATCH_BYTES = 64 * 1024;

/** A TCP connection from the emulator; rejects with a message in the agent's (Go's) words. */
export function tcpConnect(
  host: string,
  port: number,
  timeoutMs = DIRECT_TIMEOUT_MS,
): Promise<TargetConnection> {
  return new Promise((resolve, reject) => {
    const reader = new BatchReader();
    // net.connect, not new Socket().connect(): onread counts only when the socket is made with it.
    const socket = connect({ host, port, noDelay: true, onread: reader.onread }, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socketConnection(socket, reader));
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(dialError(host, port, 'ETIMEDOUT', 'i/o timeout'));
    }, timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(dialError(host, port, error.code, error.message));
    });
  });
}

class DialError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

function dialError(host: string, port: number, code: string | undefined, detail: string): DialError {
  const words: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ETIMEDOUT: 'i/o timeout',
  };
  const address = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  return new DialError(`dial tcp ${address}: ${(code && words[code]) ?? detail}`, code);
}

/**
 * Reads a socket straight into a large buffer (net's `onread`) and hands out what a turn of the event
 * loop read, at its end (setImmediate) or when the buffer is full. A buffer handed out is never written
 * again (listeners may keep it).
 *
 * net asks for the next read's buffer right after each read, so a read that follows a flush at the end
 * of the turn lands where the buffer then ended: the callback finds the data where net says it put it
 * (its second argument) and moves it to the batch when it is not already there.
 */
class BatchReader {
  private buffer: Buffer | undefined;
  private filled = 0;
  /** Full batches read while nobody listened (the socket paused after the first). */
  private backlog: Buffer[] = [];
  private flushScheduled = false;
  private listener: ((bytes: Buffer) => void) | undefined;
  paused = false;
  private flushing = false;

  readonly onread = {
    buffer: (): Uint8Array => this.space(),
    callback: (bytes: number, into: Uint8Array): boolean => {
      const space = this.space();
      if (into.buffer !== space.buffer || into.byteOffset !== space.byteOffset) {
        // Read into the space given before a flush: moved to where the batch goes on now.
        Buffer.from(into.buffer, into.byteOffset, bytes).copy(space);
      }
      this.filled += bytes;
      if (this.filled >= READ_BATCH_BYTES) {
        this.flush();
        if (this.filled > 0) {
          // Full, with no listener yet: kept aside; the socket stops reading until onData().
          this.backlog.push(this.buffer!.subarray(0, this.filled));
          this.buffer = undefined;
          this.filled = 0;
          return false;
        }
      } else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
      // false pauses the socket (a listener asked for it while the batch was handed out).
      return !this.paused;
    },
  };

  /** Where the next bytes of the batch go. */
  private space(): Buffer {
    // Room for the data channel's frame header before it: a large batch is sent uncopied.
    this.buffer ??= allocPayload(READ_BATCH_BYTES);
    return this.buffer.subarray(this.filled);
  }

  onData(listener: (bytes: Buffer) => void): void {
    this.listener = listener;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** The connection is over: the memory not handed out goes back. */
  dispose(): void {
    if (this.buffer) releasePayload(this.buffer);
    for (const bytes of this.backlog) releasePayload(bytes);
    this.buffer = undefined;
    this.backlog = [];
    this.filled = 0;
  }

  /** Hands out what was read (nothing when there is no listener yet: it waits). */
  flush(): void {
    if (!this.listener || this.flushing) return;
    const batches = this.backlog;
    this.backlog = [];
    const buffer = this.buffer;
    if (buffer && this.filled > 0) {
      if (this.filled < SMALL_BATCH_BYTES) {
        batches.push(Buffer.from(buffer.subarray(0, this.filled)));
      } else {
        batches.push(buffer.subarray(0, this.filled));
        this.buffer = undefined;
      }
      this.filled = 0;
    }
    this.flushing = true;
    try {
      for (const bytes of batches) this.listener(bytes);
    } finally {
      this.flushing = false;
    }
  }
}

function socketConnection(socket: Socket, reader: BatchReader): TargetConnection {
  let closed = false;
  let ended = false;
  let endListener: ((error?: Error) => void) | undefined;
  let failure: Error | undefined;
  const end = (error?: Error) => {
    if (closed || ended) return;
    ended = true;
    endListener?.(error);
  };
  socket.on('error', (error) => {
    failure = error;
  });
  // What was read before the end of stream is handed out before the end is reported.
  socket.on('close', () => {
    reader.flush();
    reader.dispose();
    end(failure);
  });
  socket.on('end', () => {
    reader.flush();
    socket.end();
  });
  return {
    write: (bytes) => void socket.write(bytes),
    onData: (listener) => {
      reader.onData((bytes) => (closed ? releasePayload(bytes) : listener(bytes)));
      reader.flush();
      if (!reader.paused) socket.resume();
    },
    onEnd: (listener) => void (endListener = listener),
    close: () => {
      closed = true;
      socket.destroy();
    },
    pause: () => {
      reader.pause();
      socket.pause();
    },
    resume: () => {
      reader.resume();
      socket.resume();
    },
  };
}

// The in-container relay: connects, says `connected` (or `error <reason>`) on stderr, then copies
// stdin to the socket and the socket to stdout; either side ending ends it (basic mode has no
// half-close to carry).
const RELAY_PY = `
import os, socket, sys, threading
host, port = sys.argv[1], int(sys.argv[2])
try:
    conn = socket.create_connection((host, port), timeout=10)
except socket.gaierror:
    sys.stderr.write('lookup\\n'); sys.exit(2)
except OSError as error:
    sys.stderr.write('error %s\\n' % (error.strerror or error)); sys.exit(1)
conn.settimeout(None)
conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
sys.stderr.write('connected\\n'); sys.stderr.flush()
def upstream():
    try:
        while True:
            data = os.read(0, 65536)
            if not data: break
            conn.sendall(data)
    except OSError: pass
    os._exit(0)
threading.Thread(target=upstream, daemon=True).start()
try:
    while True:
        data = conn.recv(65536)
        if not data: break
        view = memoryview(data)
        while view: view = view[os.write(1, view):]
except OSError: pass
os._exit(0)
`;
const RELAY_SH =
  'command -v python3 >/dev/null 2>&1 || { echo "error the instance has no python3 for the port relay" >&2; exit 1; }; exec python3 -c "$SSM_LOCAL_PORT_RELAY" "$@"';

/** A connection made from inside the container by the relay above. */
export async function relayConnect(
  docker: Docker,
  containerId: string,
  host: string,
  port: number,
): Promise<TargetConnection> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['/bin/sh', '-c', RELAY_SH, 'ssm-local-port-relay', host, String(port)],
    Env: [`SSM_LOCAL_PORT_RELAY=${RELAY_PY}`],
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  });
  const stream = (await exec.start({ hijack: true, stdin: true })) as Duplex;
  (stream as Partial<Socket>).setNoDelay?.(true);
  return new Promise((resolve, reject) => {
    let connected = false;
    let closed = false;
    let ended = false;
    let said = '';
    let dataListener: ((bytes: Buffer) => void) | undefined;
    let endListener: ((error?: Error) => void) | undefined;
    const sink = (handle: (chunk: Buffer) => void) =>
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          handle(chunk);
          done();
        },
      });
    // The target's first bytes can come in the same read as `connected` (a server-first protocol),
    // before anyone listens: kept until onData().
    let early: Buffer[] = [];
    const connection: TargetConnection = {
      write: (bytes) => void stream.write(bytes),
      onData: (listener) => {
        dataListener = listener;
        const waiting = early;
        early = [];
        for (const chunk of waiting) if (!closed) listener(chunk);
      },
      onEnd: (listener) => void (endListener = listener),
      close: () => {
        closed = true;
        stream.destroy();
      },
      pause: () => void stream.pause(),
      resume: () => void stream.resume(),
    };
    docker.modem.demuxStream(
      stream,
      sink((chunk) => {
        if (closed) return;
        if (dataListener) dataListener(chunk);
        else early.push(chunk);
      }),
      sink((chunk) => {
        said += chunk.toString();
        if (!connected && said.includes('connected\n')) {
          connected = true;
          resolve(connection);
        }
      }),
    );
    const end = () => {
      if (ended) return;
      ended = true;
      if (!connected) {
        const line = said.trim().split('\n').pop() ?? '';
        if (line === 'lookup') reject(new DialError(`lookup ${host}: no such host`, 'ENOTFOUND'));
        else
          reject(dialError(host, port, undefined, `connect: ${line.replace(/^error /, '').toLowerCase()}`));
      } else if (!closed) endListener?.();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  });
}

const LOOPBACK = new Set(['', 'localhost', '127.0.0.1', '::1']);

/** Connectors to ports of containers, remembering which containers' IPs the emulator cannot route to. */
export class ContainerDialer {
  private readonly unroutable = new Set<string>();

  constructor(private readonly docker: () => Docker) {}

  /** A connector to `host:port` as the instance in `containerId` sees it (host '' is the instance). */
  async connector(containerId: string, host: string, port: number): Promise<Connector> {
    const docker = this.docker();
    const relay = (to: string) => () => relayConnect(docker, containerId, to, port);
    const ip = ipAddressOfContainer(await docker.getContainer(containerId).inspect());
    if (LOOPBACK.has(host) || host === ip) {
      if (!ip) return relay('127.0.0.1');
      return this.directFirst(containerId, ip, port, relay('127.0.0.1'));
    }
    return isIP(host) ? this.directFirst(host, host, port, relay(host)) : relay(host);
  }

  /** `route`: what a timeout marks unroutable (the container, or the remote address). */
  private directFirst(route: string, ip: string, port: number, relay: Connector): Connector {
    return async () => {
      if (this.unroutable.has(route)) return relay();
      try {
        return await tcpConnect(ip, port);
      } catch (error) {
        const code = error instanceof DialError ? error.code : undefined;
        if (code !== 'ECONNREFUSED') this.unroutable.add(route);
        return relay();
      }
    };
  }
}

/** The container's address on its (first) Docker network; undefined with no network. */
function ipAddressOfContainer(info: Docker.ContainerInspectInfo): string | undefined {
  for (const network of Object.values(info.NetworkSettings.Networks ?? {})) {
    if (network.IPAddress) return network.IPAddress;
  }
  return undefined;
}
