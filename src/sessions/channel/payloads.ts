// Large output payloads (a port session's download) cost the main thread two things besides their
// copies through the kernel: fresh memory for each (page faults on first touch, about as dear as the
// copy) and the SHA-256 of the frame's PayloadDigest (the plugin checks it; ~0.6 ms per MiB). Here:
// - payload buffers in shared memory, with room for the frame's header before them, handed out again
//   once the client has acknowledged their message (releasePayload) instead of new ones each time;
// - their digest computed on a worker thread, written straight into the header room, while the main
//   thread goes on reading and sending. The message waits for it (Outbox keeps the order).
//
// The shared buffers are slots: at most SLOTS_PER_SIZE of a size, each given to the worker once and
// never dropped. (A shared buffer lives until the worker's copy is collected too, and an idle worker
// hardly ever collects: buffers made and dropped per message piled up by the gigabyte.) When every
// slot is in use, a payload gets ordinary memory and is hashed on the main thread, as is any buffer
// not from here, and everything when the worker failed. Whoever holds a slot gives it back with
// releasePayload(): the Outbox once the message is acknowledged or the session is over, the
// coalescer when it copied one, the reader when its connection closes.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { DIGEST_OFFSET, PAYLOAD_OFFSET } from './wire.js';

/** Below this, a digest costs less than the trip to the worker: hashed inline. */
export const OFF_THREAD_MIN_BYTES = 64 * 1024;
/** A worker only helps when it has a core of its own. */
const OTHER_CORES = availableParallelism() > 1;
/** Shared slots of one size: enough for three port downloads at full speed (48 MiB of 2 MiB ones). */
export const SLOTS_PER_SIZE = 24;

interface Slots {
  free: SharedArrayBuffer[];
  made: number;
}

const slots = new Map<number, Slots>();
/** Slots handed out and not given back yet (so releasePayload takes back nothing else, once). */
const inUse = new WeakSet<ArrayBufferLike>();
/** Payloads whose header room is still unused (encode frames them in place, once). */
const withHeaderRoom = new WeakSet<ArrayBufferLike>();
/** Payloads whose digest is already in their header room. */
const digested = new WeakSet<ArrayBufferLike>();

/**
 * A buffer for a payload with room for the frame's header before it: encode() writes the header
 * there and sends the payload where it is, uncopied (once: a second encode of it copies).
 */
export function allocPayload(size: number): Buffer {
  const bytes = PAYLOAD_OFFSET + size;
  let sized = slots.get(bytes);
  if (!sized) slots.set(bytes, (sized = { free: [], made: 0 }));
  let memory: ArrayBufferLike | undefined = sized.free.pop();
  if (!memory && sized.made < SLOTS_PER_SIZE) {
    memory = new SharedArrayBuffer(bytes);
    sized.made++;
  }
  if (memory) inUse.add(memory);
  // Every slot in use: ordinary memory, left to the garbage collector.
  memory ??= Buffer.allocUnsafeSlow(bytes).buffer;
  withHeaderRoom.add(memory);
  return Buffer.from(memory, PAYLOAD_OFFSET, size);
}

/** Takes the header room of `payload` for its frame: the whole frame, or undefined when it has none. */
export function frameInHeaderRoom(payload: Buffer): Buffer | undefined {
  if (payload.byteOffset !== PAYLOAD_OFFSET || !withHeaderRoom.delete(payload.buffer)) return undefined;
  return Buffer.from(payload.buffer, 0, PAYLOAD_OFFSET + payload.length);
}

/** True once (then forgotten) when the frame's digest is already in place (digestOffThread). */
export function takeDigested(frame: Buffer): boolean {
  return digested.delete(frame.buffer);
}

/**
 * The memory of a payload (or of its frame) is no longer needed by its holder: when it is a slot, it
 * may carry another payload. Anything else, or a slot already given back, is ignored.
 */
export function releasePayload(bytes: Buffer): void {
  const memory = bytes.buffer;
  if (!(memory instanceof SharedArrayBuffer) || !inUse.delete(memory)) return;
  withHeaderRoom.delete(memory);
  digested.delete(memory);
  slots.get(memory.byteLength)?.free.push(memory);
}

/** Whether digestOffThread() would take this payload (large, in allocPayload's shared memory). */
export function digestsOffThread(payload: Buffer): boolean {
  return (
    OTHER_CORES &&
    payload.length >= OFF_THREAD_MIN_BYTES &&
    payload.byteOffset === PAYLOAD_OFFSET &&
    withHeaderRoom.has(payload.buffer) &&
    payload.buffer instanceof SharedArrayBuffer
  );
}

// The worker: plain JavaScript (it runs the same under tsx and from dist/), hashing a range of a
// shared buffer and writing the digest where it is told. Each slot is sent to it once, with its
// number (sending a SharedArrayBuffer costs several times a plain message); then only its number.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const sha256 = crypto.hash
  ? (bytes) => crypto.hash('sha256', bytes, 'buffer')
  : (bytes) => crypto.createHash('sha256').update(bytes).digest();
const memories = new Map();
parentPort.on('message', (job) => {
  if (job.memory) memories.set(job.index, job.memory);
  const memory = memories.get(job.index);
  new Uint8Array(memory, job.digestAt, 32).set(sha256(new Uint8Array(memory, job.offset, job.length)));
  parentPort.postMessage(job.id);
});
`;

interface Job {
  resolve: (done: boolean) => void;
}

class DigestWorker {
  private worker: Worker | undefined;
  private nextId = 0;
  private readonly jobs = new Map<number, Job>();
  private broken = false;
  /** The number each slot has in the worker. */
  private readonly numbers = new WeakMap<SharedArrayBuffer, number>();
  private nextNumber = 0;

  /** Writes the payload's digest into its header room; answers false when it could not. */
  digest(payload: Buffer): Promise<boolean> {
    const worker = this.ensure();
    if (!worker) return Promise.resolve(false);
    const memory = payload.buffer as SharedArrayBuffer;
    let index = this.numbers.get(memory);
    const first = index === undefined;
    if (index === undefined) {
      index = this.nextNumber++;
      this.numbers.set(memory, index);
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.jobs.set(id, { resolve });
      worker.postMessage({
        id,
        index,
        ...(first ? { memory } : {}),
        offset: payload.byteOffset,
        length: payload.length,
        digestAt: payload.byteOffset - PAYLOAD_OFFSET + DIGEST_OFFSET,
      });
      // Referenced only while it has work: an idle worker keeps no process alive.
      if (this.jobs.size === 1) worker.ref();
    });
  }

  private ensure(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'ssm-local payload digests' });
      worker.unref();
      worker.on('message', (id: number) => this.settle(id, true));
      worker.on('error', () => this.fail());
      worker.on('exit', () => this.fail());
      this.worker = worker;
    } catch {
      this.broken = true;
    }
    return this.worker;
  }

  private settle(id: number, done: boolean): void {
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker?.unref();
    job.resolve(done);
  }

  /** The worker died: what it had is hashed on the main thread, and so is everything after. */
  private fail(): void {
    this.broken = true;
    this.worker = undefined;
    for (const id of [...this.jobs.keys()]) this.settle(id, false);
  }
}

const worker = new DigestWorker();

/**
 * Computes a payload's digest on the worker thread, into its header room (digestsOffThread() must
 * hold). Resolves when it is there; encode() then uses it instead of hashing. Never rejects: when the
 * worker could not, encode() hashes as usual.
 */
export async function digestOffThread(payload: Buffer): Promise<void> {
  if (await worker.digest(payload)) digested.add(payload.buffer);
}
