import { describe, expect, it } from 'vitest';
import {
  InvalidScheduleExpression,
  parseScheduleExpression,
  translateAwsCron,
  type ScheduleExpressionOptions,
} from '../src/core/schedule-expression.js';

const window: ScheduleExpressionOptions = { kind: 'maintenanceWindow' };
const association: ScheduleExpressionOptions = { kind: 'association' };

/** The first `count` runs after `from`, as ISO strings. */
function runs(text: string, from: string, count = 3, options = window): string[] {
  const expression = parseScheduleExpression(text, options);
  const found: string[] = [];
  let after: Date | undefined = new Date(from);
  while (found.length < count) {
    after = expression.next(after);
    if (!after) break;
    found.push(after.toISOString());
  }
  return found;
}

function reasonFor(text: string, options = window): string {
  try {
    parseScheduleExpression(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidScheduleExpression);
    expect((error as InvalidScheduleExpression).expression).toBe(text);
    return (error as InvalidScheduleExpression).reason;
  }
  throw new Error(`${text} was accepted`);
}

describe('AWS cron translated to croner', () => {
  it.each([
    ['0 10 * * ? *', '0 0 10 * * * *'],
    ['24 30 09 ? * * *', '24 30 9 * * * *'],
    ['0 */30 * * * ? *', '0 0-59/30 * * * * *'],
    ['0 0/30 * * ? *', '0 0 0 * * * *'],
    // AWS weekdays are 1-7 from Sunday, croner's 0-6; names become numbers
    ['0 16 ? * 3 *', '0 0 16 * * 2 *'],
    ['0 16 ? * sun,SAT *', '0 0 16 * * 0,6 *'],
    ['0 18 ? * MON-FRI *', '0 0 18 * * 1-5 *'],
    ['0 2 ? * THU#3 *', '0 0 2 * * 4#3 *'],
    ['15 10 ? * 6L *', '0 15 10 * * 5#L *'],
    ['0 0 ? * L *', '0 0 0 * * 6 *'],
    // AWS's a/b runs from a to the end of the field; a bare */b is spelt out from AWS's lower bound
    ['5/15 * * * ? *', '0 5-59/15 * * * * *'],
    ['0 0 ? * 2/2 *', '0 0 0 * * 1-6/2 *'],
    ['0 0 ? * */2 *', '0 0 0 * * 0-6/2 *'],
    ['0 0 1 */3 ? 2026/2', '0 0 0 1 1-12/3 * 2026-2199/2'],
    ['0 0 1 JAN-MAR ? *', '0 0 0 1 1-3 * *'],
    ['0 2 L * ? *', '0 0 2 L * * *'],
    ['0 0 LW * ? *', '0 0 0 LW * * *'],
    ['0 0 15W * ? *', '0 0 0 15W * * *'],
  ])('cron(%s) is %s', (aws, croner) => {
    expect(translateAwsCron(aws)).toBe(croner);
  });
});

