import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/core/clock.js';
import { FakeClock } from '../src/core/fake-clock.js';
import { createScheduler, type Scheduler } from '../src/core/scheduler.js';

const START = Date.parse('2026-03-01T00:00:00Z');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const schedulers: Scheduler[] = [];
function schedulerOn(clock: Parameters<typeof createScheduler>[0]): Scheduler {
  const scheduler = createScheduler(clock);
  schedulers.push(scheduler);
  return scheduler;
}

afterEach(() => {
  for (const scheduler of schedulers.splice(0)) scheduler.stop();
  vi.restoreAllMocks();
});

describe('scheduler on a frozen FakeClock', () => {
  it('fires at, after and every when the clock is advanced, and not before', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const fired: string[] = [];
    scheduler.at(START + 1000, () => void fired.push('at'));
    scheduler.after(2000, () => void fired.push('after'));
    scheduler.every(1500, () => void fired.push('every'));

    await clock.advance(999);
    expect(fired).toEqual([]);
    expect(clock.now().getTime()).toBe(START + 999);

    await clock.advance(1);
    expect(fired).toEqual(['at']);
    await clock.advance(1000);
    expect(fired).toEqual(['at', 'every', 'after']);
    await clock.advance(1000);
    expect(fired).toEqual(['at', 'every', 'after', 'every']);
    expect(clock.now().getTime()).toBe(START + 3000);
  });

  it('runs timers in due order, ties in the order they were scheduled, across schedulers', async () => {
    const clock = new FakeClock(START);
    const first = schedulerOn(clock);
    const second = schedulerOn(clock);
    const fired: string[] = [];
    first.after(300, () => void fired.push('c'));
    second.after(100, () => void fired.push('a'));
    first.after(200, () => void fired.push('b1'));
    second.after(200, () => void fired.push('b2'));
    first.after(200, () => void fired.push('b3'));

    await clock.advance(1000);
    expect(fired).toEqual(['a', 'b1', 'b2', 'b3', 'c']);

    const order: number[] = [];
    for (let i = 0; i < 100; i++) {
      first.after(i % 3 === 0 ? 50 : 100, () => void order.push(i));
    }
    await clock.advance(100);
    const expected = [...Array(100).keys()];
    expect(order).toEqual([...expected.filter((i) => i % 3 === 0), ...expected.filter((i) => i % 3 !== 0)]);
  });

  it('reads each task its own due time while running it, then the target', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const seen: number[] = [];
    scheduler.after(100, () => void seen.push(clock.now().getTime()));
    scheduler.after(700, () => void seen.push(clock.now().getTime()));

    await clock.advance(1000);
    expect(seen).toEqual([START + 100, START + 700]);
    expect(clock.now().getTime()).toBe(START + 1000);
  });

  it('cancels a timer, and ignores cancelling one that already ran', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const fired: string[] = [];
    const kept = scheduler.after(100, () => void fired.push('kept'));
    const dropped = scheduler.after(50, () => void fired.push('dropped'));
    const repeating = scheduler.every(10, () => void fired.push('every'));
    scheduler.cancel(dropped);
    scheduler.cancel(repeating);
    scheduler.cancel(undefined);

    await clock.advance(200);
    expect(fired).toEqual(['kept']);
    expect(dropped.cancelled).toBe(true);
    expect(repeating.cancelled).toBe(true);
    scheduler.cancel(kept);
    expect(kept.cancelled).toBe(false);
  });

  it('a repeating task can cancel itself', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    let runs = 0;
    const timer = scheduler.every(100, () => {
      runs++;
      if (runs === 3) scheduler.cancel(timer);
    });
    await clock.advance(1000);
    expect(runs).toBe(3);
  });

  it('fires, in the same advance, timers that tasks set inside the window (awaiting each task)', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const fired: Array<[string, number]> = [];
    const stamp = (name: string) => fired.push([name, clock.now().getTime() - START]);
    scheduler.after(100, async () => {
      stamp('first');
      await sleep(5); // real I/O inside a task: advance waits for it
      scheduler.after(100, () => {
        stamp('second');
        // set from an I/O-like callback after the task returned: advance gives it a turn
        setImmediate(() => scheduler.after(100, () => void stamp('third')));
      });
    });
    scheduler.after(1500, () => void stamp('outside'));

    await clock.advance(1000);
    expect(fired).toEqual([
      ['first', 100],
      ['second', 200],
      ['third', 300],
    ]);
  });

  it('runs `every` once per interval when advanced over ten intervals at once', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const times: number[] = [];
    const timer = scheduler.every(60_000, () => void times.push(clock.now().getTime() - START));

    await clock.advance(600_000);
    expect(times).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => n * 60_000));
    expect(timer.due).toBe(START + 660_000);
  });

  it('logs a task that throws or rejects, and runs the others', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const fired: string[] = [];
    scheduler.after(10, () => {
      throw new Error('boom');
    });
    scheduler.after(20, () => Promise.reject(new Error('rejected')));
    scheduler.after(30, () => void fired.push('after the failures'));
    let repeats = 0;
    scheduler.every(25, () => {
      repeats++;
      throw new Error('every time');
    });

    await clock.advance(100);
    expect(fired).toEqual(['after the failures']);
    expect(repeats).toBe(4);
    const logged = errors.mock.calls.map(([prefix, error]) => [prefix, (error as Error).message]);
    expect(logged.slice(0, 2)).toEqual([
      ['ssm-local: scheduled task failed:', 'boom'],
      ['ssm-local: scheduled task failed:', 'rejected'],
    ]);
    expect(logged).toHaveLength(6);
  });

  it('runs a time already passed at the next advance, not inside at()', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    let ran = false;
    scheduler.at(START - 5000, () => {
      ran = true;
    });
    expect(ran).toBe(false);
    await sleep(20);
    expect(ran).toBe(false);
    await clock.advance(0);
    expect(ran).toBe(true);
    expect(clock.now().getTime()).toBe(START);
  });

  it('stop() cancels everything, and later timers are cancelled at birth', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const fired: string[] = [];
    const pending = scheduler.after(10, () => void fired.push('pending'));
    scheduler.stop();
    const late = scheduler.after(10, () => void fired.push('late'));
    const lateEvery = scheduler.every(10, () => void fired.push('late every'));
    const lateAt = scheduler.at(START, () => void fired.push('late at'));

    await clock.advance(1000);
    expect(fired).toEqual([]);
    expect([pending, late, lateEvery, lateAt].map((timer) => timer.cancelled)).toEqual([
      true,
      true,
      true,
      true,
    ]);
  });

  it('arms no real timer: nothing fires after a real wait', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const armed = vi.spyOn(globalThis, 'setTimeout');
    let fired = 0;
    scheduler.after(1, () => void fired++);
    scheduler.every(5, () => void fired++);
    scheduler.at(START - 1, () => void fired++);
    const armedCalls = armed.mock.calls.length;
    armed.mockRestore();
    expect(armedCalls).toBe(0);
    await sleep(50);
    expect(fired).toBe(0);
    expect(clock.now().getTime()).toBe(START);
    await clock.advance(5);
    expect(fired).toBe(3);
  });

  it('keeps thousands of timers in order and drops cancelled ones', async () => {
    const clock = new FakeClock(START);
    const scheduler = schedulerOn(clock);
    const fired: number[] = [];
    const timers = Array.from({ length: 5000 }, (_, i) => {
      const due = (i * 7919) % 5000; // a permutation of 0..4999
      return scheduler.after(due + 1, () => void fired.push(due));
    });
    for (const [i, timer] of timers.entries()) if (i % 2 === 1) scheduler.cancel(timer);

    await clock.advance(10_000);
    const expected = timers
      .filter((_, i) => i % 2 === 0)
      .map((timer) => timer.due - START - 1)
      .sort((a, b) => a - b);
    expect(fired).toEqual(expected);
  });

  it('advanceTo moves to a time and refuses to go back', async () => {
    const clock = new FakeClock(new Date(START));
    const scheduler = schedulerOn(clock);
    let ran = 0;
    scheduler.at(new Date(START + 3_600_000), () => void ran++);
    await clock.advanceTo(new Date(START + 3_600_000));
    expect(ran).toBe(1);
    expect(clock.now().toISOString()).toBe('2026-03-01T01:00:00.000Z');
    await expect(clock.advanceTo(START)).rejects.toThrow(RangeError);
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
  });
});

