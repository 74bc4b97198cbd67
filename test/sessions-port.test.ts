// The port backend's relay without Docker: a fake DataChannel and local TCP servers, for the agent's
// basic-mode behaviour (eager connect, Flag 1 reconnects on the next data, Flag 2 ends, the target
// closing) and the session properties. The end-to-end suite is sessions-port-docker.test.ts.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ManagedInstance } from '../src/instances/api.js';
import type { DataChannel, LiveSession } from '../src/sessions/model.js';
import { tcpConnect } from '../src/sessions/port/dial.js';
import { portBackend } from '../src/sessions/port/index.js';
import { PortRelay, type Connector } from '../src/sessions/port/relay.js';
import type { Services } from '../src/core/capability.js';

class FakeChannel implements DataChannel {
  readonly session: LiveSession;
  sent: Buffer[] = [];
  closed: Array<string | undefined> = [];
  private inputListener: ((bytes: Buffer) => void) | undefined;
  private flagListener: ((flag: number) => void) | undefined;

  constructor(properties: Record<string, unknown> = {}) {
    this.session = {
      sessionId: 'user-0123456789abcdef0',
      accountId: '000000000000',
      region: 'us-east-1',
      target: 'i-0123456789abcdef0',
      documentName: 'AWS-StartPortForwardingSession',
      sessionType: 'Port',
      properties,
      owner: 'arn:aws:iam::000000000000:root',
      startDate: 0,
      status: 'Connected',
      token: 'token',
      idleTimeoutMinutes: 20,
    };
  }
  send(bytes: Buffer): void {
    this.sent.push(bytes);
  }
  writable(): Promise<void> {
    return Promise.resolve();
  }
  readonly unacknowledgedBytes = 0;
  acknowledgement(): Promise<void> {
    return Promise.resolve();
  }
  onInput(listener: (bytes: Buffer) => void): void {
    this.inputListener = listener;
  }
  onSize(): void {}
  onFlag(listener: (flag: number) => void): void {
    this.flagListener = listener;
  }
  close(output?: string): Promise<void> {
    this.closed.push(output);
    return Promise.resolve();
  }
  input(text: string): void {
    this.inputListener?.(Buffer.from(text));
  }
  flag(flag: number): void {
    this.flagListener?.(flag);
  }
  output(): string {
    return Buffer.concat(this.sent).toString();
  }
}

/** A channel whose window is closed until open() is called: writable() waits for it. */
class GatedChannel extends FakeChannel {
  private opened: Promise<void> | undefined;
  open!: () => void;
  closeWindow(): void {
    this.opened = new Promise((resolve) => (this.open = resolve));
  }
  override writable(): Promise<void> {
    return this.opened ?? Promise.resolve();
  }
}

/** A local TCP server that records its connections and what each received. */
class Target {
  private constructor(
    readonly server: Server,
    readonly port: number,
    readonly connections: Array<{ socket: Socket; received: string; closed: boolean }>,
  ) {}

