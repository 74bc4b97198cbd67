// Nagle's rule for a port session's output messages. The target's bytes go out as they come while
// little of the output awaits the client's acks: interactive traffic (an SSH session, a request and
// its answer) waits for nothing. While a download keeps more than COALESCE_ABOVE_BYTES unacknowledged,
// small chunks are gathered into one payload buffer and sent at the client's next ack, or when the
// buffer is full: the in-container relay, whose output the engine's stream hands over about 32 KiB at
// a time, thus sends a few large messages (one digest, frame and ack each) instead of thousands.
// Large chunks (the direct path's reads, gathered by dial.ts) pass through uncopied.
import { allocPayload } from '../channel/codec.js';
import { releasePayload } from '../channel/payloads.js';
import { PORT_CHUNK_BYTES } from '../channel/channel.js';
import type { DataChannel } from '../model.js';

/** Unacknowledged output above which small chunks are gathered. */
export const COALESCE_ABOVE_BYTES = 256 * 1024;
/** A chunk at least this large is sent as it is when nothing is gathered. */
const PASS_THROUGH_BYTES = 256 * 1024;

export class Coalescer {
  private buffer: Buffer | undefined;
  private filled = 0;
  private waiting = false;

  constructor(private readonly channel: DataChannel) {}

  push(bytes: Buffer): void {
    if (
      this.filled === 0 &&
      (bytes.length >= PASS_THROUGH_BYTES || this.channel.unacknowledgedBytes <= COALESCE_ABOVE_BYTES)
    ) {
      this.channel.send(bytes);
      return;
    }
    for (let at = 0; at < bytes.length;) {
      this.buffer ??= allocPayload(PORT_CHUNK_BYTES);
      const copied = bytes.copy(this.buffer, this.filled, at);
      this.filled += copied;
      at += copied;
      if (this.filled === this.buffer.length) this.flush();
    }
    releasePayload(bytes); // copied: a reader's slot goes back
    if (this.filled > 0 && !this.waiting) {
      this.waiting = true;
      void this.channel.acknowledgement().then(() => {
        this.waiting = false;
        this.flush();
      });
    }
  }

  /** Sends what was gathered (before the end of the connection is told, and at each ack). */
  flush(): void {
    if (!this.buffer || this.filled === 0) return;
    const bytes = this.buffer.subarray(0, this.filled);
    this.buffer = undefined;
    this.filled = 0;
    this.channel.send(bytes);
  }
}
