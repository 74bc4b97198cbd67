// AWS schedule expressions for State Manager associations and maintenance windows: cron(...),
// rate(...) and at(...), checked against AWS's rules and evaluated behind one small adapter.
//
// Rules from AWS's "Reference: Cron and rate expressions for Systems Manager" (Systems Manager user
// guide, reference-cron-and-rate-expressions):
// - cron has six fields, Minutes Hours Day-of-month Month Day-of-week Year, plus an optional
//   leading Seconds field. Values: 0-59, 0-23, 1-31, 1-12 or JAN-DEC, 1-7 or SUN-SAT (1 = SUN),
//   1970-2199; wildcards , - * / everywhere, ? L W in day-of-month, ? L # in day-of-week.
//   Exactly one of day-of-month and day-of-week is ?. Nothing may run faster than every 5 minutes.
// - rate(value unit): a positive whole value; minute(s), hour(s) or day(s), singular exactly
//   when the value is 1: rate(1 hour), rate(2 hours); rate(1 hours) and rate(2 hour) are refused.
// - at(yyyy-mm-ddThh:mm:ss): runs once, UTC unless a schedule timezone is given.
// - A schedule offset (ScheduleOffset, 1-6 days) applies to cron only; a cron match at or before
//   the schedule took effect is not run even if its offset run lies ahead ("the following period").
// - Associations: rate from 30 minutes up to (not including) 31 days; cron no more often than every
//   30 minutes, with the Seconds field only 0 and the Month field only * ("State Manager doesn't
//   currently support specifying months"). Maintenance windows take every other form.
// Not checked: AWS's older whitelist of association crons (every 1/2, 1, 2, 4, 8 or 12 hours, daily,
// weekly), which the current guide's own examples (THU#2 with an offset) go beyond.
//
// The cron part is croner: maintained, no dependencies, and it has every AWS construct (seconds and
// year fields, L, W, #, names, IANA time zones); cron-parser lacks the year field and AWS's 1-7
// weekdays, and aws-cron-parser is small, little used and carries a dependency for no gain here.
// AWS's fields are translated to croner's below (weekdays 1-7 become 0-6, ? becomes *, 5/15 becomes
// 5-59/15, names become numbers) so croner runs in its plain documented mode.
import { Cron } from 'croner';
import { addDays, fromWallClock, isTimeZone, type WallClock } from './time-zone.js';

export type ScheduleKind = 'association' | 'maintenanceWindow';

export interface ScheduleExpressionOptions {
  kind: ScheduleKind;
  /** ScheduleOffset: days to wait after each cron match before running (cron only, 1-6). */
  offsetDays?: number;
  /** ScheduleTimezone, an IANA name (America/Los_Angeles): cron and at() read its wall clock. UTC by default. */
  timezone?: string;
}

export interface ScheduleExpression {
  readonly type: 'cron' | 'rate' | 'at';
  /** The expression as given. */
  readonly text: string;
  /** rate only: the interval in milliseconds. */
  readonly intervalMs?: number;
  /**
   * The first run strictly after `after`, or undefined when there is none (an at() that has passed,
   * a cron whose years are over). For rate it is simply `after` + the interval: callers anchor it.
   * `since`, for cron with an offset, is when the schedule took effect: a match at or before it is
   * not run even when match + offset falls after `after`.
   */
  next(after: Date, since?: Date): Date | undefined;
}

