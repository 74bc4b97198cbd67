// One session's data channel: the reliable layer over whichever WebSocket is attached now (notes §5),
// the handshake (§6a) and the end of the session (§8). It outlives its socket: when the socket drops,
// the sequence numbers, the reorder buffer and the unacknowledged output stay, so the socket the
// client opens after ResumeSession carries on where the last one stopped.
import type { WebSocket } from 'ws';
import type { Services } from '../../core/capability.js';
import type { Timer } from '../../core/scheduler.js';
import type { ManagedInstance } from '../../instances/api.js';
import {
  AGENT_VERSION_FOR_SESSIONS,
  type DataChannel,
  type LiveSession,
  type RunningBackend,
  type SessionBackend,
  type SessionRegistry,
} from '../model.js';
import {
  Flag,
  MessageType,
  PayloadType,
  ackFor,
  channelClosed,
  decode,
  parseAck,
  parseSize,
  type ClientMessage,
} from './codec.js';
import { Outbox } from './outbox.js';

/** The agent's StreamDataPayloadSize: output is cut into messages of at most this many bytes. */
export const CHUNK_BYTES = 1024;
/**
 * A port session's largest output message. The plugin takes any size (gorilla/websocket without a
 * read limit; basic mode writes each payload to its local connection whole), and large messages
 * carry a download at several times the rate of 64 KiB ones: fewer digests set up, frames, acks and
 * wake-ups of the digest worker. (The agent's own are 1,024 bytes.) 2 MiB measured 4–25% faster
 * than 1 MiB in paired runs on two cores; 4 MiB no better.
 */
export const PORT_CHUNK_BYTES = 2 * 1024 * 1024;
/** How long the end of a session waits for the client to acknowledge the output (the agent's 2 s). */
const FLUSH_MS = 2000;
/** Early arrivals kept for reordering (the plugin's own limit), and their bytes at most. */
const REORDER_LIMIT = 10_000;
const REORDER_BYTES = 32 * 1024 * 1024;

type Phase = 'new' | 'handshaking' | 'starting' | 'running' | 'closing';

export interface ChannelDeps {
  services: Services;
  registry: SessionRegistry;
  backends: Record<string, SessionBackend>;
  /** The channel ended for good: the server forgets it. */
  onGone(channel: SessionChannel): void;
}

