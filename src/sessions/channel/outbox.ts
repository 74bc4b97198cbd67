// The output side of the data channel's reliable layer (notes §5): output_stream_data messages
// numbered in order, kept until acknowledged, sent again when their ack is late, a window that makes
// a fast producer wait, and the drain at the end of a session. It outlives the socket: after
// ResumeSession the new socket gets what is still unacknowledged.
//
// A large payload's digest may be computed off the main thread (payloads.ts): its message is numbered
// at once but sent only when the digest is in, and never before the messages numbered ahead of it.
import type { WebSocket } from 'ws';
import { MessageType, encode } from './codec.js';
import { digestOffThread, digestsOffThread, releasePayload } from './payloads.js';
import { RetransmissionTimeout } from './rto.js';

/**
 * Retransmission as the agent does it (datachannel.go, the plugin's streaming.go alike): every
 * RETRANSMIT_CHECK_MS, the oldest unacknowledged output message only is sent again once it is older
 * than the retransmission timeout (rto.ts, which follows the round trip of the acks). Resending every
 * late message at once would, when the client lags behind a download, send the whole window again
 * and again, and bury the client in duplicates.
 */
const RETRANSMIT_CHECK_MS = 100;
/** Flow control: output bytes awaiting acks before writable() makes a backend wait (else a fast
 * reader, a download or `yes`, would fill memory and retransmit without end): four of a port
 * session's largest messages. */
export const WINDOW_BYTES = 8 * 1024 * 1024;

interface Entry {
  payloadType: number;
  payload: Buffer;
  /** The encoded message; undefined while its digest is being computed. */
  frame: Buffer | undefined;
  /** When it was first sent (the round trip's start, as the agent measures it), 0 before. */
  firstSentAt: number;
  sentAt: number;
  /** Writes of the frame handed to the socket and not done yet (its memory is busy until then). */
  writes: number;
  acked: boolean;
}

export class Outbox {
  private nextSeq = 0;
  /** The first sequence number not sent yet (every message before it was sent at least once). */
  private nextToSend = 0;
  /** Every message not acknowledged yet, in sequence order. */
  private readonly entries = new Map<number, Entry>();
  private bytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly rto = new RetransmissionTimeout();
  private drainWaiters: Array<() => void> = [];
  private writableWaiters: Array<() => void> = [];
  private ackWaiters: Array<() => void> = [];
  private stopped = false;

  /** `socket`: the socket attached now, if any. */
  constructor(private readonly socket: () => WebSocket | undefined) {}

  /** Numbers a message and sends it (once its digest is in, after those numbered before it). */
  push(payloadType: number, payload: Buffer): void {
    if (this.stopped) return releasePayload(payload);
    const seq = this.nextSeq++;
    const entry: Entry = {
      payloadType,
      payload,
      frame: undefined,
      firstSentAt: 0,
      sentAt: 0,
      writes: 0,
      acked: false,
    };
    this.entries.set(seq, entry);
    this.bytes += payload.length;
    if (digestsOffThread(payload)) {
      void digestOffThread(payload).then(() => {
        entry.frame = this.encode(seq, entry);
        // Over meanwhile: its memory goes back at once (nothing will send or acknowledge it).
        if (this.stopped) entry.acked = true;
        this.release(entry);
        this.sendReady();
      });
    } else {
      entry.frame = this.encode(seq, entry);
      this.sendReady();
    }
  }

