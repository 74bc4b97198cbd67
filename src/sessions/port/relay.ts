// The port session's relay, as the SSM Agent's basic port plugin behaves
// (agent/session/plugins/port/port_basic.go): one target connection at a time, made eagerly once the
// handshake is done (server-first protocols: SSH banners, MySQL greetings), client PT1 bytes written
// to it and its bytes sent back as PT1. It knows nothing of Docker: `connect` makes a connection.
//
// - Flag 1 (DisconnectToPort, the user's local connection closed) closes the target connection; the
//   next PT1 data opens a new one (so one session carries several connections one after another).
// - Flag 2 (TerminateSession, Ctrl-C in the plugin) ends the session.
// - The target closing its side: in LocalPortForwarding the connection is dropped and remade on the
//   next PT1 data; in StandardStreamForwarding (AWS-StartSSHSession: no `type`) the session ends.
// - A connection that cannot be made (at the start or on a reconnect) ends the session, with the
//   agent's "Unable to connect to specified port: ..." as channel_closed's Output.
import type { DataChannel, RunningBackend } from '../model.js';
import { releasePayload } from '../channel/payloads.js';
import { Coalescer } from './coalescer.js';

/** One connection to the target port, however it is carried (a TCP socket, an in-container relay). */
export interface TargetConnection {
  write(bytes: Buffer): void;
  /** Bytes from the target, in order. */
  onData(listener: (bytes: Buffer) => void): void;
  /** Called once when the connection ends: its end of stream, or `error` when it failed. */
  onEnd(listener: (error?: Error) => void): void;
  /** Closes it; no data and no end are reported afterwards. */
  close(): void;
  /** Stops reading from the target (flow control), until resume(). */
  pause(): void;
  resume(): void;
}

/** Makes one connection to the target; rejects (with the dialer's message) when it cannot. */
export type Connector = () => Promise<TargetConnection>;

/** LocalPortForwarding (basic mode) or StandardStreamForwarding (no `type`: SSH's ProxyCommand). */
export type ForwardingMode = 'LocalPortForwarding' | 'StandardStreamForwarding';

export const FLAG_DISCONNECT_TO_PORT = 1;
export const FLAG_TERMINATE_SESSION = 2;

export class PortRelay implements RunningBackend {
  private connection: TargetConnection | undefined;
  /** Gathers the current connection's small chunks while a download awaits acks (coalescer.ts). */
  private coalescer: Coalescer | undefined;
  /** A connection being made; input arriving meanwhile waits in `pending`. */
  private connecting: Promise<void> | undefined;
  private pending: Buffer[] = [];
  /** Flag 1 came while a connection was being made: close it once its input is written. */
  private dropWhenConnected = false;
  private stopped = false;

  constructor(
    private readonly channel: DataChannel,
    private readonly connect: Connector,
    private readonly mode: ForwardingMode,
  ) {}

  /**
   * Connects (eagerly, as the agent does) and starts relaying. When the first connection fails the
   * session is closed with the agent's message; the relay is answered either way.
   */
  async start(): Promise<this> {
    this.channel.onInput((bytes) => this.input(bytes));
    this.channel.onFlag((flag) => this.flag(flag));
    await this.open();
    return this;
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.pending = [];
    this.drop();
    return Promise.resolve();
  }

  private input(bytes: Buffer): void {
    if (this.stopped) return;
    if (this.connection) {
      this.connection.write(bytes);
      return;
    }
    // Between connections (after Flag 1 or the target closing): the next data reconnects.
    this.pending.push(bytes);
    void this.open();
  }

  private flag(flag: number): void {
    if (this.stopped) return;
    if (flag === FLAG_TERMINATE_SESSION) {
      this.finish();
    } else if (flag === FLAG_DISCONNECT_TO_PORT) {
      // The agent closes the connection; in StandardStreamForwarding its read then fails and the
      // session ends (the plugin never sends this flag in that mode).
      if (this.mode === 'StandardStreamForwarding') this.finish();
      else if (this.connecting) this.dropWhenConnected = true;
      else this.drop();
    }
  }

  /** Opens a connection unless one is open or being made; flushes the input that waited for it. */
  private open(): Promise<void> {
    if (this.connection || this.stopped) return Promise.resolve();
    this.connecting ??= this.connect()
      .then(
        (connection) => {
          if (this.stopped) {
            connection.close();
            return;
          }
          this.attach(connection);
          const waiting = this.pending;
          this.pending = [];
          for (const bytes of waiting) connection.write(bytes);
          if (this.dropWhenConnected) this.drop();
        },
        (error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          this.finish(`Unable to connect to specified port: ${message}`, 'Failed');
        },
      )
      .finally(() => {
        this.connecting = undefined;
        this.dropWhenConnected = false;
      });
    return this.connecting;
  }

  private attach(connection: TargetConnection): void {
    this.connection = connection;
    const coalescer = new Coalescer(this.channel);
    this.coalescer = coalescer;
    connection.onData((bytes) => {
      if (this.connection !== connection) return releasePayload(bytes);
      coalescer.push(bytes);
      // Read no more until the client has acknowledged enough (when the channel says so).
      const writable = this.channel.writable();
      connection.pause();
      void writable.then(() => connection.resume());
    });
    connection.onEnd(() => {
      if (this.connection !== connection) return;
      coalescer.flush();
      this.connection = undefined;
      if (this.mode === 'StandardStreamForwarding') this.finish();
      // LocalPortForwarding: reconnect on the next PT1 data (the plugin's user sees nothing: basic
      // mode has no way to tell it, and its local connection stays open).
    });
  }

  /** Closes the current connection, if any (it reports nothing more; what it sent goes out). */
  private drop(): void {
    const connection = this.connection;
    this.coalescer?.flush();
    this.coalescer = undefined;
    this.connection = undefined;
    connection?.close();
  }

  /** Ends the session: the connection closed, channel_closed sent. */
  private finish(output?: string, status: 'Terminated' | 'Failed' = 'Terminated'): void {
    if (this.stopped) return;
    void this.stop();
    void this.channel.close(output, status);
  }
}