/** A schedule expression that AWS would refuse; the message says why, in AWS's terms. */
export class InvalidScheduleExpression extends Error {
  override readonly name = 'InvalidScheduleExpression';
  constructor(
    readonly expression: string,
    readonly reason: string,
  ) {
    super(`The schedule expression ${expression} is not valid: ${reason}.`);
  }
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const ASSOCIATION_MIN_INTERVAL_MS = 30 * MINUTE;
/** Associations take rates "of 30 minutes or greater and less than 31 days". */
const ASSOCIATION_MAX_RATE_MS = 31 * DAY;
/** "Cron expressions that lead to rates faster than five (5) minute are not supported." */
const CRON_MIN_INTERVAL_MS = 5 * MINUTE;

export function parseScheduleExpression(
  text: string,
  options: ScheduleExpressionOptions,
): ScheduleExpression {
  const fail = (reason: string): never => {
    throw new InvalidScheduleExpression(text, reason);
  };
  const timezone = options.timezone;
  if (timezone !== undefined && !isTimeZone(timezone)) fail(`${timezone} is not a valid IANA time zone`);
  const offsetDays = options.offsetDays ?? 0;
  if (!Number.isInteger(offsetDays) || offsetDays < 0 || offsetDays > 6) {
    fail('a schedule offset is a whole number of days from 1 to 6');
  }

  const match = /^(cron|rate|at)\((.*)\)$/s.exec(text.trim());
  if (!match) return fail('use cron(...), rate(...) or at(...)');
  const [, type, body = ''] = match;
  if (type !== 'cron' && offsetDays > 0) fail('a schedule offset can only be used with a cron expression');
  if (type === 'rate') return parseRate(text, body.trim(), options.kind, fail);
  if (type === 'at') return parseAt(text, body.trim(), timezone, fail);
  return parseCron(text, body.trim(), options.kind, offsetDays, timezone, fail);
}

type Fail = (reason: string) => never;

// ---------------------------------------------------------------------------------------------
// rate(value unit)

const RATE_UNITS: Record<string, { ms: number; singular: boolean }> = {
  minute: { ms: MINUTE, singular: true },
  minutes: { ms: MINUTE, singular: false },
  hour: { ms: HOUR, singular: true },
  hours: { ms: HOUR, singular: false },
  day: { ms: DAY, singular: true },
  days: { ms: DAY, singular: false },
};

function parseRate(text: string, body: string, kind: ScheduleKind, fail: Fail): ScheduleExpression {
  const match = /^(\d+)\s+([a-z]+)$/.exec(body);
  if (!match) return fail('a rate expression is rate(value unit), for example rate(30 minutes)');
  const [, digits = '', unitName = ''] = match;
  const value = Number(digits);
  const unit = RATE_UNITS[unitName];
  if (!unit) return fail(`the unit must be minute, minutes, hour, hours, day or days, not ${unitName}`);
  if (value < 1) fail('the value must be a positive number');
  if (value === 1 && !unit.singular)
    fail(`use a singular unit when the value is 1: rate(1 ${unitName.slice(0, -1)})`);
  if (value > 1 && unit.singular)
    fail(`use a plural unit when the value is greater than 1: rate(${value} ${unitName}s)`);
  const intervalMs = value * unit.ms;
  if (kind === 'association') {
    if (intervalMs < ASSOCIATION_MIN_INTERVAL_MS) fail('associations take rates of 30 minutes or greater');
    if (intervalMs >= ASSOCIATION_MAX_RATE_MS) fail('associations take rates of less than 31 days');
  }
  return {
    type: 'rate',
    text,
    intervalMs,
    next: (after) => new Date(after.getTime() + intervalMs),
  };
}

// ---------------------------------------------------------------------------------------------
// at(yyyy-mm-ddThh:mm:ss)

function parseAt(text: string, body: string, timezone: string | undefined, fail: Fail): ScheduleExpression {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!match)
    return fail('a one-time schedule is at(yyyy-mm-ddThh:mm:ss), for example at(2020-07-07T15:55:00)');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const wall: WallClock = { year, month, day, hour, minute, second };
  const asUtc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(asUtc);
  if (
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    fail(`${body} is not a valid date and time`);
  }
  const when = timezone ? fromWallClock(wall, timezone) : asUtc;
  return {
    type: 'at',
    text,
    next: (after) => (when > after.getTime() ? new Date(when) : undefined),
  };
}

// ---------------------------------------------------------------------------------------------
// cron(...)

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Added to each value when handed to croner (AWS weekday 1-7 is croner's 0-6). */
  shift?: number;
}

const SECONDS: FieldSpec = { name: 'Seconds', min: 0, max: 59 };
const MINUTES: FieldSpec = { name: 'Minutes', min: 0, max: 59 };
const HOURS: FieldSpec = { name: 'Hours', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'Day-of-month', min: 1, max: 31 };
const MONTH: FieldSpec = {
  name: 'Month',
  min: 1,
  max: 12,
  names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'],
};
const DAY_OF_WEEK: FieldSpec = {
  name: 'Day-of-week',
  min: 1,
  max: 7,
  names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'],
  shift: -1,
};
const YEAR: FieldSpec = { name: 'Year', min: 1970, max: 2199 };

