// A port session's output coalescing (port/coalescer.ts), against a channel stand-in whose
// unacknowledged bytes and acks the test sets: chunks pass straight through while the client has
// (nearly) everything, are gathered in order while a download awaits acks, and go at the next ack,
// when the gathering buffer is full, or when the connection ends.
import { describe, expect, it } from 'vitest';
import { PORT_CHUNK_BYTES } from '../src/sessions/channel/channel.js';
import { allocPayload } from '../src/sessions/channel/codec.js';
import type { DataChannel } from '../src/sessions/model.js';
import { COALESCE_ABOVE_BYTES, Coalescer } from '../src/sessions/port/coalescer.js';

class AckedChannel {
  readonly sent: Buffer[] = [];
  unacknowledgedBytes = 0;
  private waiters: Array<() => void> = [];
  send(bytes: Buffer): void {
    this.sent.push(bytes);
  }
  acknowledgement(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  /** The client acknowledges something: whoever waits for it goes on (after this turn). */
  async ack(): Promise<void> {
    for (const resolve of this.waiters.splice(0)) resolve();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function coalescer(unacknowledgedBytes: number): { channel: AckedChannel; coalesce: Coalescer } {
  const channel = new AckedChannel();
  channel.unacknowledgedBytes = unacknowledgedBytes;
  return { channel, coalesce: new Coalescer(channel as unknown as DataChannel) };
}

const chunk = (size: number, byte: number) => Buffer.alloc(size, byte);

describe('Coalescer', () => {
  it('sends each chunk as it comes while little output awaits acks (interactive traffic)', () => {
    const { channel, coalesce } = coalescer(COALESCE_ABOVE_BYTES);
    const a = chunk(100, 1);
    coalesce.push(a);
    coalesce.push(chunk(200, 2));
    expect(channel.sent).toHaveLength(2);
    expect(channel.sent[0]).toBe(a); // the same buffer, uncopied
  });

  it('gathers small chunks while a download awaits acks, and sends them in order at the next ack', async () => {
    const { channel, coalesce } = coalescer(COALESCE_ABOVE_BYTES + 1);
    for (let i = 0; i < 10; i++) coalesce.push(chunk(32 * 1024, i));
    expect(channel.sent).toHaveLength(0);
    await channel.ack();
    expect(channel.sent).toHaveLength(1);
    const sent = channel.sent[0]!;
    expect(sent.length).toBe(10 * 32 * 1024);
    for (let i = 0; i < 10; i++) expect(sent[i * 32 * 1024]).toBe(i);
  });

  it('passes a large chunk through uncopied when nothing is gathered', () => {
    const { channel, coalesce } = coalescer(8 * 1024 * 1024);
    const big = chunk(PORT_CHUNK_BYTES, 7);
    coalesce.push(big);
    expect(channel.sent[0]).toBe(big);
  });

  it('keeps the order: a large chunk after gathered ones joins them', async () => {
    const { channel, coalesce } = coalescer(COALESCE_ABOVE_BYTES + 1);
    coalesce.push(chunk(1000, 1));
    coalesce.push(chunk(300 * 1024, 2));
    await channel.ack();
    const want = Buffer.concat([chunk(1000, 1), chunk(300 * 1024, 2)]);
    expect(Buffer.concat(channel.sent).equals(want)).toBe(true);
  });

  it('sends a full buffer at once, and the rest at the next ack', async () => {
    const { channel, coalesce } = coalescer(COALESCE_ABOVE_BYTES + 1);
    coalesce.push(chunk(100 * 1024, 3)); // gathered
    coalesce.push(chunk(PORT_CHUNK_BYTES, 4)); // fills the buffer, and 100 KiB more
    expect(channel.sent.map((b) => b.length)).toEqual([PORT_CHUNK_BYTES]);
    await channel.ack();
    expect(channel.sent.map((b) => b.length)).toEqual([PORT_CHUNK_BYTES, 100 * 1024]);
    expect(channel.sent[1]!.every((byte) => byte === 4)).toBe(true);
  });

  it('gives a reader’s shared slot back once it has copied it', () => {
    const { coalesce } = coalescer(COALESCE_ABOVE_BYTES + 1);
    const read = allocPayload(100 * 1024);
    read.fill(9);
    coalesce.push(read);
    expect(allocPayload(100 * 1024).buffer).toBe(read.buffer);
  });

  it('flush() sends what is gathered (the connection ended), and nothing twice', async () => {
    const { channel, coalesce } = coalescer(COALESCE_ABOVE_BYTES + 1);
    coalesce.push(chunk(10, 5));
    coalesce.flush();
    expect(channel.sent).toHaveLength(1);
    await channel.ack();
    expect(channel.sent).toHaveLength(1);
  });
});
