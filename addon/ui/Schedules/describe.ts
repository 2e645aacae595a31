// Schedules and runs in words. A recurrence is worded by the server's describeRecurrence
// (imported directly: it pulls nothing else into the sidebar).
import type { NotifyWhen, ScheduleRun } from '../../server/rpc';

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

export function notifyText(notify: NotifyWhen): string {
  return notify === 'every_run' ? 'after every run' : 'when a run fails, hits its cap or cannot start';
}