describe('cron next runs (UTC)', () => {
  // 2026-01-01 is a Thursday.
  const from = '2026-01-01T00:00:00Z';

  it('runs daily, and every n minutes from the given minute', () => {
    expect(runs('cron(0 10 * * ? *)', from)).toEqual([
      '2026-01-01T10:00:00.000Z',
      '2026-01-02T10:00:00.000Z',
      '2026-01-03T10:00:00.000Z',
    ]);
    expect(runs('cron(5/20 * * * ? *)', from, 4)).toEqual([
      '2026-01-01T00:05:00.000Z',
      '2026-01-01T00:25:00.000Z',
      '2026-01-01T00:45:00.000Z',
      '2026-01-01T01:05:00.000Z',
    ]);
  });

  it('numbers weekdays 1-7 from Sunday, like the names', () => {
    expect(runs('cron(0 0 ? * 1 *)', from, 1)).toEqual(['2026-01-04T00:00:00.000Z']); // Sunday
    expect(runs('cron(0 0 ? * SUN *)', from, 1)).toEqual(['2026-01-04T00:00:00.000Z']);
    expect(runs('cron(0 0 ? * 7 *)', from, 1)).toEqual(['2026-01-03T00:00:00.000Z']); // Saturday
    expect(runs('cron(0 0 ? * 2/2 *)', from, 3)).toEqual([
      '2026-01-02T00:00:00.000Z', // Friday (6)
      '2026-01-05T00:00:00.000Z', // Monday (2)
      '2026-01-07T00:00:00.000Z', // Wednesday (4)
    ]);
    expect(runs('cron(0 18 ? * MON-FRI *)', '2026-01-02T19:00:00Z', 2)).toEqual([
      '2026-01-05T18:00:00.000Z',
      '2026-01-06T18:00:00.000Z',
    ]);
  });

  it('handles #, L and W', () => {
    expect(runs('cron(0 2 ? * THU#3 *)', from)).toEqual([
      '2026-01-15T02:00:00.000Z',
      '2026-02-19T02:00:00.000Z',
      '2026-03-19T02:00:00.000Z',
    ]);
    expect(runs('cron(0 2 L * ? *)', from)).toEqual([
      '2026-01-31T02:00:00.000Z',
      '2026-02-28T02:00:00.000Z',
      '2026-03-31T02:00:00.000Z',
    ]);
    expect(runs('cron(15 10 ? * 6L *)', from, 2)).toEqual([
      '2026-01-30T10:15:00.000Z', // last Friday
      '2026-02-27T10:15:00.000Z',
    ]);
    // 2026-02-15 is a Sunday: the nearest weekday is Monday the 16th; 2026-01-31 is a Saturday.
    expect(runs('cron(0 0 15W * ? *)', from, 2)).toEqual([
      '2026-01-15T00:00:00.000Z',
      '2026-02-16T00:00:00.000Z',
    ]);
    expect(runs('cron(0 0 LW * ? *)', from, 1)).toEqual(['2026-01-30T00:00:00.000Z']);
  });

  it('takes month names, the year field and the optional seconds field', () => {
    expect(runs('cron(0 0 1 JAN,jul ? 2027-2028)', from, 5)).toEqual([
      '2027-01-01T00:00:00.000Z',
      '2027-07-01T00:00:00.000Z',
      '2028-01-01T00:00:00.000Z',
      '2028-07-01T00:00:00.000Z',
    ]);
    expect(runs('cron(0 0 1 * ? 2025)', from)).toEqual([]);
    expect(runs('cron(24 30 09 ? * * *)', from, 1)).toEqual(['2026-01-01T09:30:24.000Z']);
  });

  it('reads the wall clock of a schedule timezone', () => {
    const options = { kind: 'maintenanceWindow', timezone: 'America/Los_Angeles' } as const;
    expect(runs('cron(0 9 ? * WED *)', from, 1, options)).toEqual(['2026-01-07T17:00:00.000Z']); // PST
    expect(runs('cron(0 9 ? * WED *)', '2026-07-01T00:00:00Z', 1, options)).toEqual([
      '2026-07-01T16:00:00.000Z',
    ]);
  });
});

describe('schedule offsets', () => {
  it('runs offset days after each cron match', () => {
    const options = { kind: 'maintenanceWindow', offsetDays: 2 } as const;
    // the third Tuesday of January 2026 is the 20th
    expect(runs('cron(30 23 ? * TUE#3 *)', '2026-01-01T00:00:00Z', 2, options)).toEqual([
      '2026-01-22T23:30:00.000Z',
      '2026-02-19T23:30:00.000Z',
    ]);
    // daily with an offset keeps running daily
    expect(
      runs('cron(0 6 * * ? *)', '2026-01-01T00:00:00Z', 3, { kind: 'association', offsetDays: 3 }),
    ).toEqual(['2026-01-01T06:00:00.000Z', '2026-01-02T06:00:00.000Z', '2026-01-03T06:00:00.000Z']);
  });

  it('does not run a match from before the schedule took effect, even when its offset run is ahead', () => {
    const expression = parseScheduleExpression('cron(0 12 ? * MON *)', { ...window, offsetDays: 2 });
    // Created on Tuesday 2026-01-06: Monday the 5th has passed, so not Wednesday the 7th but the 14th.
    const created = new Date('2026-01-06T08:00:00Z');
    expect(expression.next(created, created)?.toISOString()).toBe('2026-01-14T12:00:00.000Z');
    expect(expression.next(created)?.toISOString()).toBe('2026-01-07T12:00:00.000Z');
  });

  it('counts offset days on the schedule timezone wall clock across a daylight-saving change', () => {
    const options = { kind: 'maintenanceWindow', offsetDays: 2, timezone: 'America/Los_Angeles' } as const;
    // 23:30 on Saturday 2026-03-07 (PST) + 2 days = 23:30 on Monday the 9th (PDT), not 48 hours later.
    expect(runs('cron(30 23 ? * SAT *)', '2026-03-04T00:00:00Z', 1, options)).toEqual([
      '2026-03-10T06:30:00.000Z',
    ]);
    // the week before, both ends are PST
    expect(runs('cron(30 23 ? * SAT *)', '2026-02-25T00:00:00Z', 1, options)).toEqual([
      '2026-03-03T07:30:00.000Z',
    ]);
  });

  it('is refused with rate and at, and outside 1-6 days', () => {
    expect(reasonFor('rate(1 day)', { ...window, offsetDays: 1 })).toMatch(/only be used with a cron/);
    expect(reasonFor('at(2030-01-01T00:00:00)', { ...association, offsetDays: 1 })).toMatch(
      /only be used with a cron/,
    );
    expect(reasonFor('cron(0 0 * * ? *)', { ...window, offsetDays: 7 })).toMatch(/1 to 6/);
  });
});

