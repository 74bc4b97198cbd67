// A minimal client of Session Manager's data channel, written from the protocol notes
// (SESSION-MANAGER-PROTOCOL.md), behaving as the official plugin does: OpenDataChannelInput as the
// first TEXT frame, the handshake, acks for in-order and early output (duplicates ignored), its
// own input numbered from 0. For tests and the bench, it can also misbehave on purpose: drop one
// output frame (no ack, so the server must retransmit it), skip one ack, send its input out of
// order or twice (prepare() then sendFrame()).
import { randomUUID } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import WebSocket from 'ws';
import {
  MessageType,
  PayloadType,
  ackFor,
  decode,
  encode,
  parseAck,
  type ClientMessage,
} from '../../src/sessions/channel/codec.js';

export interface SessionStart {
  SessionId?: string;
  StreamUrl?: string;
  TokenValue?: string;
}

export interface SessionClientOptions {
  /** Answer the HandshakeRequest (default true); false behaves like a client that skips it. */
  handshake?: boolean;
  /** Ignore the first arrival of output with this sequence number (no ack: it must come again). */
  dropOutputSeq?: number;
  /** Receive output with this sequence number normally but send no ack for its first arrival. */
  skipAckSeq?: number;
  /** Check each frame's PayloadDigest, as the plugin does (default true; the bench turns it off). */
  verifyDigest?: boolean;
  /**
   * Keep every message (`messages`) and the output (`output()`) (default true). The bench turns it
   * off for a download: only `outputBytes` counts what came.
   */
  record?: boolean;
  /** Called with each in-order output payload (the bytes of a download, unchanged). */
  onOutput?: (bytes: Buffer) => void;
}

export interface ChannelClosed {
  SessionId: string;
  Output: string;
  MessageType: string;
}

export interface HandshakeRequest {
  AgentVersion: string;
  RequestedClientActions: Array<{
    ActionType: string;
    ActionParameters: { SessionType: string; Properties: unknown };
  }>;
}

export class SessionClient {
  socket!: WebSocket;
  /** The output so far (in-order PT1 output, decoded as UTF-8 across message boundaries). */
  private text = '';
  private readonly decoder = new StringDecoder('utf8');
  /** Bytes of in-order output so far. */
  outputBytes = 0;
  /** How many times each output sequence number arrived (a count above 1: retransmitted). */
  readonly arrivals = new Map<number, number>();
  /** Sequence numbers of our input that the server acknowledged (with repeats). */
  readonly inputAcks: number[] = [];
  readonly messages: ClientMessage[] = [];
  handshakeRequest: HandshakeRequest | undefined;
  handshakeComplete: Record<string, unknown> | undefined;
  /** Resolves with channel_closed's payload. */
  readonly closed: Promise<ChannelClosed>;
  /** Resolves when the server closes the socket (code). */
  socketClosed!: Promise<number>;
  readonly handshaken: Promise<void>;
  private expected = 0;
  private readonly early = new Map<number, ClientMessage>();
  private nextSeq = 0;
  private readonly unackedInput = new Map<number, Buffer>();
  private resolveClosed!: (closed: ChannelClosed) => void;
  private resolveHandshaken!: () => void;
  private listeners: Array<() => void> = [];

