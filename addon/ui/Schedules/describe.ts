// Schedules and runs in words. A recurrence is worded by the server's describeRecurrence
// (imported directly: it pulls nothing else into the sidebar).
import type { NotifyWhen, Schedule, ScheduleRun } from '../../server/rpc';

export function scopeText(scope: 'not_done' | 'all'): string {
  return scope === 'all' ? 'all rows' : 'rows not DONE';
}

/** Which rows a schedule runs, in words. */
export function rowsText(s: Pick<Schedule, 'recurrence' | 'scope'>): string {
  if (s.recurrence.every === 'form_submit') return 'each form response';
  if (s.recurrence.every === 'new_rows') return 'rows added since the last run';
  return scopeText(s.scope);
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

export function notifyText(notify: NotifyWhen): string {
  return notify === 'every_run' ? 'after every run' : 'when a run fails, hits its cap or cannot start';
}