describe('invalid cron expressions', () => {
  it.each([
    ['cron(0 0 * * ?)', /six fields/],
    ['cron(0 0 0 0 * * ? *)', /six fields/],
    ['cron(0 0 * * * *)', /\? in exactly one/],
    ['cron(0 0 ? * ? *)', /\? in exactly one/],
    ['cron(0 0 1 * MON *)', /\? in exactly one/],
    ['cron(60 0 * * ? *)', /out of range in the Minutes field/],
    ['cron(0 24 * * ? *)', /out of range in the Hours field/],
    ['cron(0 0 32 * ? *)', /out of range in the Day-of-month field/],
    ['cron(0 0 1 13 ? *)', /out of range in the Month field/],
    ['cron(0 0 ? * 0 *)', /out of range in the Day-of-week field \(1-7 or SUN-SAT\)/],
    ['cron(0 0 ? * 8 *)', /out of range in the Day-of-week field/],
    ['cron(0 0 1 * ? 1969)', /out of range in the Year field/],
    ['cron(0 0 ? * MOO *)', /MOO is not a valid value/],
    ['cron(0 0 ? * FRI-MON *)', /runs backwards/],
    ['cron(0 0 ? * MON#6 *)', /1-5/],
    ['cron(0 0 ? * MON,WED#2 *)', /alone/],
    ['cron(0 0 L-3 * ? *)', /alone/],
    ['cron(0 0 ? * L#2 *)', /not a valid value/],
    ['cron(0/0 * * * ? *)', /at least 1/],
    ['cron(0/4 * * * ? *)', /faster than 5 minutes/],
    ['cron(0/10 * * * * ? *)', /faster than 5 minutes/],
    ['cron(0,3 12 * * ? *)', /faster than 5 minutes/],
    ['Cron(0 0 * * ? *)', /cron\(...\), rate\(...\) or at\(...\)/],
    ['every day', /cron\(...\), rate\(...\) or at\(...\)/],
  ])('%s', (text, reason) => {
    expect(reasonFor(text)).toMatch(reason);
  });

  it('refuses an unknown time zone', () => {
    expect(reasonFor('cron(0 0 * * ? *)', { ...window, timezone: 'Mars/Olympus_Mons' })).toMatch(/time zone/);
  });

  it('is an Error with an AWS-style message', () => {
    expect(() => parseScheduleExpression('rate(1 hours)', window)).toThrow(
      'The schedule expression rate(1 hours) is not valid: use a singular unit when the value is 1: rate(1 hour).',
    );
  });
});

describe('association limits', () => {
  it('takes crons no more often than every 30 minutes', () => {
    expect(runs('cron(0/30 * * * ? *)', '2026-01-01T00:00:00Z', 2, association)).toEqual([
      '2026-01-01T00:30:00.000Z',
      '2026-01-01T01:00:00.000Z',
    ]);
    expect(runs('cron(15 13 ? * MON *)', '2026-01-01T00:00:00Z', 1, association)).toEqual([
      '2026-01-05T13:15:00.000Z',
    ]);
    expect(reasonFor('cron(0/15 * * * ? *)', association)).toMatch(/every 30 minutes/);
    expect(reasonFor('cron(0,20 * * * ? *)', association)).toMatch(/every 30 minutes/);
    // fine for a maintenance window
    expect(runs('cron(0/15 * * * ? *)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-01T00:15:00.000Z']);
  });

  it('takes the Seconds field only as 0, and no months', () => {
    // the guide's own example
    expect(runs('cron(0 */30 * * * ? *)', '2026-01-01T00:00:00Z', 1, association)).toEqual([
      '2026-01-01T00:30:00.000Z',
    ]);
    expect(reasonFor('cron(5 0 12 * * ? *)', association)).toMatch(/Seconds field can only be 0/);
    expect(reasonFor('cron(0 12 1 JAN ? *)', association)).toMatch(/months/);
    expect(runs('cron(0 12 1 JAN ? *)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-01T12:00:00.000Z']);
  });
});