/**
 * Checks an AWS cron body (6 fields, or 7 with leading seconds) and returns the same schedule as a
 * croner 7-part pattern (seconds minutes hours day-of-month month day-of-week year). Exported for
 * tests; throws InvalidScheduleExpression.
 */
export function translateAwsCron(body: string, expression = `cron(${body})`): string {
  const fail: Fail = (reason) => {
    throw new InvalidScheduleExpression(expression, reason);
  };
  const fields = body.trim().toUpperCase().split(/\s+/);
  if (fields.length === 6) fields.unshift('0');
  if (fields.length !== 7) {
    fail(
      'a cron expression has six fields (Minutes Hours Day-of-month Month Day-of-week Year), or seven with Seconds first',
    );
  }
  const [seconds, minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) {
    fail('use ? in exactly one of the Day-of-month and Day-of-week fields');
  }
  return [
    translateField(seconds, SECONDS, fail),
    translateField(minutes, MINUTES, fail),
    translateField(hours, HOURS, fail),
    dayOfMonth === '?' ? '*' : translateDayOfMonth(dayOfMonth, fail),
    translateField(month, MONTH, fail),
    dayOfWeek === '?' ? '*' : translateDayOfWeek(dayOfWeek, fail),
    translateField(year, YEAR, fail),
  ].join(' ');
}

function parseValue(token: string, spec: FieldSpec, fail: Fail): number {
  let value: number | undefined;
  if (/^\d+$/.test(token)) value = Number(token);
  else if (spec.names) {
    const index = spec.names.indexOf(token);
    if (index >= 0) value = index + spec.min;
  }
  if (value === undefined) return fail(`${token} is not a valid value in the ${spec.name} field`);
  if (value < spec.min || value > spec.max) {
    const names = spec.names ? ` or ${spec.names[0]}-${spec.names[spec.names.length - 1]}` : '';
    fail(`${token} is out of range in the ${spec.name} field (${spec.min}-${spec.max}${names})`);
  }
  return value + (spec.shift ?? 0);
}

/** `*`, `a`, `a-b`, with an optional `/step`; lists of these separated by commas. */
function translateField(field: string, spec: FieldSpec, fail: Fail): string {
  if (field === '') return fail(`the ${spec.name} field is empty`);
  return field
    .split(',')
    .map((item) => {
      const match = /^([^/]+)(?:\/(\d+))?$/.exec(item);
      if (!match) return fail(`${item} is not valid in the ${spec.name} field`);
      const [, range = '', stepText] = match;
      const step = stepText === undefined ? undefined : Number(stepText);
      if (step !== undefined && step < 1) fail(`the increment in ${item} must be at least 1`);
      const shift = spec.shift ?? 0;
      if (range === '*' && step === undefined) return '*';
      // croner steps a bare * from its own lower bound (year 1, weekday 0), and AWS's 5/15 means
      // 5, 20, 35, ... to the field's end: both are spelt out as a range.
      let low = spec.min + shift;
      let high = spec.max + shift;
      if (range !== '*') {
        const bounds = range.split('-');
        if (bounds.length > 2) return fail(`${item} is not valid in the ${spec.name} field`);
        low = parseValue(bounds[0] ?? '', spec, fail);
        if (bounds.length === 2) {
          high = parseValue(bounds[1] ?? '', spec, fail);
          if (high < low) fail(`the range ${range} in the ${spec.name} field runs backwards`);
        } else if (step === undefined) {
          return `${low}`;
        }
      }
      if (step === undefined) return `${low}-${high}`;
      // A step longer than the range leaves its first value (croner refuses such a step).
      return step > high - low ? `${low}` : `${low}-${high}/${step}`;
    })
    .join(',');
}

/** Day-of-month adds L (last day), LW (last weekday) and nW (weekday nearest the nth). */
function translateDayOfMonth(field: string, fail: Fail): string {
  if (field === 'L' || field === 'LW') return field;
  const nearest = /^(\d+)W$/.exec(field);
  if (nearest) return `${parseValue(nearest[1] ?? '', DAY_OF_MONTH, fail)}W`;
  if (/[LW]/.test(field)) fail(`${field} is not valid in the Day-of-month field: use L, LW or nW alone`);
  return translateField(field, DAY_OF_MONTH, fail);
}

