// Wall-clock time in an IANA time zone (ScheduleTimezone), with Intl only: what a zone's clocks
// read at an instant, the instant they read a given time (across daylight-saving changes), and
// calendar days added on that wall clock.

const DAY = 86_400_000;

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function toWallClock(epochMs: number, timezone: string): WallClock {
  let format = formatters.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(epochMs))) parts[part.type] = Number(part.value);
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  };
}

export function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

/** The instant when clocks in `timezone` read `wall` (in a gap, just after it; when repeated, the first). */
export function fromWallClock(wall: WallClock, timezone: string): number {
  const target = wallClockAsUtc(wall);
  const offsetAt = (epochMs: number): number => wallClockAsUtc(toWallClock(epochMs, timezone)) - epochMs;
  // The zone's offsets either side of any change near the target (changes are weeks apart).
  const offsets = new Set([offsetAt(target - DAY), offsetAt(target), offsetAt(target + DAY)]);
  const candidates = [...offsets].map((offset) => target - offset);
  const exact = candidates.filter((epochMs) => wallClockAsUtc(toWallClock(epochMs, timezone)) === target);
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates);
}

/** `days` calendar days later on the wall clock of `timezone` (UTC when none). */
export function addDays(epochMs: number, days: number, timezone: string | undefined): number {
  if (!timezone) return epochMs + days * DAY;
  const wall = toWallClock(epochMs, timezone);
  const shifted = new Date(
    Date.UTC(wall.year, wall.month - 1, wall.day + days, wall.hour, wall.minute, wall.second),
  );
  return fromWallClock(
    {
      year: shifted.getUTCFullYear(),
      month: shifted.getUTCMonth() + 1,
      day: shifted.getUTCDate(),
      hour: wall.hour,
      minute: wall.minute,
      second: wall.second,
    },
    timezone,
  );
}
