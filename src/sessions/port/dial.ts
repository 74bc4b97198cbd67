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
import { isIP, Socket } from 'node:net';
import { Writable, type Duplex } from 'node:stream';
import type { Connector, TargetConnection } from './relay.js';

/** A direct connection that takes longer than this is taken for unroutable (then: the relay). */
const DIRECT_TIMEOUT_MS = 5000;

/** A TCP connection from the emulator; rejects with a message in the agent's (Go's) words. */
export function tcpConnect(
  host: string,
  port: number,
  timeoutMs = DIRECT_TIMEOUT_MS,
): Promise<TargetConnection> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const timer = setTimeout(() => {
      socket.destroy();
      reject(dialError(host, port, 'ETIMEDOUT', 'i/o timeout'));
    }, timeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(dialError(host, port, error.code, error.message));
    });
    socket.connect({ host, port, noDelay: true }, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socketConnection(socket));
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

function socketConnection(socket: Socket): TargetConnection {
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
  socket.on('close', () => end(failure));
  socket.on('end', () => socket.end());
  return {
    write: (bytes) => void socket.write(bytes),
    onData: (listener) => void socket.on('data', (bytes: Buffer) => closed || listener(bytes)),
    onEnd: (listener) => void (endListener = listener),
    close: () => {
      closed = true;
      socket.destroy();
    },
    pause: () => void socket.pause(),
    resume: () => void socket.resume(),
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
    const connection: TargetConnection = {
      write: (bytes) => void stream.write(bytes),
      onData: (listener) => void (dataListener = listener),
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
        if (!closed) dataListener?.(chunk);
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