describe('rate expressions', () => {
  it('is after + the interval', () => {
    const expression = parseScheduleExpression('rate(30 minutes)', association);
    expect(expression.type).toBe('rate');
    expect(expression.intervalMs).toBe(30 * 60_000);
    expect(expression.next(new Date('2026-01-01T00:10:00Z'))?.toISOString()).toBe('2026-01-01T00:40:00.000Z');
    expect(runs('rate(1 hour)', '2026-01-01T00:00:00Z', 2)).toEqual([
      '2026-01-01T01:00:00.000Z',
      '2026-01-01T02:00:00.000Z',
    ]);
    expect(runs('rate(2 days)', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-03T00:00:00.000Z']);
  });

  it('wants a singular unit for 1 and a plural one above', () => {
    for (const ok of ['rate(1 minute)', 'rate(1 hour)', 'rate(1 day)', 'rate(5 minutes)', 'rate(5 hours)']) {
      expect(parseScheduleExpression(ok, window).type).toBe('rate');
    }
    expect(reasonFor('rate(1 hours)')).toMatch(/singular unit when the value is 1: rate\(1 hour\)/);
    expect(reasonFor('rate(5 hour)')).toMatch(/plural unit .*: rate\(5 hours\)/);
    expect(reasonFor('rate(1 days)')).toMatch(/singular/);
  });

  it('refuses what is not a positive whole number of a known unit', () => {
    expect(reasonFor('rate(0 minutes)')).toMatch(/positive/);
    expect(reasonFor('rate(-5 minutes)')).toMatch(/rate\(value unit\)/);
    expect(reasonFor('rate(1.5 hours)')).toMatch(/rate\(value unit\)/);
    expect(reasonFor('rate(2 weeks)')).toMatch(/minute, minutes, hour, hours, day or days/);
    expect(reasonFor('rate(2)')).toMatch(/rate\(value unit\)/);
  });

  it('limits associations to 30 minutes up to (not including) 31 days', () => {
    expect(reasonFor('rate(29 minutes)', association)).toMatch(/30 minutes or greater/);
    expect(parseScheduleExpression('rate(30 minutes)', association).intervalMs).toBe(30 * 60_000);
    expect(parseScheduleExpression('rate(30 days)', association).intervalMs).toBe(30 * 86_400_000);
    expect(reasonFor('rate(31 days)', association)).toMatch(/less than 31 days/);
    expect(reasonFor('rate(744 hours)', association)).toMatch(/less than 31 days/);
    // maintenance windows take them
    expect(parseScheduleExpression('rate(5 minutes)', window).intervalMs).toBe(5 * 60_000);
    expect(parseScheduleExpression('rate(60 days)', window).intervalMs).toBe(60 * 86_400_000);
  });
});

describe('at expressions', () => {
  it('runs once, in UTC unless a timezone is given', () => {
    const expression = parseScheduleExpression('at(2026-07-07T15:55:00)', association);
    expect(expression.type).toBe('at');
    expect(expression.next(new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe('2026-07-07T15:55:00.000Z');
    expect(expression.next(new Date('2026-07-07T15:55:00Z'))).toBeUndefined();
    expect(
      runs('at(2019-07-07T13:15:30)', '2019-01-01T00:00:00Z', 1, {
        ...window,
        timezone: 'America/Los_Angeles',
      }),
    ).toEqual(['2019-07-07T20:15:30.000Z']);
  });

  it('takes a time skipped by daylight saving as just after the gap, a repeated one as the first', () => {
    const options = { ...window, timezone: 'America/Los_Angeles' };
    expect(runs('at(2026-03-08T02:30:00)', '2026-01-01T00:00:00Z', 1, options)).toEqual([
      '2026-03-08T10:30:00.000Z', // 03:30 PDT
    ]);
    expect(runs('at(2026-11-01T01:30:00)', '2026-01-01T00:00:00Z', 1, options)).toEqual([
      '2026-11-01T08:30:00.000Z', // 01:30 PDT, the first of the two
    ]);
  });

  it('refuses other formats and dates that do not exist', () => {
    expect(reasonFor('at(2026-02-30T15:55:00)')).toMatch(/not a valid date and time/);
    expect(reasonFor('at(2026-07-07T24:00:00)')).toMatch(/not a valid date and time/);
    expect(reasonFor('at(2026-07-07 15:55:00)')).toMatch(/at\(yyyy-mm-ddThh:mm:ss\)/);
    expect(reasonFor('at(2026-07-07T15:55:00Z)')).toMatch(/at\(yyyy-mm-ddThh:mm:ss\)/);
  });
});
