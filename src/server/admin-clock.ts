// The emulator's clock, for tests that must not wait (not part of SSM's API):
//   GET  /_ssm-local/clock                          {"now": "<ISO time>"}
//   POST /_ssm-local/clock  {"advanceSeconds": N}   moves the clock N seconds forward, runs everything
//                                                   that falls due on the way (parameter expirations,
//                                                   command expiries and timeouts, retries), and
//                                                   answers {"now": "<ISO time>"} once it has.
// Every schedule in the emulator reads this one clock. Time only moves forward. A clock passed to
// startSsmLocal() that cannot be advanced (not a FakeClock) answers 409 ClockNotAdjustable.
import type { Env, Hono } from 'hono';
import { FakeClock } from '../core/fake-clock.js';
import type { Runtime } from '../core/runtime.js';
import { SsmError } from '../protocol/errors.js';
import { parseJsonObject } from './body.js';

/** One call may move the clock at most ten years. */
const MAX_ADVANCE_SECONDS = 10 * 366 * 24 * 3600;

export function mountClockAdmin<E extends Env>(app: Hono<E>, runtime: Runtime): void {
  const path = '/_ssm-local/clock';
  const { clock } = runtime.services;
  app.get(path, (c) => c.json({ now: clock.now().toISOString() }));
  app.post(path, async (c) => {
    const body = parseJsonObject(await c.req.text());
    const seconds = body.advanceSeconds;
    if (
      typeof seconds !== 'number' ||
      !Number.isFinite(seconds) ||
      seconds < 0 ||
      seconds > MAX_ADVANCE_SECONDS
    ) {
      throw new SsmError(
        'ValidationException',
        `advanceSeconds must be a number of seconds from 0 to ${MAX_ADVANCE_SECONDS}.`,
      );
    }
    if (!(clock instanceof FakeClock)) {
      throw new SsmError(
        'ClockNotAdjustable',
        'This emulator was started with a clock of its own, which cannot be advanced.',
        409,
      );
    }
    await clock.advance(Math.round(seconds * 1000));
    return c.json({ now: clock.now().toISOString() });
  });
}
