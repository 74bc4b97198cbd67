// A clock for tests: time moves when the test says so, and every scheduler on the clock runs what
// falls due on the way, in due order, without sleeping.
//
//   const clock = new FakeClock(); // frozen at the real time of creation
//   const ssm = await startSsmLocal({ clock });
//   ... // create a parameter with an expiration policy, send a command with a timeout, ...
//   await clock.advance(60_000); // a minute later: what was due has run (and been awaited)
//
// Frozen (the default): now() changes only through advance()/advanceTo(), and schedulers arm no
// real timer, so nothing runs behind the test's back; a timer due now runs at the next advance
// (advance(0) will do). With `{ running: true }` time flows with the wall clock plus an offset that
// advance() adds to: schedulers arm real timers as on systemClock, and advance() still jumps.
import type { ClockDriven, DrivenClock } from './clock.js';

export interface FakeClockOptions {
  /** Let time flow in real time from `start` (advance() then jumps ahead); frozen by default. */
  running?: boolean;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FakeClock implements DrivenClock {
  readonly frozen: boolean;
  private readonly schedulers = new Set<ClockDriven>();
  /** Frozen: the current epoch ms. Running: the offset added to Date.now(). */
  private base: number;
  /** While advance() runs a task: the time now() reads (that task's due time). */
  private pinned: number | undefined;
  private advances: Promise<void> = Promise.resolve();
  private advanceDepth = 0;

  constructor(start: Date | number = Date.now(), options: FakeClockOptions = {}) {
    const startMs = typeof start === 'number' ? start : start.getTime();
    if (!Number.isFinite(startMs)) throw new RangeError(`FakeClock: invalid start ${String(start)}`);
    this.frozen = !options.running;
    this.base = this.frozen ? startMs : startMs - Date.now();
  }

  get advancing(): boolean {
    return this.advanceDepth > 0;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  attach(driven: ClockDriven): () => void {
    this.schedulers.add(driven);
    return () => {
      this.schedulers.delete(driven);
    };
  }

  /**
   * Moves time forward by `ms` and runs, in due order, every timer of every scheduler on this clock
   * that falls due by then, timers set by those tasks included; each task's promise is awaited and
   * pending I/O callbacks get a turn between tasks. Resolves when nothing due by the target is left.
   * Calls made while one is running wait for it (so do not await advance() inside a task).
   */
  advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) {
      return Promise.reject(new RangeError(`FakeClock: cannot advance by ${ms} ms`));
    }
    const run = this.advances.then(() => this.runUntil(this.nowMs() + ms));
    this.advances = run.catch(() => undefined);
    return run;
  }

  /** Moves time forward to `when` (see advance); a time already passed is an error. */
  advanceTo(when: Date | number): Promise<void> {
    const target = typeof when === 'number' ? when : when.getTime();
    const run = this.advances.then(() => {
      const ms = target - this.nowMs();
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`FakeClock: cannot go back to ${new Date(target).toISOString()}`);
      }
      return this.runUntil(target);
    });
    this.advances = run.catch(() => undefined);
    return run;
  }

  private nowMs(): number {
    if (this.pinned !== undefined) return this.pinned;
    return this.frozen ? this.base : Date.now() + this.base;
  }

  private async runUntil(target: number): Promise<void> {
    this.advanceDepth++;
    try {
      // Let work already under way (a request mid-flight, a promise chain) set its timers first.
      await nextTurn();
      for (;;) {
        const next = this.earliestDue(target);
        if (!next) break;
        // Time never runs backwards, even for a timer that was already overdue.
        if (next.due > this.nowMs()) this.pinned = next.due;
        await next.scheduler.runNext();
        await nextTurn();
      }
    } finally {
      this.pinned = undefined;
      if (this.frozen) this.base = Math.max(this.base, target);
      else this.base += Math.max(0, target - (Date.now() + this.base));
      this.advanceDepth--;
    }
    for (const scheduler of this.schedulers) scheduler.clockChanged();
  }

  /** The scheduler holding the earliest timer due by `target`, across every attached scheduler. */
  private earliestDue(target: number): { scheduler: ClockDriven; due: number } | undefined {
    let best: { scheduler: ClockDriven; due: number; seq: number } | undefined;
    for (const scheduler of this.schedulers) {
      const head = scheduler.peek();
      if (!head || head.due > target) continue;
      if (!best || head.due < best.due || (head.due === best.due && head.seq < best.seq)) {
        best = { scheduler, due: head.due, seq: head.seq };
      }
    }
    return best;
  }
}