  private constructor(private readonly options: SessionClientOptions) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.handshaken = new Promise((resolve) => (this.resolveHandshaken = resolve));
  }

  /** Connects to StartSession's (or ResumeSession's) StreamUrl with its token. */
  static async open(start: SessionStart, options: SessionClientOptions = {}): Promise<SessionClient> {
    const client = new SessionClient(options);
    await client.connect(start);
    return client;
  }

  /** Opens a new socket (after ResumeSession) on the same channel: sequence numbers continue. */
  async connect(start: SessionStart): Promise<void> {
    if (!start.StreamUrl || !start.TokenValue) throw new Error('no StreamUrl or TokenValue');
    const socket = new WebSocket(start.StreamUrl);
    this.socket = socket;
    this.socketClosed = new Promise((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('message', (data, isBinary) => {
      if (isBinary && this.socket === socket) this.receive(data as Buffer);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => undefined);
    socket.send(
      JSON.stringify({
        MessageSchemaVersion: '1.0',
        RequestId: randomUUID(),
        TokenValue: start.TokenValue,
        ClientId: randomUUID(),
        ClientVersion: '1.2.677.0',
      }),
    );
    for (const frame of this.unackedInput.values()) socket.send(frame);
  }

  /** Drops the socket without a close frame, as a killed plugin does. */
  vanish(): void {
    this.socket.terminate();
  }

  output(): string {
    return this.text;
  }

  /** Waits until the output so far matches (real time; rejects after timeoutMs). */
  waitFor(match: RegExp | string, timeoutMs = 15_000, from = 0): Promise<string> {
    return this.until(
      () => {
        const text = this.output().slice(from);
        return (typeof match === 'string' ? text.includes(match) : match.test(text)) ? text : undefined;
      },
      timeoutMs,
      () => `output matching ${String(match)}; got ${JSON.stringify(this.output().slice(-500))}`,
    );
  }

  /** Resolves when `check` answers something other than undefined. */
  until<T>(
    check: () => T | undefined,
    timeoutMs = 15_000,
    what: string | (() => string) = 'a condition',
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        const value = check();
        if (value === undefined) return false;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(value);
        return true;
      };
      const listener = () => void done();
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`));
      }, timeoutMs);
      if (!done()) this.listeners.push(listener);
    });
  }

  /** Builds the next input_stream_data without sending it (send it with sendFrame, in any order). */
  prepare(
    payload: Buffer | string,
    payloadType: number = PayloadType.Output,
  ): { seq: number; frame: Buffer } {
    const seq = this.nextSeq++;
    const frame = encode({
      messageType: MessageType.input,
      sequenceNumber: seq,
      payloadType,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
    });
    this.unackedInput.set(seq, frame);
    return { seq, frame };
  }

  sendFrame(frame: Buffer): void {
    this.socket.send(frame);
  }

  /** Sends stdin bytes as the plugin does (PT1); "\n" alone becomes "\r". */
  send(text: Buffer | string, payloadType: number = PayloadType.Output): number {
    const { seq, frame } = this.prepare(text === '\n' ? '\r' : text, payloadType);
    this.sendFrame(frame);
    return seq;
  }

  /** Types a line as a terminal does (Enter is "\r"). */
  line(command: string): number {
    return this.send(`${command}\r`);
  }

  size(cols: number, rows: number): number {
    return this.send(JSON.stringify({ cols, rows }), PayloadType.Size);
  }

  flag(flag: number): number {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(flag, 0);
    return this.send(payload, PayloadType.Flag);
  }

  private receive(frame: Buffer): void {
    const decoded = decode(frame, { verifyDigest: this.options.verifyDigest !== false });
    if (!decoded.ok) throw new Error(`the server sent an invalid frame: ${decoded.reason}`);
    const message = decoded.message;
    if (this.options.record !== false) this.messages.push(message);
    if (message.messageType === MessageType.ack) {
      const ack = parseAck(message);
      if (ack) {
        this.inputAcks.push(ack.AcknowledgedMessageSequenceNumber);
        this.unackedInput.delete(ack.AcknowledgedMessageSequenceNumber);
      }
    } else if (message.messageType === MessageType.channelClosed) {
      this.resolveClosed(JSON.parse(message.payload.toString('utf8')) as ChannelClosed);
    } else if (message.messageType === MessageType.output) {
      this.receiveOutput(message);
    }
    for (const listener of [...this.listeners]) listener();
  }

  private receiveOutput(message: ClientMessage): void {
    const seq = message.sequenceNumber;
    const arrivals = (this.arrivals.get(seq) ?? 0) + 1;
    this.arrivals.set(seq, arrivals);
    if (seq === this.options.dropOutputSeq && arrivals === 1) return;
    if (seq < this.expected) return; // a duplicate: ignored, not acked (as the plugin does)
    if (!(seq === this.options.skipAckSeq && arrivals === 1)) this.socket.send(ackFor(message));
    if (seq > this.expected) {
      this.early.set(seq, message);
      return;
    }
    this.process(message);
    for (let next = this.early.get(this.expected); next; next = this.early.get(this.expected)) {
      this.early.delete(next.sequenceNumber);
      this.process(next);
    }
  }

  private process(message: ClientMessage): void {
    this.expected++;
    const text = () => message.payload.toString('utf8');
    switch (message.payloadType) {
      case PayloadType.HandshakeRequest:
        this.handshakeRequest = JSON.parse(text()) as HandshakeRequest;
        if (this.options.handshake !== false) {
          const response = {
            ClientVersion: '1.2.677.0',
            ProcessedClientActions: [
              { ActionType: 'SessionType', ActionStatus: 1, ActionResult: null, Error: '' },
            ],
            Errors: null,
          };
          this.send(JSON.stringify(response), PayloadType.HandshakeResponse);
        }
        break;
      case PayloadType.HandshakeComplete:
        this.handshakeComplete = JSON.parse(text()) as Record<string, unknown>;
        this.resolveHandshaken();
        break;
      default:
        this.outputBytes += message.payload.length;
        this.options.onOutput?.(message.payload);
        if (this.options.record !== false) this.text += this.decoder.write(message.payload);
    }
  }
}
