// Time and identifiers are injected so schedules, expirations and state machines can be tested
// without sleeping and with predictable ids.
import { randomBytes, randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface Ids {
  uuid(): string;
  /** n random lower-case hex digits. */
  hex(n: number): string;
}

export const randomIds: Ids = {
  uuid: () => randomUUID(),
  hex: (n) =>
    randomBytes(Math.ceil(n / 2))
      .toString('hex')
      .slice(0, n),
};

/**
 * A scheduler as a DrivenClock sees it: the clock asks for the earliest timer, runs it, and says
 * when time has jumped, so that timers fire in due order across every scheduler on one clock.
 */
export interface ClockDriven {
  /** The earliest pending timer's due time (epoch ms) and tie-breaking sequence, if any. */
  peek(): { due: number; seq: number } | undefined;
  /** Runs the timer peek() named and settles when its task has (a task's promise is awaited). */
  runNext(): Promise<void>;
  /** The clock jumped or finished advancing: re-arm any real timer for the new earliest due. */
  clockChanged(): void;
}

/**
 * A clock that drives its schedulers itself (FakeClock): createScheduler attaches to it, leaves the
 * running of due timers to the clock's advance() and, when the clock is frozen, arms no real timer.
 */
export interface DrivenClock extends Clock {
  /** Time moves only when advanced: a scheduler on this clock arms no real timer at all. */
  readonly frozen: boolean;
  /** An advance() is running timers: a scheduler's own real timer leaves them to it. */
  readonly advancing: boolean;
  /** Registers a scheduler; the returned function detaches it. */
  attach(driven: ClockDriven): () => void;
}

export function isDrivenClock(clock: Clock): clock is DrivenClock {
  const candidate = clock as Partial<DrivenClock>;
  return typeof candidate.attach === 'function' && typeof candidate.frozen === 'boolean';
}