describe('scheduler in real time', () => {
  it('fires a 30 ms after() on systemClock', async () => {
    const scheduler = schedulerOn(systemClock);
    const started = Date.now();
    const firedAt = await new Promise<number>((resolve) => scheduler.after(30, () => resolve(Date.now())));
    expect(firedAt - started).toBeGreaterThanOrEqual(25);
  });

  it('fires a 30 ms after() on a running FakeClock, and advance() still jumps', async () => {
    const clock = new FakeClock(START, { running: true });
    const scheduler = schedulerOn(clock);
    const fired = await new Promise<number>((resolve) =>
      scheduler.after(30, () => resolve(clock.now().getTime())),
    );
    expect(fired).toBeGreaterThanOrEqual(START + 30);

    let jumped = false;
    scheduler.after(3_600_000, () => {
      jumped = true;
    });
    await clock.advance(3_600_000);
    expect(jumped).toBe(true);
    expect(clock.now().getTime()).toBeGreaterThanOrEqual(START + 3_600_030);
  });

  it('runs a passed time on the next turn, not inside at()', async () => {
    const scheduler = schedulerOn(systemClock);
    let ran = false;
    const done = new Promise<void>((resolve) =>
      scheduler.at(Date.now() - 1000, () => {
        ran = true;
        resolve();
      }),
    );
    expect(ran).toBe(false);
    await done;
    expect(ran).toBe(true);
  });

  it('arms one unref()ed timer, clamps long delays, and disarms on stop()', async () => {
    const armed = vi.spyOn(globalThis, 'setTimeout');
    const scheduler = createScheduler(systemClock);
    scheduler.after(10 * 365 * 24 * 3600 * 1000, () => undefined);
    scheduler.after(20 * 365 * 24 * 3600 * 1000, () => undefined);
    expect(armed).toHaveBeenCalledTimes(1);
    expect(armed.mock.calls[0]?.[1]).toBe(2 ** 31 - 1);
    const handle = armed.mock.results[0]?.value as NodeJS.Timeout;
    expect(handle.hasRef()).toBe(false);

    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    scheduler.stop();
    expect(cleared).toHaveBeenCalledWith(handle);
  });

  it('an every() that fell behind a long stall is next due a period from now, not in the past', async () => {
    const clock = new FakeClock(START, { running: true });
    const scheduler = schedulerOn(clock);
    const leads: number[] = [];
    const done = new Promise<void>((resolve) => {
      const timer = scheduler.every(20, () => {
        leads.push(timer.due - clock.now().getTime());
        if (leads.length === 1) {
          const until = Date.now() + 100; // block the event loop past several periods
          while (Date.now() < until);
        }
        if (leads.length === 3) {
          scheduler.cancel(timer);
          resolve();
        }
      });
    });
    await done;
    // Each run is re-queued before it starts: always after now, never a burst of missed periods.
    for (const lead of leads) expect(lead).toBeGreaterThan(0);
  });
});
