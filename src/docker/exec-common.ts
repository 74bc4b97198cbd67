// What both executors share: the exec-per-process DockerExecutor and the in-container agent's
// session. Engine status codes, the capped output buffer, the check that a container still runs the
// start a process was begun in, and the handle of a process whose container is gone.
//
// The waits here measure the Docker engine itself (an exec's exit, a container's state settling),
// not emulated time, so they are real timers and not the Scheduler's.
import { Writable } from 'node:stream';
import type Docker from 'dockerode';
import type { ExecHandle, ExecResult } from './executor.js';

/** Each stream keeps at most this much (memory protection; Run Command reports far less). */
export const MAX_CAPTURED_BYTES = 8 * 1024 * 1024;

/** After an exec ends, how often and how far apart a container that looks alive is inspected. */
const LOST_CHECKS = 20;
const LOST_CHECK_INTERVAL_MS = 50;

/** The HTTP status of an engine error (404: no such container; 409: not running or paused). */
export function statusCode(error: unknown): number | undefined {
  return typeof error === 'object' && error !== null && 'statusCode' in error
    ? (error as { statusCode?: number }).statusCode
    : undefined;
}

/** A real-time pause between two questions to the engine. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects when the engine does not answer within `ms` real milliseconds. */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The first MAX_CAPTURED_BYTES of one output stream; the rest is dropped. */
export class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private size = 0;

  add(data: Buffer): void {
    if (this.size >= MAX_CAPTURED_BYTES) return;
    const kept = data.subarray(0, MAX_CAPTURED_BYTES - this.size);
    this.chunks.push(kept);
    this.size += kept.length;
  }

  /** Output as the agent sends it; not decoded once the cap is reached. */
  addBase64(base64: string | undefined): void {
    if (base64 && this.size < MAX_CAPTURED_BYTES) this.add(Buffer.from(base64, 'base64'));
  }

  /** A stream that adds whatever is written to it (for docker-modem's demuxStream). */
  sink(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        this.add(chunk);
        done();
      },
    });
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/**
 * Whether the container still runs the start it had at `startedAt`: false once it stopped, is
 * restarting, started again or is gone. A paused one counts as stopped unless `pausedIsRunning`.
 */
export async function stillRunning(
  container: Docker.Container,
  startedAt: string,
  pausedIsRunning = false,
): Promise<boolean> {
  try {
    const state = (await container.inspect()).State;
    return (
      state.Running &&
      !state.Restarting &&
      (pausedIsRunning || !state.Paused) &&
      state.StartedAt === startedAt
    );
  } catch {
    return false;
  }
}

/**
 * Whether the container was lost (see stillRunning) by the time an exec in it ended. The engine
 * updates the container's state a moment after the exec ends, so unless `watch` is false a container
 * that looks alive is inspected again, 50 ms apart, for up to a second, or until `stopWatching()`
 * turns true (then it counts as alive).
 */
export async function containerLost(
  container: Docker.Container,
  startedAt: string,
  options: { watch?: boolean; pausedIsRunning?: boolean; stopWatching?: () => boolean } = {},
): Promise<boolean> {
  const { watch = true, pausedIsRunning = false, stopWatching = () => false } = options;
  const checks = watch ? LOST_CHECKS : 1;
  for (let check = 0; check < checks && !stopWatching(); check++) {
    if (check > 0) await sleep(LOST_CHECK_INTERVAL_MS);
    if (!(await stillRunning(container, startedAt, pausedIsRunning))) return true;
  }
  return false;
}

/** The handle of a process that could not start because its container is stopped or gone. */
export function lostHandle(): ExecHandle {
  const lost: ExecResult = { exitCode: null, stdout: '', stderr: '', containerLost: true };
  return { result: Promise.resolve(lost), kill: () => Promise.resolve() };
}
