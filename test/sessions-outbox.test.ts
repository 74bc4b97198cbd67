// The output side of the data channel (channel/outbox.ts) and its large payloads (channel/payloads.ts):
// digests computed on the worker thread are the payload's SHA-256, messages leave in sequence order
// whatever thread hashed them, and a payload's memory is used again only once its message is
// acknowledged and every write of it is done. A socket stand-in records what is sent.
import { createHash } from 'node:crypto';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { PAYLOAD_OFFSET, allocPayload, decode } from '../src/sessions/channel/codec.js';
import { Outbox, WINDOW_BYTES } from '../src/sessions/channel/outbox.js';
import {
  SLOTS_PER_SIZE,
  digestOffThread,
  digestsOffThread,
  releasePayload,
} from '../src/sessions/channel/payloads.js';

const MIB = 1024 * 1024;

/** What a socket was given: frames, and their write callbacks (called when the test says). */
class RecordingSocket {
  readonly OPEN = 1;
  readyState = 1;
  readonly sent: Buffer[] = [];
  readonly pending: Array<() => void> = [];
  send(frame: Buffer, done?: () => void): void {
    this.sent.push(Buffer.from(frame)); // a copy: the memory may be used again later
    if (done) this.pending.push(done);
  }
  /** Every write handed over so far is done. */
  flush(): void {
    for (const done of this.pending.splice(0)) done();
  }
}

function outbox(): { box: Outbox; socket: RecordingSocket } {
  const socket = new RecordingSocket();
  return { box: new Outbox(() => socket as unknown as WebSocket), socket };
}

/** A payload in shared memory (as a port session reads it), filled with `byte`. */
function download(size: number, byte: number): Buffer {
  const payload = allocPayload(size);
  payload.fill(byte);
  return payload;
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
};

describe('large payloads', () => {
  it('get their digest on the worker thread, and it is the SHA-256 the plugin checks', async () => {
    const payload = download(MIB, 0x41);
    payload[12345] = 7;
    expect(digestsOffThread(payload)).toBe(true);
    await digestOffThread(payload);
    const frame = Buffer.from(payload.buffer, 0, PAYLOAD_OFFSET + payload.length);
    expect(frame.subarray(80, 112)).toEqual(createHash('sha256').update(payload).digest());
  });

  it('small or ordinary buffers are hashed on the main thread', () => {
    expect(digestsOffThread(download(1024, 1))).toBe(false);
    expect(digestsOffThread(Buffer.alloc(MIB))).toBe(false);
  });

  it('has a bounded number of shared slots of a size: beyond, ordinary memory hashed inline', () => {
    const size = 5 * MIB; // a size of its own in this file
    const held = Array.from({ length: SLOTS_PER_SIZE }, () => allocPayload(size));
    expect(held.every((b) => b.buffer instanceof SharedArrayBuffer)).toBe(true);
    const extra = allocPayload(size);
    expect(extra.buffer instanceof SharedArrayBuffer).toBe(false);
    expect(digestsOffThread(extra)).toBe(false);
    releasePayload(extra); // ignored: not a slot
    releasePayload(held[0]!);
    releasePayload(held[0]!); // given back twice: counted once
    expect(allocPayload(size).buffer).toBe(held[0]!.buffer);
    expect(allocPayload(size).buffer instanceof SharedArrayBuffer).toBe(false);
  });

  it('memory released is handed out again; memory not from the pool is not taken', () => {
    const first = download(2 * MIB, 1);
    const memory = first.buffer;
    releasePayload(Buffer.from(memory, 0, PAYLOAD_OFFSET + first.length));
    expect(allocPayload(2 * MIB).buffer).toBe(memory);
    releasePayload(Buffer.alloc(PAYLOAD_OFFSET + 2 * MIB));
    expect(allocPayload(2 * MIB).buffer).not.toBe(memory);
  });
});