  static async start(onConnection: (socket: Socket) => void = () => {}): Promise<Target> {
    const connections: Target['connections'] = [];
    const server = createServer((socket) => {
      const record = { socket, received: '', closed: false };
      connections.push(record);
      socket.on('data', (data) => (record.received += data.toString()));
      socket.on('close', () => (record.closed = true));
      socket.on('error', () => {});
      onConnection(socket);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new Target(server, (server.address() as { port: number }).port, connections);
  }

  connector(): Connector {
    return () => tcpConnect('127.0.0.1', this.port);
  }

  stop(): Promise<void> {
    for (const { socket } of this.connections) socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const echo = (socket: Socket) => socket.on('data', (data) => socket.write(data));

async function until(check: () => boolean, what: string, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const targets: Target[] = [];
async function target(onConnection?: (socket: Socket) => void): Promise<Target> {
  const started = await Target.start(onConnection);
  targets.push(started);
  return started;
}
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.stop()));
});

describe('port relay (basic mode)', () => {
  it('connects eagerly: a server-first banner is sent before any input', async () => {
    const server = await target((socket) => socket.write('SSH-2.0-OpenSSH_9.2\r\n'));
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    await until(() => channel.output().includes('SSH-2.0'), 'the banner');
    expect(server.connections).toHaveLength(1);
  });

  it('relays PT1 input to the target and its bytes back', async () => {
    const server = await target(echo);
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    channel.input('hello ');
    channel.input('world');
    await until(() => channel.output() === 'hello world', 'the echo');
    expect(channel.closed).toEqual([]);
  });

  it('keeps input that arrives while the connection is being made, in order', async () => {
    const server = await target(echo);
    const channel = new FakeChannel();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow: Connector = async () => {
      await gate;
      return tcpConnect('127.0.0.1', server.port);
    };
    const starting = new PortRelay(channel, slow, 'LocalPortForwarding').start();
    channel.input('a');
    channel.input('b');
    release();
    await starting;
    channel.input('c');
    await until(() => channel.output() === 'abc', 'abc');
  });

  it('Flag 1 closes the target connection; the next data opens a new one', async () => {
    const server = await target(echo);
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    channel.input('first');
    await until(() => channel.output() === 'first', 'the first echo');
    channel.flag(1);
    await until(() => server.connections[0]!.closed, 'the first connection to close');
    expect(server.connections).toHaveLength(1);
    channel.input('second');
    await until(() => channel.output() === 'firstsecond', 'the second echo');
    expect(server.connections).toHaveLength(2);
    expect(server.connections[1]!.received).toBe('second');
    expect(channel.closed).toEqual([]);
  });

  it('the target closing (LocalPortForwarding): reconnects on the next data, the session goes on', async () => {
    // An HTTP/1.0-style server: one answer, then it closes.
    const server = await target((socket) =>
      socket.once('data', (data) => socket.end(`reply to ${data.toString()}`)),
    );
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    channel.input('one');
    await until(() => server.connections[0]!.closed, 'the target to close');
    channel.input('two');
    await until(() => channel.output() === 'reply to onereply to two', 'both replies');
    expect(server.connections).toHaveLength(2);
    expect(channel.closed).toEqual([]);
  });

  it('several connections one after another in one session', async () => {
    const server = await target(echo);
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    for (let i = 0; i < 5; i++) {
      channel.input(`[${i}]`);
      await until(() => channel.output().endsWith(`[${i}]`), `echo ${i}`);
      channel.flag(1);
    }
    await until(() => server.connections.every((c) => c.closed), 'every connection to close');
    expect(server.connections.map((c) => c.received)).toEqual(['[0]', '[1]', '[2]', '[3]', '[4]']);
  });

  it('Flag 1 while a reconnection is being made closes it once its data is written', async () => {
    const server = await target();
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    channel.flag(1);
    await until(() => server.connections[0]!.closed, 'the first connection to close');
    channel.input('GET / HTTP/1.0\r\n\r\n');
    channel.flag(1);
    await until(() => server.connections[1]?.closed === true, 'the second connection to close');
    expect(server.connections[1]!.received).toBe('GET / HTTP/1.0\r\n\r\n');
  });

  it('Flag 2 ends the session and closes the target connection', async () => {
    const server = await target(echo);
    const channel = new FakeChannel();
    const relay = await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    channel.flag(2);
    expect(channel.closed).toEqual([undefined]);
    await until(() => server.connections[0]!.closed, 'the connection to close');
    channel.input('late');
    await relay.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections).toHaveLength(1);
  });

  it('StandardStreamForwarding (AWS-StartSSHSession): the target closing ends the session', async () => {
    const server = await target((socket) => socket.end('bye\n'));
    const channel = new FakeChannel();
    await new PortRelay(channel, server.connector(), 'StandardStreamForwarding').start();
    await until(() => channel.closed.length === 1, 'the session to end');
    expect(channel.output()).toBe('bye\n');
    expect(channel.closed).toEqual([undefined]);
  });

  it('a port nothing listens on ends the session with the agent message', async () => {
    const server = await target();
    const port = server.port;
    await server.stop();
    targets.length = 0;
    const channel = new FakeChannel();
    await new PortRelay(channel, () => tcpConnect('127.0.0.1', port), 'LocalPortForwarding').start();
    expect(channel.closed).toEqual([
      `Unable to connect to specified port: dial tcp 127.0.0.1:${port}: connect: connection refused`,
    ]);
  });

  it('reads no more from the target while the channel is not writable (flow control)', async () => {
    const block = Buffer.alloc(64 * 1024, 120);
    const server = await target((socket) => {
      const pump = () => {
        while (socket.write(block));
      };
      socket.on('drain', pump);
      pump();
    });
    const channel = new GatedChannel();
    channel.closeWindow();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    await until(() => channel.sent.length > 0, 'the first bytes');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const held = channel.sent.length;
    expect(held).toBe(1);
    channel.open();
    channel.closeWindow();
    await until(() => channel.sent.length === held + 1, 'one more read');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(channel.sent.length).toBe(held + 1);
  });

  it('a large download arrives whole and in order, in batches across pauses (direct connection)', async () => {
    // Reads are gathered into large batches (sent uncopied), and a read that follows a batch handed
    // out at the end of a turn of the event loop lands where it must.
    const data = randomBytes(24 * 1024 * 1024 + 12345);
    const server = await target((socket) => {
      let at = 0;
      const pump = () => {
        while (at < data.length) {
          const size = 1 + Math.floor(Math.random() * 300_000);
          const more = socket.write(data.subarray(at, at + size));
          at += size;
          if (!more) return;
          if (Math.random() < 0.2) return void setImmediate(pump);
        }
        socket.end();
      };
      socket.on('drain', pump);
      pump();
    });
    // A channel whose window closes now and then, for a moment.
    class SlowChannel extends FakeChannel {
      override writable(): Promise<void> {
        return Math.random() < 0.3
          ? new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)))
          : Promise.resolve();
      }
    }
    const channel = new SlowChannel();
    await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    await until(
      () => channel.sent.reduce((n, b) => n + b.length, 0) >= data.length,
      'the whole download',
      30_000,
    );
    const received = Buffer.concat(channel.sent);
    expect(received.length).toBe(data.length);
    expect(createHash('sha256').update(received).digest('hex')).toBe(
      createHash('sha256').update(data).digest('hex'),
    );
    expect(Math.max(...channel.sent.map((b) => b.length))).toBeGreaterThan(64 * 1024);
  });

  it('stop() closes the connection and ignores what comes after', async () => {
    const server = await target(echo);
    const channel = new FakeChannel();
    const relay = await new PortRelay(channel, server.connector(), 'LocalPortForwarding').start();
    await relay.stop();
    await until(() => server.connections[0]!.closed, 'the connection to close');
    channel.input('ignored');
    channel.flag(2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.connections).toHaveLength(1);
    expect(channel.closed).toEqual([]);
  });
});

