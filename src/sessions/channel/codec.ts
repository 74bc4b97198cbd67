// The ClientMessage binary framing of the data channel (notes §3): big-endian integers, a fixed
// 116-byte header length, the MessageType right-padded with spaces, the message id as a binary UUID
// with its two 8-byte halves swapped, a SHA-256 digest of the payload, the payload from offset 120.
// Shared by the server and by the test client (test/support/session-client.ts).
import { createHash, randomUUID } from 'node:crypto';

export const HEADER_LENGTH = 116;
export const PAYLOAD_OFFSET = HEADER_LENGTH + 4;

export const MessageType = {
  input: 'input_stream_data',
  output: 'output_stream_data',
  ack: 'acknowledge',
  channelClosed: 'channel_closed',
  startPublication: 'start_publication',
  pausePublication: 'pause_publication',
} as const;

export const PayloadType = {
  Output: 1,
  Error: 2,
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  Flag: 10,
  StdErr: 11,
  ExitCode: 12,
} as const;

export const Flag = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;

export interface ClientMessage {
  messageType: string;
  schemaVersion: number;
  /** Epoch ms. */
  createdDate: number;
  sequenceNumber: number;
  flags: number;
  /** Lower-case hyphenated UUID. */
  messageId: string;
  payloadType: number;
  payload: Buffer;
}

export type MessageInit = Partial<ClientMessage> & Pick<ClientMessage, 'messageType'>;

export function digestOf(payload: Buffer): Buffer {
  return createHash('sha256').update(payload).digest();
}

/** The 16 bytes of a UUID as the plugin writes them: least-significant half first. */
function uuidToWire(uuid: string): Buffer {
  const bytes = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  if (bytes.length !== 16) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.concat([bytes.subarray(8, 16), bytes.subarray(0, 8)]);
}

function uuidFromWire(wire: Buffer): string {
  const hex = Buffer.concat([wire.subarray(8, 16), wire.subarray(0, 8)]).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function encode(init: MessageInit): Buffer {
  const payload = init.payload ?? Buffer.alloc(0);
  const frame = Buffer.alloc(PAYLOAD_OFFSET + payload.length);
  frame.writeUInt32BE(HEADER_LENGTH, 0);
  const type = Buffer.from(init.messageType, 'utf8');
  if (type.length > 32) throw new Error(`message type too long: ${init.messageType}`);
  frame.fill(0x20, 4, 36);
  type.copy(frame, 4);
  frame.writeUInt32BE(init.schemaVersion ?? 1, 36);
  frame.writeBigUInt64BE(BigInt(init.createdDate ?? Date.now()), 40);
  frame.writeBigInt64BE(BigInt(init.sequenceNumber ?? 0), 48);
  frame.writeBigUInt64BE(BigInt(init.flags ?? 0), 56);
  uuidToWire(init.messageId ?? randomUUID()).copy(frame, 64);
  digestOf(payload).copy(frame, 80);
  frame.writeUInt32BE(init.payloadType ?? 0, 112);
  frame.writeUInt32BE(payload.length, 116);
  payload.copy(frame, PAYLOAD_OFFSET);
  return frame;
}

export type DecodeResult = { ok: true; message: ClientMessage } | { ok: false; reason: string };

/**
 * Reads a frame and applies the plugin's validation (notes §3). `verifyDigest: false` skips the
 * PayloadDigest check: the service side does not make it (the `ssm-session` npm package, whose
 * digests are never a SHA-256 of the payload, works against AWS).
 */
export function decode(frame: Buffer, options: { verifyDigest?: boolean } = {}): DecodeResult {
  if (frame.length < PAYLOAD_OFFSET) return { ok: false, reason: `frame of ${frame.length} bytes` };
  const headerLength = frame.readUInt32BE(0);
  const messageType = frame
    .subarray(4, 36)
    .toString('utf8')
    .replace(/^[\s\0]+|[\s\0]+$/g, '');
  const payloadStart = headerLength + 4;
  const message: ClientMessage = {
    messageType,
    schemaVersion: frame.readUInt32BE(36),
    createdDate: Number(frame.readBigUInt64BE(40)),
    sequenceNumber: Number(frame.readBigInt64BE(48)),
    flags: Number(frame.readBigUInt64BE(56)),
    messageId: uuidFromWire(frame.subarray(64, 80)),
    payloadType: frame.readUInt32BE(112),
    payload: frame.subarray(Math.min(payloadStart, frame.length)),
  };
  if (messageType === MessageType.startPublication || messageType === MessageType.pausePublication)
    return { ok: true, message };
  if (headerLength === 0) return { ok: false, reason: 'HeaderLength is 0' };
  if (!messageType) return { ok: false, reason: 'no MessageType' };
  if (message.createdDate === 0) return { ok: false, reason: 'CreatedDate is 0' };
  if (options.verifyDigest !== false && frame.readUInt32BE(116) !== 0) {
    if (!frame.subarray(80, 112).equals(digestOf(message.payload)))
      return { ok: false, reason: 'PayloadDigest does not match the payload' };
  }
  return { ok: true, message };
}

export interface Acknowledgement {
  AcknowledgedMessageType: string;
  AcknowledgedMessageId: string;
  AcknowledgedMessageSequenceNumber: number;
  IsSequentialMessage: boolean;
}

/** The ack of one stream message (notes §5). */
export function ackFor(acked: ClientMessage): Buffer {
  const body: Acknowledgement = {
    AcknowledgedMessageType: acked.messageType,
    AcknowledgedMessageId: acked.messageId,
    AcknowledgedMessageSequenceNumber: acked.sequenceNumber,
    IsSequentialMessage: true,
  };
  return encode({
    messageType: MessageType.ack,
    sequenceNumber: 0,
    flags: 3,
    payloadType: 0,
    payload: Buffer.from(JSON.stringify(body)),
  });
}

export function parseAck(message: ClientMessage): Acknowledgement | undefined {
  try {
    const body = JSON.parse(message.payload.toString('utf8')) as Partial<Acknowledgement>;
    return typeof body.AcknowledgedMessageSequenceNumber === 'number' ? (body as Acknowledgement) : undefined;
  } catch {
    return undefined;
  }
}

/** channel_closed (notes §8): the plugin prints Output (when not empty) and exits 0. */
export function channelClosed(sessionId: string, target: string, output: string): Buffer {
  const messageId = randomUUID();
  const body = {
    MessageId: messageId,
    CreatedDate: new Date().toISOString(),
    DestinationId: target,
    SessionId: sessionId,
    MessageType: MessageType.channelClosed,
    SchemaVersion: 1,
    Output: output,
  };
  return encode({
    messageType: MessageType.channelClosed,
    messageId,
    sequenceNumber: 0,
    flags: 3,
    payloadType: 0,
    payload: Buffer.from(JSON.stringify(body)),
  });
}

/** A PT3 Size payload ({"cols":N,"rows":M}), or undefined when it is not one. */
export function parseSize(payload: Buffer): { cols: number; rows: number } | undefined {
  try {
    const size = JSON.parse(payload.toString('utf8')) as { cols?: unknown; rows?: unknown };
    if (typeof size.cols === 'number' && typeof size.rows === 'number')
      return { cols: size.cols, rows: size.rows };
  } catch {
    // not a size
  }
  return undefined;
}