describe('Outbox', () => {
  it('sends in sequence order, a message hashed off-thread before the small ones pushed after it', async () => {
    const { box, socket } = outbox();
    box.push(1, download(MIB, 0x61));
    box.push(1, Buffer.from('after'));
    box.push(1, download(MIB, 0x62));
    // The small one is ready at once but waits for the first.
    expect(socket.sent).toHaveLength(0);
    await until(() => socket.sent.length === 3);
    const messages = socket.sent.map((frame) => {
      const decoded = decode(frame, { verifyDigest: true });
      if (!decoded.ok) throw new Error(decoded.reason);
      return decoded.message;
    });
    expect(messages.map((m) => m.sequenceNumber)).toEqual([0, 1, 2]);
    expect(messages.map((m) => m.flags)).toEqual([1, 0, 0]);
    expect(messages[0]!.payload[0]).toBe(0x61);
    expect(messages[1]!.payload.toString()).toBe('after');
    expect(messages[2]!.payload[MIB - 1]).toBe(0x62);
    box.stop();
  });

  it('uses a payload’s memory again only once it is acknowledged and its writes are done', async () => {
    const { box, socket } = outbox();
    const payload = download(3 * MIB, 0x63);
    const memory = payload.buffer;
    box.push(1, payload);
    await until(() => socket.sent.length === 1);
    box.acknowledged(0);
    // Acknowledged, but the socket still has the write: not handed out.
    expect(allocPayload(3 * MIB).buffer).not.toBe(memory);
    socket.flush();
    expect(allocPayload(3 * MIB).buffer).toBe(memory);
    box.stop();
  });

  it('gives the memory of unacknowledged messages back when stopped (once their writes are done)', async () => {
    const { box, socket } = outbox();
    const sent = download(6 * MIB, 0x65);
    const hashing = download(6 * MIB, 0x66);
    box.push(1, sent);
    await until(() => socket.sent.length === 1);
    box.push(1, hashing);
    box.stop(); // the second's digest may still be on its way
    socket.flush();
    await new Promise((resolve) => setTimeout(resolve, 200)); // the digest's trip, at most
    const again = [allocPayload(6 * MIB), allocPayload(6 * MIB)].map((b) => b.buffer);
    expect(again).toContain(sent.buffer);
    expect(again).toContain(hashing.buffer);
    // Pushed after the end: its memory goes back at once.
    const late = download(6 * MIB, 0x67);
    box.push(1, late);
    expect(allocPayload(6 * MIB).buffer).toBe(late.buffer);
  });

  it('ignores an ack for a message not sent yet, and keeps it until it is sent and acknowledged', async () => {
    const { box, socket } = outbox();
    box.push(1, download(MIB, 0x64));
    box.acknowledged(0); // before the digest is in: not sent, so not acknowledged
    await until(() => socket.sent.length === 1);
    let drained = false;
    void box.drained(10_000).then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(drained).toBe(false);
    box.acknowledged(0);
    await until(() => drained);
    box.stop();
  });

  it('makes a producer wait while a window of output awaits acks', async () => {
    const { box, socket } = outbox();
    for (let i = 0; i < WINDOW_BYTES / MIB; i++) box.push(1, download(MIB, i));
    let writable = false;
    void box.writable().then(() => (writable = true));
    await until(() => socket.sent.length === WINDOW_BYTES / MIB);
    expect(writable).toBe(false);
    box.acknowledged(0);
    await until(() => writable);
    box.stop();
  });

  it('sends what is unacknowledged again on a new socket, in order', async () => {
    const { box, socket } = outbox();
    box.push(1, Buffer.from('one'));
    box.push(1, Buffer.from('two'));
    box.push(1, Buffer.from('three'));
    box.acknowledged(1);
    socket.sent.length = 0;
    box.attached();
    expect(socket.sent.map((frame) => frame.subarray(PAYLOAD_OFFSET).toString())).toEqual(['one', 'three']);
    box.stop();
  });
});