export class SessionChannel implements DataChannel {
  private socket: WebSocket | undefined;
  private phase: Phase = 'new';
  private readonly outbox = new Outbox(() => this.socket);
  private expectedIn = 0;
  private readonly early = new Map<number, ClientMessage>();
  private earlyBytes = 0;
  private readonly inputListeners: Array<(bytes: Buffer) => void> = [];
  private readonly sizeListeners: Array<(size: { cols: number; rows: number }) => void> = [];
  private readonly flagListeners: Array<(flag: number) => void> = [];
  /** Input that arrived before the backend registered its listeners. */
  private queued: ClientMessage[] = [];
  private replayScheduled = false;
  private instance: Promise<ManagedInstance | undefined> | undefined;
  private backend: RunningBackend | undefined;
  private handshakeSentAt = 0n;
  private idleTimer: Timer | undefined;
  private maxTimer: Timer | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    readonly session: LiveSession,
    private readonly deps: ChannelDeps,
  ) {}

  /** A client connected (first time, or again after ResumeSession) and proved its token. */
  attach(socket: WebSocket): void {
    const previous = this.socket;
    this.socket = socket;
    if (previous) previous.terminate();
    socket.on('message', (data, isBinary) => {
      if (this.socket === socket && isBinary) this.receive(data as Buffer);
    });
    socket.on('close', () => this.detached(socket));
    socket.on('error', () => undefined);
    this.deps.registry.setStatus(this.session.sessionId, 'Connected');
    if (this.phase === 'new') this.begin();
    else this.outbox.attached();
  }

  writable(): Promise<void> {
    return this.outbox.writable();
  }

  get unacknowledgedBytes(): number {
    return this.outbox.unacknowledgedBytes;
  }

  acknowledgement(): Promise<void> {
    return this.outbox.acknowledgement();
  }

  send(bytes: Buffer): void {
    // Shell output in the agent's 1,024-byte messages; a port session's in larger ones (the plugin
    // writes each payload to its socket whole), which carries a download at many times the rate.
    const chunk = this.session.sessionType === 'Port' ? PORT_CHUNK_BYTES : CHUNK_BYTES;
    for (let at = 0; at < bytes.length; at += chunk)
      this.outbox.push(PayloadType.Output, bytes.subarray(at, at + chunk));
  }

  onInput(listener: (bytes: Buffer) => void): void {
    this.inputListeners.push(listener);
    this.replayQueued();
  }

  onSize(listener: (size: { cols: number; rows: number }) => void): void {
    this.sizeListeners.push(listener);
    this.replayQueued();
  }

  onFlag(listener: (flag: number) => void): void {
    this.flagListeners.push(listener);
    this.replayQueued();
  }

  close(output = '', status: 'Terminated' | 'Failed' = 'Terminated'): Promise<void> {
    return this.end(output, status);
  }

  /**
   * Ends the session: stops the backend, waits for the output to be acknowledged (unless `flush` is
   * false), sends channel_closed, closes the socket and reports the end to the registry.
   */
  end(output: string, status: 'Terminated' | 'Failed', flush = true): Promise<void> {
    this.closing ??= this.finish(output, status, flush);
    return this.closing;
  }

  // ---- start ----

  private begin(): void {
    this.phase = 'handshaking';
    const { registry, services } = this.deps;
    this.instance = registry.instanceOf(this.session).catch(() => undefined);
    this.touch();
    const max = this.session.maxDurationMinutes;
    // Idle and maximum-duration limits are emulated time (services.scheduler), so that
    // POST /_ssm-local/clock fires them.
    if (max !== undefined && max > 0)
      this.maxTimer = services.scheduler.at(this.session.startDate + max * 60_000, () =>
        this.end(`Session terminated: maximum session duration (${max} minutes) reached.`, 'Terminated'),
      );
    const request = {
      AgentVersion: AGENT_VERSION_FOR_SESSIONS,
      RequestedClientActions: [
        {
          ActionType: 'SessionType',
          ActionParameters: {
            SessionType: this.session.sessionType,
            Properties: this.session.sessionType === 'Port' ? this.session.properties : null,
          },
        },
      ],
    };
    this.handshakeSentAt = process.hrtime.bigint();
    this.outbox.push(PayloadType.HandshakeRequest, Buffer.from(JSON.stringify(request)));
  }

  /** After the HandshakeResponse (or the first input of a client that skips the handshake). */
  private async startBackend(completeHandshake: boolean): Promise<void> {
    this.phase = 'starting';
    if (completeHandshake) {
      const complete = {
        HandshakeTimeToComplete: Number(process.hrtime.bigint() - this.handshakeSentAt),
        CustomerMessage: '',
      };
      this.outbox.push(PayloadType.HandshakeComplete, Buffer.from(JSON.stringify(complete)));
    }
    const instance = await this.instance;
    const backend = this.deps.backends[this.session.sessionType];
    if (this.closing) return;
    if (!instance || !instance.online || !backend) {
      const why = backend ? `${this.session.target} is not connected` : 'unsupported session type';
      await this.end(`Unable to start the session: ${why}.`, 'Failed');
      return;
    }
    try {
      const running = await backend.start(this.deps.services, this, instance);
      this.backend = running;
      if (this.closing) await running.stop().catch(() => undefined);
      else this.phase = 'running';
    } catch (error) {
      await this.end(`Unable to start the session: ${(error as Error).message}`, 'Failed');
    }
  }

  // ---- receiving ----

  private receive(frame: Buffer): void {
    const decoded = decode(frame, { verifyDigest: false });
    if (!decoded.ok) return; // dropped without an ack, as the plugin does
    const message = decoded.message;
    if (message.messageType === MessageType.ack) {
      const ack = parseAck(message);
      if (ack) this.outbox.acknowledged(ack.AcknowledgedMessageSequenceNumber);
      return;
    }
    if (message.messageType !== MessageType.input) return;
    const seq = message.sequenceNumber;
    if (seq > this.expectedIn && !this.early.has(seq)) {
      // Kept for reordering while there is room; else dropped unacknowledged, as the plugin does
      // with a full buffer: the client sends it again.
      const bytes = message.payload.length;
      if (this.early.size >= REORDER_LIMIT || this.earlyBytes + bytes > REORDER_BYTES) return;
      this.early.set(seq, message);
      this.earlyBytes += bytes;
    }
    this.socket?.send(ackFor(message));
    if (seq !== this.expectedIn) return; // a duplicate (acked again, not delivered again), or early
    this.inOrder(message);
    for (let next = this.early.get(this.expectedIn); next; next = this.early.get(this.expectedIn)) {
      this.early.delete(next.sequenceNumber);
      this.earlyBytes -= next.payload.length;
      this.inOrder(next);
    }
  }

  private inOrder(message: ClientMessage): void {
    this.expectedIn++;
    if (this.closing) return;
    this.touch();
    if (this.phase === 'handshaking') {
      if (message.payloadType === PayloadType.HandshakeResponse) {
        void this.startBackend(true);
        return;
      }
      // A client that never answers the handshake (the ssm-session package; the agent itself skips
      // it for Standard_Stream): start at its first input. Port needs the handshake's Properties.
      if (this.session.sessionType === 'Port') return;
      void this.startBackend(false);
    }
    if (message.payloadType === PayloadType.HandshakeResponse) return;
    this.queued.push(message);
    this.replayQueued();
  }

  /**
   * Hands queued input to the backend's listeners once it has some: on a microtask, so that every
   * listener the backend registers in one go (input, size, flag) sees its messages.
   */
  private replayQueued(): void {
    if (this.inputListeners.length + this.sizeListeners.length + this.flagListeners.length === 0) return;
    if (this.replayScheduled) return;
    this.replayScheduled = true;
    queueMicrotask(() => {
      this.replayScheduled = false;
      const queued = this.queued;
      this.queued = [];
      for (const message of queued) this.dispatch(message);
    });
  }

  private dispatch(message: ClientMessage): void {
    switch (message.payloadType) {
      case PayloadType.Output:
        for (const listener of this.inputListeners) listener(message.payload);
        break;
      case PayloadType.Size: {
        const size = parseSize(message.payload);
        if (size) for (const listener of this.sizeListeners) listener(size);
        break;
      }
      case PayloadType.Flag: {
        if (message.payload.length < 4) break;
        const flag = message.payload.readUInt32BE(0);
        for (const listener of this.flagListeners) listener(flag);
        if (flag === Flag.TerminateSession) void this.end('', 'Terminated');
        break;
      }
    }
  }

  /** Input arrived: the idle timeout starts again (emulated time, services.scheduler). */
  private touch(): void {
    const { scheduler } = this.deps.services;
    scheduler.cancel(this.idleTimer);
    const minutes = this.session.idleTimeoutMinutes;
    if (!(minutes > 0)) return;
    this.idleTimer = scheduler.after(minutes * 60_000, () =>
      this.end(`Session terminated: idle for ${minutes} minutes.`, 'Terminated'),
    );
  }

  private detached(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.outbox.detached();
    if (!this.closing) this.deps.registry.setStatus(this.session.sessionId, 'Disconnected');
  }

  // ---- end ----

  private async finish(output: string, status: 'Terminated' | 'Failed', flush: boolean): Promise<void> {
    this.phase = 'closing';
    const { scheduler } = this.deps.services;
    scheduler.cancel(this.idleTimer);
    scheduler.cancel(this.maxTimer);
    await this.backend?.stop().catch(() => undefined);
    // Real time: it waits for the client's acks.
    if (flush) await this.outbox.drained(FLUSH_MS);
    this.outbox.stop();
    const socket = this.socket;
    this.socket = undefined;
    if (socket && socket.readyState === socket.OPEN) {
      const frame = channelClosed(this.session.sessionId, this.session.target, output);
      await new Promise<void>((resolve) => socket.send(frame, () => resolve()));
      socket.close(1000);
    }
    this.deps.registry.ended(this.session.sessionId, status);
    this.deps.onGone(this);
  }
}
