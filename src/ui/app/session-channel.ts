// Session Manager's data channel, spoken from the browser (the console's shell page): the same
// protocol the official session-manager-plugin speaks (/work/shared/SESSION-MANAGER-PROTOCOL.md;
// the server is src/sessions/channel/, our Node client test/support/session-client.ts).
//
//   const channel = new DataChannel({ streamUrl, token, onOutput, onClosed, onReady });
//   await channel.open();          // OpenDataChannelInput (a TEXT frame) with the session's token
//   channel.input('ls\r');         // input_stream_data, PayloadType 1 (keystrokes)
//   channel.resize(120, 40);       // input_stream_data, PayloadType 3 ({"cols":120,"rows":40})
//
// Every later frame is a binary ClientMessage (big-endian, a 116-byte header length, the message type
// space-padded to 32 bytes, the message id a UUID with its two halves swapped, a SHA-256 digest of
// the payload, the payload from byte 120). As the plugin does: the handshake is answered (the shell
// session types are accepted, anything else is Unsupported), each in-order or early output message
// is acknowledged, early ones are kept until their turn, duplicates are ignored; output whose digest
// does not match is dropped unacknowledged (the server sends it again). Our input is numbered from 0
// and kept until acknowledged; one that waits too long is sent again.
//
// SHA-256 is @noble/hashes' synchronous one, not crypto.subtle: subtle is async (it would reorder
// the framing of keystrokes) and missing outside secure contexts (a console opened at http://<a LAN
// address>:4583). UUIDs come from crypto.getRandomValues for the same reason.
import { sha256 } from '@noble/hashes/sha2.js';

import { HEADER_LENGTH, MessageType, PAYLOAD_OFFSET, PayloadType } from '../../sessions/channel/wire.js';

/** The session types the plugin runs as a shell (notes §6a). */
const SHELL_TYPES = new Set(['Standard_Stream', 'InteractiveCommands', 'NonInteractiveCommands']);
/** The retransmission check of the plugin (every 100 ms, the oldest message older than 1 s here). */
const RESEND_CHECK_MS = 250;
const RESEND_AFTER_MS = 1000;
const CLIENT_VERSION = '1.2.677.0';

