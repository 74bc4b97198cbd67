// One scheduler for everything that waits in emulated time (a policy sweep, a command's expiry, a
// retry, an execution timeout, a schedule): it reads the injected clock, so a test that moves a
// FakeClock forward fires what is due without sleeping, and nothing polls real time behind it.
//
// Waits that measure the Docker engine itself (polling an exec's exit, a container's restart, an
// agent's start-up) are not emulated time: they stay on real timers in src/docker.

import { isDrivenClock, type Clock, type ClockDriven } from './clock.js';

/** A task; a returned promise is awaited when the clock is advanced by hand (FakeClock.advance). */
export type Task = () => void | Promise<void>;

export interface Timer {
  /** Epoch milliseconds on the scheduler's clock when the task is next due. */
  readonly due: number;
  readonly cancelled: boolean;
}

export interface Scheduler {
  /** Runs `task` once at `when` (epoch ms or a Date on the clock); at once if that has passed. */
  at(when: number | Date, task: Task): Timer;
  /** Runs `task` once, `ms` milliseconds of clock time from now. */
  after(ms: number, task: Task): Timer;
  /** Runs `task` every `ms` milliseconds of clock time, first after `ms`. */
  every(ms: number, task: Task): Timer;
  /** Cancels a timer (undefined and already-run timers are ignored). */
  cancel(timer: Timer | undefined): void;
  /** Cancels every timer; later calls to at/after/every are ignored. */
  stop(): void;
}

/** setTimeout's longest delay; a longer wait is armed in steps and re-armed on each wake. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** Shared by every scheduler so that timers due at the same time on one clock run in the order made. */
let nextSequence = 0;

class ScheduledTimer implements Timer {
  /** pending: in the heap; done: a one-shot timer that has run; cancelled: cancelled or stopped. */
  state: 'pending' | 'done' | 'cancelled' = 'pending';
  constructor(
    public due: number,
    public seq: number,
    readonly task: Task,
    /** Set for `every`: the period in ms. */
    readonly interval: number | undefined,
    /** The heap of the scheduler that made it: another scheduler's cancel() ignores it. */
    readonly heap: TimerHeap,
  ) {}

  get cancelled(): boolean {
    return this.state === 'cancelled';
  }
}

function earlier(a: ScheduledTimer, b: ScheduledTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/** A binary min-heap by (due, seq). Cancelled timers stay in it until they reach the top. */
class TimerHeap {
  private items: ScheduledTimer[] = [];
  /** Cancelled timers still in the heap: when they are most of it, it is rebuilt without them. */
  private dead = 0;

  get size(): number {
    return this.items.length;
  }

  push(timer: ScheduledTimer): void {
    this.items.push(timer);
    this.up(this.items.length - 1);
  }

  /** The earliest live timer, dropping cancelled ones from the top. */
  peek(): ScheduledTimer | undefined {
    let top = this.items[0];
    while (top?.cancelled) {
      this.removeTop();
      this.dead--;
      top = this.items[0];
    }
    return top;
  }

  pop(): ScheduledTimer | undefined {
    const top = this.peek();
    if (top) this.removeTop();
    return top;
  }

  /** Counts a timer cancelled while in the heap; compacts once dead entries outnumber live ones. */
  noteCancelled(): void {
    this.dead++;
    if (this.dead > 64 && this.dead * 2 > this.items.length) {
      this.items = this.items.filter((timer) => !timer.cancelled);
      this.dead = 0;
      for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
    }
  }

  clear(): ScheduledTimer[] {
    const all = this.items;
    this.items = [];
    this.dead = 0;
    return all;
  }

  private removeTop(): void {
    const last = this.items.pop();
    if (last && this.items.length > 0) {
      this.items[0] = last;
      this.down(0);
    }
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = items[parentIndex]!;
      if (!earlier(item, parent)) break;
      items[index] = parent;
      index = parentIndex;
    }
    items[index] = item;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && earlier(items[right]!, items[left]!) ? right : left;
      if (!earlier(items[child]!, item)) break;
      items[index] = items[child]!;
      index = child;
    }
    items[index] = item;
  }
}

