// The ClientMessage binary framing of the data channel (notes §3): big-endian integers, a fixed
// 116-byte header length, the MessageType right-padded with spaces, the message id as a binary UUID
// with its two 8-byte halves swapped, a SHA-256 digest of the payload, the payload from offset 120.
// Shared by the server and by the test client (test/support/session-client.ts).
import * as crypto from 'node:crypto';
import { randomFillSync, randomUUID } from 'node:crypto';

export { Flag, HEADER_LENGTH, MessageType, PAYLOAD_OFFSET, PayloadType } from './wire.js';
import { frameInHeaderRoom, takeDigested } from './payloads.js';
import { DIGEST_OFFSET, HEADER_LENGTH, MessageType, PAYLOAD_OFFSET } from './wire.js';

export { allocPayload } from './payloads.js';

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

/** One-shot hashing where the runtime has it (Node 20.12+, 21.7+): cheaper for the many small payloads. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: Buffer, encoding: 'buffer') => Buffer })
  .hash;

export function digestOf(payload: Buffer): Buffer {
  return oneShotHash
    ? oneShotHash('sha256', payload, 'buffer')
    : crypto.createHash('sha256').update(payload).digest();
}

/** Random bytes for message ids, drawn from a pool (one randomFillSync per 256 ids). */
const idPool = Buffer.allocUnsafe(16 * 256);
let idPoolAt = idPool.length;

/** A random (version 4) UUID written straight into `frame` at `at`, in the wire's swapped halves. */
function writeRandomId(frame: Buffer, at: number): void {
  if (idPoolAt === idPool.length) {
    randomFillSync(idPool);
    idPoolAt = 0;
  }
  idPool.copy(frame, at, idPoolAt, idPoolAt + 16);
  idPoolAt += 16;
  // The wire has UUID bytes 8-15 first: byte 8 (the variant, 10xx) at `at`, byte 6 (the version) at `at + 14`.
  frame[at] = (frame[at]! & 0x3f) | 0x80;
  frame[at + 14] = (frame[at + 14]! & 0x0f) | 0x40;
}

/** The 16 bytes of a UUID as the plugin writes them: least-significant half first. */
function uuidToWire(uuid: string): Buffer {
  const bytes = Buffer.from(uuid.replace(/-/g, ''), 'hex');
  if (bytes.length !== 16) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.concat([bytes.subarray(8, 16), bytes.subarray(0, 8)]);
}

function uuidFromWire(wire: Buffer): string {
  const hex = wire.toString('hex', 8, 16) + wire.toString('hex', 0, 8);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The 32 bytes of each message type's field (space-padded), made once. */
const typeFields = new Map<string, Buffer>();

function typeField(messageType: string): Buffer {
  let field = typeFields.get(messageType);
  if (!field) {
    const type = Buffer.from(messageType, 'utf8');
    if (type.length > 32) throw new Error(`message type too long: ${messageType}`);
    field = Buffer.alloc(32, 0x20);
    type.copy(field);
    if (typeFields.size < 64) typeFields.set(messageType, field);
  }
  return field;
}

/** A non-negative integer below 2^53 as a big-endian 64-bit field (no BigInt). */
function writeUInt64(frame: Buffer, value: number, at: number): void {
  frame.writeUInt32BE(Math.floor(value / 0x1_0000_0000), at);
  frame.writeUInt32BE(value >>> 0, at + 4);
}

/** The frame around `payload`: in its header room (allocPayload) when it has some, else a new one. */
function frameFor(payload: Buffer): { frame: Buffer; copy: boolean } {
  const inPlace = frameInHeaderRoom(payload);
  if (inPlace) return { frame: inPlace, copy: false };
  // Every byte is written: no need to zero it first.
  return { frame: Buffer.allocUnsafe(PAYLOAD_OFFSET + payload.length), copy: true };
}

export function encode(init: MessageInit): Buffer {
  const payload = init.payload ?? Buffer.alloc(0);
  const { frame, copy } = frameFor(payload);
  frame.writeUInt32BE(HEADER_LENGTH, 0);
  typeField(init.messageType).copy(frame, 4);
  frame.writeUInt32BE(init.schemaVersion ?? 1, 36);
  writeUInt64(frame, init.createdDate ?? Date.now(), 40);
  const sequenceNumber = init.sequenceNumber ?? 0;
  if (sequenceNumber >= 0) writeUInt64(frame, sequenceNumber, 48);
  else frame.writeBigInt64BE(BigInt(sequenceNumber), 48);
  writeUInt64(frame, init.flags ?? 0, 56);
  if (init.messageId) uuidToWire(init.messageId).copy(frame, 64);
  else writeRandomId(frame, 64);
  // A payload from payloads.ts may have its digest in place already (computed off the main thread).
  if (copy || !takeDigested(frame)) digestOf(payload).copy(frame, DIGEST_OFFSET);
  frame.writeUInt32BE(init.payloadType ?? 0, 112);
  frame.writeUInt32BE(payload.length, 116);
  if (copy) payload.copy(frame, PAYLOAD_OFFSET);
  return frame;
}

function readUInt64(frame: Buffer, at: number): number {
  return frame.readUInt32BE(at) * 0x1_0000_0000 + frame.readUInt32BE(at + 4);
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
    createdDate: readUInt64(frame, 40),
    sequenceNumber: frame.readInt32BE(48) < 0 ? Number(frame.readBigInt64BE(48)) : readUInt64(frame, 48),
    flags: readUInt64(frame, 56),
    messageId: uuidFromWire(frame.subarray(64, DIGEST_OFFSET)),
    payloadType: frame.readUInt32BE(112),
    payload: frame.subarray(Math.min(payloadStart, frame.length)),
  };
  if (messageType === MessageType.startPublication || messageType === MessageType.pausePublication)
    return { ok: true, message };
  if (headerLength === 0) return { ok: false, reason: 'HeaderLength is 0' };
  if (!messageType) return { ok: false, reason: 'no MessageType' };
  if (message.createdDate === 0) return { ok: false, reason: 'CreatedDate is 0' };
  if (options.verifyDigest !== false && frame.readUInt32BE(116) !== 0) {
    if (!frame.subarray(DIGEST_OFFSET, DIGEST_OFFSET + 32).equals(digestOf(message.payload)))
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