/** Day-of-week adds L (Saturday, the week's last day), nL (the month's last such day) and n#k. */
function translateDayOfWeek(field: string, fail: Fail): string {
  if (field === 'L') return String(DAY_OF_WEEK.max + (DAY_OF_WEEK.shift ?? 0));
  const last = /^(\w+)L$/.exec(field);
  if (last) return `${parseValue(last[1] ?? '', DAY_OF_WEEK, fail)}#L`;
  const nth = /^(\w+)#(\d+)$/.exec(field);
  if (nth) {
    const occurrence = Number(nth[2]);
    if (occurrence < 1 || occurrence > 5) fail(`${field}: the occurrence after # must be 1-5`);
    return `${parseValue(nth[1] ?? '', DAY_OF_WEEK, fail)}#${occurrence}`;
  }
  if (/[L#]/.test(field)) fail(`${field} is not valid in the Day-of-week field: use L, nL or n#k alone`);
  return translateField(field, DAY_OF_WEEK, fail);
}

function parseCron(
  text: string,
  body: string,
  kind: ScheduleKind,
  offsetDays: number,
  timezone: string | undefined,
  fail: Fail,
): ScheduleExpression {
  const pattern = translateAwsCron(body, text);
  if (kind === 'association') {
    const fields = body.split(/\s+/);
    if (fields.length === 7 && !/^0+$/.test(fields[0] ?? '')) {
      fail('for an association the Seconds field can only be 0');
    }
    if (fields[fields.length - 3] !== '*') {
      fail('State Manager does not support specifying months in cron expressions for associations');
    }
  }
  const cronOptions = { mode: '7-part', domAndDow: true } as const;
  let shortest: number | undefined;
  let cron: Cron;
  try {
    shortest = shortestInterval(new Cron(pattern, { ...cronOptions, timezone: 'UTC' }));
    cron = new Cron(pattern, { ...cronOptions, timezone: timezone ?? 'UTC' });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const minimum = kind === 'association' ? ASSOCIATION_MIN_INTERVAL_MS : CRON_MIN_INTERVAL_MS;
  if (shortest !== undefined && shortest < minimum) {
    fail(
      kind === 'association'
        ? 'associations do not run more often than every 30 minutes'
        : 'cron expressions that lead to rates faster than 5 minutes are not supported',
    );
  }

  const nextMatch = (after: number): number | undefined => cron.nextRun(new Date(after))?.getTime();
  return {
    type: 'cron',
    text,
    next(after, since) {
      const afterMs = after.getTime();
      const sinceMs = since?.getTime() ?? -Infinity;
      if (offsetDays === 0) {
        const match = nextMatch(Math.max(afterMs, sinceMs));
        return match === undefined ? undefined : new Date(match);
      }
      // A match m runs at m + offset days (on the schedule's wall clock): find the first m after
      // `since` whose run is after `after`, starting a little early for daylight-saving shifts.
      let from = Math.max(afterMs - offsetDays * DAY - 2 * HOUR, sinceMs);
      for (let match = nextMatch(from); match !== undefined; match = nextMatch(from)) {
        const run = addDays(match, offsetDays, timezone);
        if (run > afterMs) return new Date(run);
        from = match;
      }
      return undefined;
    },
  };
}

/** The shortest gap between runs seen over a sample of them, in UTC (so no DST artefacts). */
function shortestInterval(cron: Cron): number | undefined {
  let shortest: number | undefined;
  let previous: number | undefined;
  let first: number | undefined;
  let from = new Date(Date.UTC(1970, 0, 1) - 1);
  for (let runs = 0; runs < 300; runs++) {
    const run = cron.nextRun(from);
    if (!run) break;
    const at = run.getTime();
    if (previous !== undefined) {
      const gap = at - previous;
      if (shortest === undefined || gap < shortest) shortest = gap;
      // A year and more of runs shows every month and year boundary.
      if (first !== undefined && at - first > 400 * DAY) break;
    }
    first ??= at;
    previous = at;
    from = run;
  }
  return shortest;
}
