// When a schedule runs next. Hours are wall-clock hours in the spreadsheet's time zone, so a
// "daily at 9" schedule stays at 9 across DST changes. Apps Script V8 has Intl with full time
// zone data; we read wall-clock parts with formatToParts and never rely on the script's own zone.
import { AddonError } from '../result';
import type { Recurrence } from '../rpc';

export type FieldProblem = { field: string; message: string };

/** A recurrence, time zone or date that nextRunAt cannot use; `fields` names each problem. */
export class RecurrenceError extends AddonError {
  constructor(readonly fields: FieldProblem[]) {
    super('invalid_request', fields.map((f) => f.message).join(' '), fields);
    this.name = 'RecurrenceError';
  }
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function isWholeIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Every problem with a recurrence as it arrives from the browser (field names are `recurrence.*`). */
export function recurrenceProblems(value: unknown): FieldProblem[] {
  if (typeof value !== 'object' || value === null) {
    return [{ field: 'recurrence', message: 'Choose how often the schedule runs: every hour, every day or every week.' }];
  }
  const r = value as Record<string, unknown>;
  if (r.every === 'form_submit' || r.every === 'new_rows') return [];
  if (r.every !== 'hour' && r.every !== 'day' && r.every !== 'week') {
    return [{ field: 'recurrence.every', message: `Repeat must be every hour, day or week, on form submit or on new rows (got ${JSON.stringify(r.every) ?? 'nothing'}).` }];
  }
  const problems: FieldProblem[] = [];
  if (r.every === 'week' && !isWholeIn(r.weekday, 0, 6)) {
    problems.push({ field: 'recurrence.weekday', message: `Weekday must be a whole number from 0 (Sunday) to 6 (Saturday) (got ${JSON.stringify(r.weekday) ?? 'nothing'}).` });
  }
  if (r.every !== 'hour' && !isWholeIn(r.hour, 0, 23)) {
    problems.push({ field: 'recurrence.hour', message: `Hour must be a whole number from 0 to 23 (got ${JSON.stringify(r.hour) ?? 'nothing'}).` });
  }
  return problems;
}

/** A clean copy (no stray keys from the browser); call only when recurrenceProblems found none. */
export function normalizeRecurrence(r: Recurrence): Recurrence {
  if (r.every === 'hour' || r.every === 'form_submit' || r.every === 'new_rows') return { every: r.every };
  if (r.every === 'day') return { every: 'day', hour: r.hour };
  return { every: 'week', weekday: r.weekday, hour: r.hour };
}

/** "Every hour", "Every day at 09:00", "Every Monday at 18:00" (the sheet's time zone), "On form submit", "New rows …". */
export function describeRecurrence(r: Recurrence): string {
  if (r.every === 'hour') return 'Every hour';
  if (r.every === 'form_submit') return 'On form submit';
  if (r.every === 'new_rows') return 'New rows (checked every hour)';
  const at = `${String(r.hour).padStart(2, '0')}:00`;
  return r.every === 'day' ? `Every day at ${at}` : `Every ${WEEKDAYS[r.weekday] ?? '?'} at ${at}`;
}

/** Reads wall-clock time in one zone: `offset(t)` is local time minus UTC, in ms. */
function zoneReader(timeZone: string): (t: number) => { offset: number; minute: number } {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
  } catch {
    throw new RecurrenceError([{ field: 'timeZone', message: `Unknown time zone "${timeZone}": set the spreadsheet's time zone in File → Settings.` }]);
  }
  return (t) => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(t))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    // Some engines print midnight as 24 even with h23.
    const local = Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, (p.hour ?? 0) % 24, p.minute ?? 0, p.second ?? 0);
    return { offset: local - (t - (((t % 1000) + 1000) % 1000)), minute: p.minute ?? 0 };
  };
}

/** The first instant whose wall clock reads `wall` (ms, as if UTC), or null when DST skips it. */
function firstInstantAt(wall: number, read: ReturnType<typeof zoneReader>): number | null {
  // Offsets change at most once a day: the ones a day either side are the only candidates.
  const candidates = [read(wall - DAY_MS).offset, read(wall + DAY_MS).offset].map((o) => wall - o);
  const valid = candidates.filter((t) => t + read(t).offset === wall);
  return valid.length ? Math.min(...valid) : null;
}

/** When `hour` o'clock on a local date happens; a skipped hour runs at the next hour that exists. */
function runOnDate(localMidnight: number, hour: number, read: ReturnType<typeof zoneReader>): number {
  for (let h = hour; h < hour + 4; h++) {
    const t = firstInstantAt(localMidnight + h * HOUR_MS, read);
    if (t !== null) return t;
  }
  throw new Error(`No wall-clock hour exists near ${hour}:00 on ${new Date(localMidnight).toISOString().slice(0, 10)}.`);
}

/**
 * The first run strictly after `after`. Hourly: the next whole hour of the zone's wall clock.
 * Daily/weekly: `hour` o'clock in `timeZone`; when DST makes that hour happen twice it runs at
 * the first; when DST skips it, at the next hour that exists. Weekday 0 = Sunday.
 * Throws RecurrenceError with a readable message on invalid input.
 */
export function nextRunAt(recurrence: Recurrence, after: Date, timeZone: string): Date {
  const problems = recurrenceProblems(recurrence);
  if (!(after instanceof Date) || Number.isNaN(after.getTime())) problems.push({ field: 'after', message: 'The start time is not a valid date.' });
  if (problems.length) throw new RecurrenceError(problems);
  const read = zoneReader(timeZone);
  const from = after.getTime();

  // New rows are looked for at each hourly check; a form schedule has no slots (its next
  // "slot" is only shown as the next check and never dispatched).
  if (recurrence.every === 'hour' || recurrence.every === 'new_rows' || recurrence.every === 'form_submit') {
    // Every zone in use today is offset by a multiple of 15 minutes: check quarter-hours.
    const quarter = 15 * 60_000;
    const first = Math.floor(from / quarter) * quarter + quarter;
    for (let t = first; t < first + 3 * HOUR_MS; t += quarter) if (read(t).minute === 0) return new Date(t);
    return new Date(Math.floor(from / HOUR_MS) * HOUR_MS + HOUR_MS);
  }

  const localNow = from + read(from).offset;
  const today = Math.floor(localNow / DAY_MS) * DAY_MS;
  for (let day = today - DAY_MS; day <= today + 8 * DAY_MS; day += DAY_MS) {
    if (recurrence.every === 'week' && new Date(day).getUTCDay() !== recurrence.weekday) continue;
    const t = runOnDate(day, recurrence.hour, read);
    if (t > from) return new Date(t);
  }
  throw new Error('No run found within 8 days.'); // unreachable: every week holds each weekday
}
