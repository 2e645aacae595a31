// Schedules and runs in words.
import type { Recurrence, ScheduleRun } from '../../server/rpc';

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function hourText(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}

export function recurrenceText(r: Recurrence): string {
  if (r.every === 'hour') return 'Every hour';
  if (r.every === 'day') return `Every day at ${hourText(r.hour)}`;
  return `Every ${WEEKDAYS[r.weekday] ?? '?'} at ${hourText(r.hour)}`;
}

export function scopeText(scope: 'not_done' | 'all'): string {
  return scope === 'all' ? 'all rows' : 'rows not DONE';
}

const OUTCOMES: Record<ScheduleRun['outcome'], string> = {
  started: 'Started',
  nothing_to_do: 'Nothing to do',
  over_budget: 'Over the cost cap',
  failed: 'Failed',
};

export function outcomeText(outcome: ScheduleRun['outcome']): string {
  return OUTCOMES[outcome];
}
