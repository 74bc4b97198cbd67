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