  /** Resolves when fewer than WINDOW_BYTES of output await their acks (at once when stopped). */
  writable(): Promise<void> {
    if (this.stopped || this.bytes < WINDOW_BYTES) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  /** Output bytes numbered and not acknowledged yet. */
  get unacknowledgedBytes(): number {
    return this.bytes;
  }

  /** Resolves at the next acknowledgement (at once when nothing awaits one, or when stopped). */
  acknowledgement(): Promise<void> {
    if (this.stopped || this.entries.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.ackWaiters.push(resolve));
  }

  /** A new socket: everything sent and still unacknowledged goes again, then what waited. */
  attached(): void {
    for (const [seq, entry] of this.entries) if (seq < this.nextToSend) this.transmit(entry);
    this.sendReady();
  }

  /** The socket went: retransmission stops until the next one. */
  detached(): void {
    this.stopTimer();
  }

  acknowledged(seq: number): void {
    const entry = this.entries.get(seq);
    // An ack for a message not sent yet cannot be the client's: ignored.
    if (!entry || seq >= this.nextToSend) return;
    this.entries.delete(seq);
    this.bytes -= entry.payload.length;
    entry.acked = true;
    this.release(entry);
    if (entry.firstSentAt > 0) this.rto.measured(Date.now() - entry.firstSentAt);
    if (this.bytes < WINDOW_BYTES) this.releaseWriters();
    this.releaseAckWaiters();
    if (this.entries.size > 0) return;
    this.stopTimer();
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Resolves when every message is acknowledged, or after `timeoutMs` (real time). */
  drained(timeoutMs: number): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      timer.unref();
      this.drainWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /** Nothing more is sent; writers waiting for the window go on (and send into nothing). */
  stop(): void {
    this.stopped = true;
    // What was never acknowledged gives its memory back (once its writes are done).
    for (const entry of this.entries.values()) {
      entry.acked = true;
      this.release(entry);
    }
    this.releaseWriters();
    this.releaseAckWaiters();
    this.stopTimer();
  }

  private encode(seq: number, entry: Entry): Buffer {
    return encode({
      messageType: MessageType.output,
      sequenceNumber: seq,
      flags: seq === 0 ? 1 : 0, // SYN on the first stream message, as the agent sets it
      payloadType: entry.payloadType,
      payload: entry.payload,
    });
  }

  /** Sends, in order, the messages whose frames are ready, up to the first that is not. */
  private sendReady(): void {
    if (this.stopped) return;
    for (
      let entry = this.entries.get(this.nextToSend);
      entry?.frame;
      entry = this.entries.get(this.nextToSend)
    ) {
      if (!this.transmit(entry)) return;
      this.nextToSend++;
    }
  }

  /** Sends one message on the socket; false when there is no open socket. */
  private transmit(entry: Entry): boolean {
    const socket = this.socket();
    if (!socket || socket.readyState !== socket.OPEN || !entry.frame) return false;
    entry.writes++;
    socket.send(entry.frame, () => {
      entry.writes--;
      this.release(entry);
    });
    entry.sentAt = Date.now();
    if (entry.firstSentAt === 0) entry.firstSentAt = entry.sentAt;
    // Retransmission measures the real network (acks from a real client), not emulated time: a real
    // timer, unref'd so that it never keeps the process alive.
    if (!this.timer) {
      this.timer = setInterval(() => this.retransmit(), RETRANSMIT_CHECK_MS);
      this.timer.unref();
    }
    return true;
  }

  /**
   * An acknowledged frame with no write in progress: its memory (the payload's, when the frame was
   * made in its header room, else a copy) may carry the next payload.
   */
  private release(entry: Entry): void {
    if (!entry.acked || entry.writes > 0 || !entry.frame) return;
    releasePayload(entry.frame);
    releasePayload(entry.payload);
    entry.frame = undefined;
  }

  private retransmit(): void {
    // The map keeps sequence order: its first entry is the oldest.
    const [seq, oldest] = this.entries.entries().next().value ?? [];
    if (seq === undefined || !oldest || seq >= this.nextToSend || !this.socket()) return this.stopTimer();
    if (Date.now() - oldest.sentAt >= this.rto.ms) this.transmit(oldest);
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private releaseAckWaiters(): void {
    const waiters = this.ackWaiters;
    this.ackWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private releaseWriters(): void {
    const waiters = this.writableWaiters;
    this.writableWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
