import { describe, expect, it } from 'vitest';
import type { Recurrence } from '../../../../addon/server/rpc';
import { describeRecurrence, nextRunAt, RecurrenceError, recurrenceProblems } from '../../../../addon/server/schedules/recurrence';

const next = (r: Recurrence, after: string, tz = 'UTC'): string => nextRunAt(r, new Date(after), tz).toISOString();

/** Runs a recurrence forward `n` times from `after`. */
function series(r: Recurrence, after: string, tz: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(after);
  for (let i = 0; i < n; i++) out.push((at = nextRunAt(r, at, tz)).toISOString());
  return out;
}

describe('nextRunAt, hourly', () => {
  it('runs at the next whole hour, strictly after the given time', () => {
    expect(next({ every: 'hour' }, '2025-01-10T10:20:30.000Z')).toBe('2025-01-10T11:00:00.000Z');
    expect(next({ every: 'hour' }, '2025-01-10T11:00:00.000Z')).toBe('2025-01-10T12:00:00.000Z');
    expect(next({ every: 'hour' }, '2025-12-31T23:59:59.999Z')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('uses the whole hours of the sheet’s clock in a half-hour zone (India, UTC+5:30)', () => {
    expect(next({ every: 'hour' }, '2025-01-10T10:20:00.000Z', 'Asia/Kolkata')).toBe('2025-01-10T10:30:00.000Z');
  });

  it('runs every real hour through the autumn change in Paris (02:00 happens twice)', () => {
    expect(series({ every: 'hour' }, '2025-10-25T23:30:00.000Z', 'Europe/Paris', 3)).toEqual([
      '2025-10-26T00:00:00.000Z', // 02:00 CEST
      '2025-10-26T01:00:00.000Z', // 02:00 CET
      '2025-10-26T02:00:00.000Z', // 03:00 CET
    ]);
  });
});

describe('nextRunAt, daily', () => {
  it('runs at the hour today when it is still ahead, else tomorrow (UTC)', () => {
    expect(next({ every: 'day', hour: 9 }, '2025-01-10T08:59:00.000Z')).toBe('2025-01-10T09:00:00.000Z');
    expect(next({ every: 'day', hour: 9 }, '2025-01-10T09:00:00.000Z')).toBe('2025-01-11T09:00:00.000Z');
    expect(next({ every: 'day', hour: 0 }, '2025-02-28T12:00:00.000Z')).toBe('2025-03-01T00:00:00.000Z');
  });

  it('keeps 09:00 on the wall clock in Paris across the spring change (UTC+1 → UTC+2)', () => {
    expect(series({ every: 'day', hour: 9 }, '2025-03-29T00:00:00.000Z', 'Europe/Paris', 3)).toEqual([
      '2025-03-29T08:00:00.000Z',
      '2025-03-30T07:00:00.000Z',
      '2025-03-31T07:00:00.000Z',
    ]);
  });

  it('runs a skipped 02:00 at 03:00, the next hour that exists, on the spring change day in Paris', () => {
    expect(series({ every: 'day', hour: 2 }, '2025-03-29T00:00:00.000Z', 'Europe/Paris', 3)).toEqual([
      '2025-03-29T01:00:00.000Z', // 02:00 CET
      '2025-03-30T01:00:00.000Z', // 03:00 CEST: 02:00 does not exist that night
      '2025-03-31T00:00:00.000Z', // 02:00 CEST
    ]);
  });

  it('keeps 09:00 in Paris across the autumn change (UTC+2 → UTC+1)', () => {
    expect(series({ every: 'day', hour: 9 }, '2025-10-25T00:00:00.000Z', 'Europe/Paris', 3)).toEqual([
      '2025-10-25T07:00:00.000Z',
      '2025-10-26T08:00:00.000Z',
      '2025-10-27T08:00:00.000Z',
    ]);
  });

  it('runs a repeated 02:00 once, at its first occurrence, on the autumn change day in Paris', () => {
    expect(series({ every: 'day', hour: 2 }, '2025-10-25T12:00:00.000Z', 'Europe/Paris', 2)).toEqual([
      '2025-10-26T00:00:00.000Z', // first 02:00 (CEST); the second, at 01:00Z, is skipped
      '2025-10-27T01:00:00.000Z',
    ]);
  });

  it('uses the sheet’s local date when it differs from the UTC date', () => {
    // 22:00 on Dec 31 in Los Angeles is already Jan 1 in UTC.
    expect(next({ every: 'day', hour: 23 }, '2025-01-01T06:00:00.000Z', 'America/Los_Angeles')).toBe('2025-01-01T07:00:00.000Z');
  });
});

describe('nextRunAt, weekly', () => {
  it('runs on the weekday (0 = Sunday) at the hour', () => {
    const monday18: Recurrence = { every: 'week', weekday: 1, hour: 18 };
    expect(next(monday18, '2025-01-01T00:00:00.000Z')).toBe('2025-01-06T18:00:00.000Z'); // from a Wednesday
    expect(next(monday18, '2025-01-06T17:00:00.000Z')).toBe('2025-01-06T18:00:00.000Z');
    expect(next(monday18, '2025-01-06T18:00:00.000Z')).toBe('2025-01-13T18:00:00.000Z');
    expect(next({ every: 'week', weekday: 0, hour: 8 }, '2025-01-06T00:00:00.000Z')).toBe('2025-01-12T08:00:00.000Z');
  });

  it('reads the weekday on the sheet’s clock: Sunday 23:00 in Los Angeles is Monday in UTC', () => {
    expect(next({ every: 'week', weekday: 0, hour: 23 }, '2025-01-05T12:00:00.000Z', 'America/Los_Angeles')).toBe('2025-01-06T07:00:00.000Z');
  });

  it('crosses the spring change in Paris on a Sunday', () => {
    expect(series({ every: 'week', weekday: 0, hour: 2 }, '2025-03-22T12:00:00.000Z', 'Europe/Paris', 3)).toEqual([
      '2025-03-23T01:00:00.000Z',
      '2025-03-30T01:00:00.000Z', // 03:00 CEST
      '2025-04-06T00:00:00.000Z',
    ]);
  });
});

describe('invalid input', () => {
  it('rejects hours and weekdays out of range with readable messages', () => {
    expect(() => next({ every: 'day', hour: 24 }, '2025-01-01T00:00:00Z')).toThrow(/Hour must be a whole number from 0 to 23 \(got 24\)/);
    expect(() => next({ every: 'day', hour: 9.5 }, '2025-01-01T00:00:00Z')).toThrow(/Hour must be a whole number/);
    expect(() => next({ every: 'week', weekday: 7, hour: 9 }, '2025-01-01T00:00:00Z')).toThrow(/Weekday must be a whole number from 0 \(Sunday\) to 6 \(Saturday\) \(got 7\)/);
    expect(() => next({ every: 'month' } as unknown as Recurrence, '2025-01-01T00:00:00Z')).toThrow(/every hour, day or week/);
    expect(() => nextRunAt({ every: 'hour' }, new Date('nonsense'), 'UTC')).toThrow(/not a valid date/);
  });

  it('names the unknown time zone', () => {
    expect(() => next({ every: 'day', hour: 9 }, '2025-01-01T00:00:00Z', 'Mars/Olympus')).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });

  it('lists every bad field, as a RecurrenceError with code invalid_request', () => {
    expect(recurrenceProblems({ every: 'week', weekday: -1, hour: '9' }).map((p) => p.field)).toEqual(['recurrence.weekday', 'recurrence.hour']);
    expect(recurrenceProblems(null).map((p) => p.field)).toEqual(['recurrence']);
    try {
      next({ every: 'week', weekday: 9, hour: 30 }, '2025-01-01T00:00:00Z');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(RecurrenceError);
      expect((e as RecurrenceError).code).toBe('invalid_request');
      expect((e as RecurrenceError).fields.map((f) => f.field)).toEqual(['recurrence.weekday', 'recurrence.hour']);
    }
  });
});

describe('describeRecurrence', () => {
  it('says the recurrence in words', () => {
    expect(describeRecurrence({ every: 'hour' })).toBe('Every hour');
    expect(describeRecurrence({ every: 'day', hour: 9 })).toBe('Every day at 09:00');
    expect(describeRecurrence({ every: 'week', weekday: 1, hour: 18 })).toBe('Every Monday at 18:00');
  });
});