describe('portBackend (session properties)', () => {
  const instance: ManagedInstance = {
    instanceId: 'i-0123456789abcdef0',
    containerId: 'c0ffee',
    name: 'web-1',
    platformType: 'Linux',
    online: true,
    tags: [],
  };
  const services = {} as Services;

  it('passes portNumber and host to the dialer; type LocalPortForwarding survives the target closing', async () => {
    const server = await target((socket) => socket.once('data', () => socket.end('ok')));
    const asked: Array<[string, number]> = [];
    const backend = portBackend({
      connector: (_instance, host, port) => {
        asked.push([host, port]);
        return Promise.resolve(() => tcpConnect('127.0.0.1', server.port));
      },
    });
    const channel = new FakeChannel({
      portNumber: '8080',
      host: 'db.internal',
      type: 'LocalPortForwarding',
      localPortNumber: '0',
    });
    await backend.start(services, channel, instance);
    expect(asked).toEqual([['db.internal', 8080]]);
    channel.input('x');
    await until(() => server.connections[0]!.closed, 'the target to close');
    expect(channel.closed).toEqual([]);
  });

  it('no type is StandardStreamForwarding; the host defaults to the instance', async () => {
    const server = await target((socket) => socket.end());
    const asked: string[] = [];
    const backend = portBackend({
      connector: (_instance, host) => {
        asked.push(host);
        return Promise.resolve(() => tcpConnect('127.0.0.1', server.port));
      },
    });
    const channel = new FakeChannel({ portNumber: ['22'] });
    await backend.start(services, channel, instance);
    await until(() => channel.closed.length === 1, 'the session to end');
    expect(asked).toEqual(['']);
  });

  it('a missing or bad portNumber ends the session with a message', async () => {
    const backend = portBackend({ connector: () => Promise.reject(new Error('not called')) });
    const empty = new FakeChannel({ type: 'LocalPortForwarding' });
    await backend.start(services, empty, instance);
    expect(empty.closed[0]).toMatch(/^Port number is empty in session properties/);
    const bad = new FakeChannel({ portNumber: '99999' });
    await backend.start(services, bad, instance);
    expect(bad.closed[0]).toMatch(/^Unable to connect to specified port: .*invalid port/);
  });
});