function toEpochMs(when: number | Date): number {
  const ms = typeof when === 'number' ? when : when.getTime();
  if (!Number.isFinite(ms)) throw new RangeError(`scheduler: invalid time ${String(when)}`);
  return ms;
}

function logFailure(error: unknown): void {
  console.error('ssm-local: scheduled task failed:', error);
}

/**
 * Timers in one min-heap on `clock`. On a real-time clock (systemClock, or a FakeClock created with
 * `{ running: true }`) one unref()ed setTimeout is armed for the earliest due timer, so a scheduler
 * never keeps the process alive. On a frozen FakeClock no real timer is armed at all: tasks run only
 * when the test calls `clock.advance()` (advance(0) runs what is due now).
 */
export function createScheduler(clock: Clock): Scheduler {
  const heap = new TimerHeap();
  const driven = isDrivenClock(clock) ? clock : undefined;
  let stopped = false;
  let realTimer: NodeJS.Timeout | undefined;
  let armedFor: number | undefined;

  const now = (): number => clock.now().getTime();

  function disarm(): void {
    if (realTimer) clearTimeout(realTimer);
    realTimer = undefined;
    armedFor = undefined;
  }

  /** Points the one real timer at the earliest due timer (none on a frozen clock). */
  function arm(): void {
    if (stopped || driven?.frozen) return disarm();
    const head = heap.peek();
    if (!head) return disarm();
    if (realTimer && armedFor === head.due) return;
    disarm();
    const delay = Math.min(Math.max(head.due - now(), 0), MAX_TIMER_DELAY_MS);
    armedFor = head.due;
    realTimer = setTimeout(wake, delay);
    realTimer.unref();
  }

  /** A repeating timer's next due: one period after the last, but never in the past. */
  function reschedule(timer: ScheduledTimer, interval: number): void {
    const next = timer.due + interval;
    const current = now();
    timer.due = next > current ? next : current + interval;
    timer.seq = nextSequence++;
    heap.push(timer);
  }

  /** Takes the earliest timer off the heap (re-queueing a repeating one) and starts its task. */
  function start(timer: ScheduledTimer): Promise<void> | void {
    heap.pop();
    if (timer.interval !== undefined) reschedule(timer, timer.interval);
    else timer.state = 'done';
    try {
      const result = timer.task();
      if (result) return Promise.resolve(result).catch(logFailure);
    } catch (error) {
      logFailure(error);
    }
  }

  function wake(): void {
    realTimer = undefined;
    armedFor = undefined;
    // While a FakeClock advances, it runs the due timers itself (awaiting each); it re-arms after.
    if (stopped || driven?.advancing) return;
    const current = now();
    for (let head = heap.peek(); head && head.due <= current; head = heap.peek()) void start(head);
    arm();
  }

  function add(due: number, task: Task, interval?: number): Timer {
    const timer = new ScheduledTimer(due, nextSequence++, task, interval, heap);
    if (stopped) {
      timer.state = 'cancelled';
      return timer;
    }
    heap.push(timer);
    if (heap.peek() === timer) arm();
    return timer;
  }

  const drivenSide: ClockDriven = {
    peek() {
      const head = stopped ? undefined : heap.peek();
      return head && { due: head.due, seq: head.seq };
    },
    async runNext() {
      const head = stopped ? undefined : heap.peek();
      if (head) await start(head);
    },
    clockChanged: () => arm(),
  };
  const detach = driven?.attach(drivenSide);

  return {
    at(when, task) {
      return add(toEpochMs(when), task);
    },
    after(ms, task) {
      return add(now() + Math.max(0, toEpochMs(ms)), task);
    },
    every(ms, task) {
      const interval = toEpochMs(ms);
      if (interval <= 0) throw new RangeError(`scheduler: every() needs a positive period, got ${ms}`);
      return add(now() + interval, task, interval);
    },
    cancel(timer) {
      if (!(timer instanceof ScheduledTimer) || timer.heap !== heap || timer.state !== 'pending') return;
      timer.state = 'cancelled';
      heap.noteCancelled();
      arm();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      for (const timer of heap.clear()) timer.state = 'cancelled';
      disarm();
      detach?.();
    },
  };
}
