// Schedules and runs in words. A recurrence is worded by the server's describeRecurrence
// (imported directly: it pulls nothing else into the sidebar).
import type { ScheduleRun } from '../../server/rpc';

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