export interface ClientMessage {
  messageType: string;
  schemaVersion: number;
  createdDate: number;
  sequenceNumber: number;
  flags: number;
  messageId: string;
  payloadType: number;
  payload: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A random (version 4) UUID, lower-case and hyphenated. */
export function uuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function hexBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

/** The 16 bytes of a UUID as the plugin writes them: the least-significant half first. */
function uuidToWire(id: string): Uint8Array {
  const bytes = hexBytes(id.replace(/-/g, ''));
  if (bytes.length !== 16) throw new Error(`not a UUID: ${id}`);
  const wire = new Uint8Array(16);
  wire.set(bytes.subarray(8, 16), 0);
  wire.set(bytes.subarray(0, 8), 8);
  return wire;
}

function uuidFromWire(wire: Uint8Array): string {
  const hex = [...wire.subarray(8, 16), ...wire.subarray(0, 8)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function encode(
  init: Partial<ClientMessage> & Pick<ClientMessage, 'messageType'>,
): Uint8Array<ArrayBuffer> {
  const payload = init.payload ?? new Uint8Array(0);
  const frame = new Uint8Array(PAYLOAD_OFFSET + payload.length);
  const view = new DataView(frame.buffer);
  view.setUint32(0, HEADER_LENGTH);
  const type = encoder.encode(init.messageType);
  if (type.length > 32) throw new Error(`message type too long: ${init.messageType}`);
  frame.fill(0x20, 4, 36);
  frame.set(type, 4);
  view.setUint32(36, init.schemaVersion ?? 1);
  view.setBigUint64(40, BigInt(init.createdDate ?? Date.now()));
  view.setBigInt64(48, BigInt(init.sequenceNumber ?? 0));
  view.setBigUint64(56, BigInt(init.flags ?? 0));
  frame.set(uuidToWire(init.messageId ?? uuid()), 64);
  frame.set(sha256(payload), 80);
  view.setUint32(112, init.payloadType ?? 0);
  view.setUint32(116, payload.length);
  frame.set(payload, PAYLOAD_OFFSET);
  return frame;
}

/** Reads a frame with the plugin's checks (notes §3); undefined for one it would drop. */
export function decode(frame: Uint8Array): ClientMessage | undefined {
  if (frame.length < PAYLOAD_OFFSET) return undefined;
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const headerLength = view.getUint32(0);
  const messageType = decoder.decode(frame.subarray(4, 36)).replace(/^[\s\0]+|[\s\0]+$/g, '');
  const message: ClientMessage = {
    messageType,
    schemaVersion: view.getUint32(36),
    createdDate: Number(view.getBigUint64(40)),
    sequenceNumber: Number(view.getBigInt64(48)),
    flags: Number(view.getBigUint64(56)),
    messageId: uuidFromWire(frame.subarray(64, 80)),
    payloadType: view.getUint32(112),
    payload: frame.subarray(Math.min(headerLength + 4, frame.length)),
  };
  if (messageType === MessageType.startPublication || messageType === MessageType.pausePublication)
    return message;
  if (headerLength === 0 || !messageType || message.createdDate === 0) return undefined;
  if (view.getUint32(116) !== 0 && !equalBytes(frame.subarray(80, 112), sha256(message.payload)))
    return undefined;
  return message;
}

/** The acknowledgement of one stream message (notes §5). */
export function ackFor(acked: ClientMessage): Uint8Array<ArrayBuffer> {
  return encode({
    messageType: MessageType.ack,
    sequenceNumber: 0,
    flags: 3,
    payloadType: 0,
    payload: encoder.encode(
      JSON.stringify({
        AcknowledgedMessageType: acked.messageType,
        AcknowledgedMessageId: acked.messageId,
        AcknowledgedMessageSequenceNumber: acked.sequenceNumber,
        IsSequentialMessage: true,
      }),
    ),
  });
}

export type ChannelState = 'connecting' | 'handshaking' | 'ready' | 'closed';

export interface DataChannelOptions {
  /** StartSession's StreamUrl. */
  streamUrl: string;
  /** StartSession's TokenValue. */
  token: string;
  /** Output bytes, in order (shell output, PayloadType 1, 11). */
  onOutput(bytes: Uint8Array): void;
  /** The session ended: channel_closed's Output (may be empty), or why the socket went. */
  onClosed(reason: string): void;
  onState?(state: ChannelState): void;
}

interface Pending {
  frame: Uint8Array<ArrayBuffer>;
  sentAt: number;
}

/** One session's data channel over one WebSocket. */
export class DataChannel {
  private socket: WebSocket | undefined;
  private state: ChannelState = 'connecting';
  private expected = 0;
  private readonly early = new Map<number, ClientMessage>();
  private nextSeq = 0;
  private readonly unacked = new Map<number, Pending>();
  private resendTimer: ReturnType<typeof setInterval> | undefined;
  private lastSize: { cols: number; rows: number } | undefined;
  private closedReported = false;

  constructor(private readonly options: DataChannelOptions) {}

  /** The WebSocket URL: StreamUrl's path on the host the console came from (the emulator's). */
  static socketUrl(streamUrl: string, here: Location = location): string {
    const url = new URL(streamUrl, here.href);
    url.protocol = here.protocol === 'https:' ? 'wss:' : 'ws:';
    url.host = here.host;
    return url.toString();
  }

  /** Opens the socket and sends OpenDataChannelInput; resolves once it is sent. */
  open(): Promise<void> {
    const socket = new WebSocket(DataChannel.socketUrl(this.options.streamUrl));
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) this.receive(new Uint8Array(event.data));
    };
    socket.onclose = (event: CloseEvent) => {
      this.stopResending();
      this.setState('closed');
      this.reportClosed(event.reason ? `the connection closed: ${event.reason}` : '');
    };
    this.resendTimer = setInterval(() => this.resendOldest(), RESEND_CHECK_MS);
    return new Promise((resolve, reject) => {
      socket.onopen = () => {
        socket.send(
          JSON.stringify({
            MessageSchemaVersion: '1.0',
            RequestId: uuid(),
            TokenValue: this.options.token,
            ClientId: uuid(),
            ClientVersion: CLIENT_VERSION,
          }),
        );
        this.setState('handshaking');
        resolve();
      };
      socket.onerror = () => reject(new Error('The data channel could not be opened.'));
    });
  }

  /** Keystrokes (or pasted text): input_stream_data, PayloadType 1. */
  input(text: string): void {
    this.sendStream(PayloadType.Output, encoder.encode(text));
  }

  /** The terminal's size: sent once ready, and again only when it changes (as the plugin does). */
  resize(cols: number, rows: number): void {
    if (this.lastSize?.cols === cols && this.lastSize.rows === rows) return;
    this.lastSize = { cols, rows };
    if (this.state === 'ready') this.sendSize();
  }

  /** Closes the socket (the session stays until TerminateSession or its idle timeout, as on AWS). */
  close(): void {
    this.stopResending();
    this.socket?.close();
  }

  get current(): ChannelState {
    return this.state;
  }

  private setState(state: ChannelState): void {
    if (this.state === state) return;
    this.state = state;
    this.options.onState?.(state);
  }

  private reportClosed(reason: string): void {
    if (this.closedReported) return;
    this.closedReported = true;
    this.options.onClosed(reason);
  }

  private sendSize(): void {
    if (this.lastSize) this.sendStream(PayloadType.Size, encoder.encode(JSON.stringify(this.lastSize)));
  }

  private sendStream(payloadType: number, payload: Uint8Array): void {
    if (this.state === 'closed') return;
    const seq = this.nextSeq++;
    const frame = encode({ messageType: MessageType.input, sequenceNumber: seq, payloadType, payload });
    this.unacked.set(seq, { frame, sentAt: Date.now() });
    this.socket?.send(frame);
  }

  /** Sends the oldest unacknowledged input again once it is late (the plugin's scheduler). */
  private resendOldest(): void {
    const oldest = this.unacked.entries().next();
    if (oldest.done || this.socket?.readyState !== WebSocket.OPEN) return;
    const [, pending] = oldest.value;
    if (Date.now() - pending.sentAt < RESEND_AFTER_MS) return;
    pending.sentAt = Date.now();
    this.socket.send(pending.frame);
  }

  private stopResending(): void {
    clearInterval(this.resendTimer);
    this.resendTimer = undefined;
  }

  private receive(frame: Uint8Array): void {
    const message = decode(frame);
    if (!message) return; // dropped unacknowledged: the server sends it again
    switch (message.messageType) {
      case MessageType.ack: {
        try {
          const ack = JSON.parse(decoder.decode(message.payload)) as {
            AcknowledgedMessageSequenceNumber?: number;
          };
          if (typeof ack.AcknowledgedMessageSequenceNumber === 'number')
            this.unacked.delete(ack.AcknowledgedMessageSequenceNumber);
        } catch {
          // not an acknowledgement
        }
        return;
      }
      case MessageType.channelClosed: {
        let output = '';
        try {
          output = (JSON.parse(decoder.decode(message.payload)) as { Output?: string }).Output ?? '';
        } catch {
          // no payload to read
        }
        this.stopResending();
        this.setState('closed');
        this.reportClosed(output);
        this.socket?.close();
        return;
      }
      case MessageType.output:
        this.receiveOutput(message);
    }
  }

  private receiveOutput(message: ClientMessage): void {
    const seq = message.sequenceNumber;
    if (seq < this.expected) return; // a duplicate: ignored, not acknowledged again (as the plugin)
    this.socket?.send(ackFor(message));
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
    switch (message.payloadType) {
      case PayloadType.HandshakeRequest:
        this.answerHandshake(message.payload);
        return;
      case PayloadType.HandshakeComplete:
        this.ready();
        return;
      default:
        // A server that skips the handshake starts with output (notes §6b).
        if (this.state !== 'ready') this.ready();
        if (
          (message.payloadType === PayloadType.Output || message.payloadType === PayloadType.StdErr) &&
          message.payload.length
        )
          this.options.onOutput(message.payload);
    }
  }

  private ready(): void {
    this.setState('ready');
    this.sendSize();
  }

  private answerHandshake(payload: Uint8Array): void {
    let request: { RequestedClientActions?: { ActionType?: string; ActionParameters?: unknown }[] } = {};
    try {
      request = JSON.parse(decoder.decode(payload)) as typeof request;
    } catch {
      // answered with no actions
    }
    const processed = (request.RequestedClientActions ?? []).map((action) => {
      const type = (action.ActionParameters as { SessionType?: string } | undefined)?.SessionType;
      const ok = action.ActionType === 'SessionType' && type !== undefined && SHELL_TYPES.has(type);
      return {
        ActionType: action.ActionType,
        ActionStatus: ok ? 1 : 3,
        ActionResult: null,
        Error: ok ? '' : `the console runs shell sessions only, not ${type ?? action.ActionType}`,
      };
    });
    const response = { ClientVersion: CLIENT_VERSION, ProcessedClientActions: processed, Errors: null };
    this.sendStream(PayloadType.HandshakeResponse, encoder.encode(JSON.stringify(response)));
  }
}
