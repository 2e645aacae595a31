// The hourly trigger's work: run the schedules that are due, record each run, then pull results
// into the sheet. Several users' triggers (or a slow previous run) may fire together: the
// document lock lets one through, and each schedule's next slot is saved before it runs, so a
// slot runs at most once even if the execution dies mid-run. A trigger runs only its owner's
// schedules (and those saved before schedules had owners): each editor pays for their own.
// Its owner is e-mailed when a run cannot start or is refused over its cap, and when a run
// finishes with failures or skipped rows (or on every finish, if the schedule says so).
import { runScheduled, type ScheduledRunResult } from '../batch/scheduled-run';
import { withDocumentLock } from '../lock';
import { messageOf } from '../result';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { notifyStart, sendFinishNotices } from '../notify/notify';
import { syncAll } from '../sync/sync-all';
import { nextRunAt } from './recurrence';
import { appendRun } from './run-log';
import { readSchedules, runScope, textOf, updateSchedule } from './schedule-store';

/** How long a dispatch waits for the lock (a sidebar save holds it for milliseconds). */
export const DISPATCH_LOCK_WAIT_MS = 5_000;

/** Runs the due schedules, then syncs; does nothing when another execution holds the lock. */
export function dispatch(s: Services): void {
  withDocumentLock(s, () => dispatchLocked(s), () => undefined, DISPATCH_LOCK_WAIT_MS);
}

/** Under the document lock: runScheduled and syncAll must not take it again. */
function dispatchLocked(s: Services): void {
  const now = s.clock.now();
  const me = currentUserId(s);
  // Form schedules run from the form-submit trigger, never from here.
  const due = readSchedules(s.documentProperties).filter((x) =>
    x.enabled && x.recurrence.every !== 'form_submit' && (x.ownerId === undefined || x.ownerId === me) && Date.parse(x.nextRunAt) <= now.getTime());
  for (const schedule of due) {
    const at = s.clock.now().toISOString();
    const record = (r: ScheduledRunResult): void =>
      appendRun(s.documentProperties, { scheduleId: schedule.id, at, rows: r.rows, batchId: r.batchId, outcome: r.outcome, message: r.message });
    let advanced: boolean;
    try {
      // From now, not from the missed slot: a trigger that was late runs each schedule once.
      const next = nextRunAt(schedule.recurrence, now, s.spreadsheet.timeZone()).toISOString();
      advanced = updateSchedule(s.documentProperties, schedule.id, (x) => ({ ...x, nextRunAt: next })) !== null;
    } catch (e) {
      // Unschedulable (e.g. a time zone Intl does not know): disable it rather than fail every hour.
      updateSchedule(s.documentProperties, schedule.id, (x) => ({ ...x, enabled: false }));
      const failed: ScheduledRunResult = { rows: 0, batchId: null, outcome: 'failed', message: `Schedule disabled: ${messageOf(e)}` };
      record(failed);
      notifyStart(s, schedule, failed);
      continue;
    }
    if (!advanced) continue; // deleted since we read the list
    // runScheduled never throws: every outcome, failures included, is a value to record.
    const result = runScheduled(s, { sheetId: schedule.sheetId, scope: runScope(schedule), maxCostUsd: schedule.maxCostUsd, scheduleId: schedule.id, ...textOf(schedule) });
    // A New rows check that found none is not a run: logging each would push real runs out of the log.
    if (!(schedule.recurrence.every === 'new_rows' && result.outcome === 'nothing_to_do')) record(result);
    notifyStart(s, schedule, result);
  }
  try {
    syncAll(s);
  } catch (e) {
    s.log(`Scheduled sync failed: ${messageOf(e)}`);
  }
  // After the sync: the runs it found final get their e-mail now, not an hour later.
  try {
    sendFinishNotices(s);
  } catch (e) {
    s.log(`Schedule e-mails failed: ${messageOf(e)}`);
  }
}
