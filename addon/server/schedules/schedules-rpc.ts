// The Schedules sidebar's server functions. Writes take the document lock so they never
// interleave with the dispatcher advancing a schedule (a lost write could re-run a slot).
// Saving a schedule makes the saver its owner: it runs from their trigger, with their key.
import { withDocumentLock } from '../lock';
import { err, messageOf, ok } from '../result';
import type { Result, ScheduleInput, SchedulesView } from '../rpc';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { isDispatcherInstalled, refreshDispatcherTrigger } from './dispatcher-trigger';
import { nextRunAt, RecurrenceError } from './recurrence';
import { schedulesView } from './schedules-view';
import { refreshFormTrigger } from './form-trigger';
import { readSchedules, runScope, ScheduleStoreLimitError, writeSchedules, type StoredSchedule } from './schedule-store';
import { rerenderQuestion } from './rerender-check';
import { validateScheduleInput } from './validate-schedule';

/** How long a save waits for a running dispatcher before answering `busy`. */
export const SAVE_LOCK_WAIT_MS = 5_000;

export function getSchedules(s: Services): Result<SchedulesView> {
  return ok(schedulesView(s, readSchedules(s.documentProperties), isDispatcherInstalled(s.triggers)));
}

/**
 * Creates (no id) or edits a schedule, which becomes this user's (the view's `notice` says so
 * when it was another editor's). Making it "All rows" over DONE rows answers
 * `needs_confirmation` (with the rows and the cost) unless `confirmed`; installs or removes this user's dispatcher trigger to match.
 */
export function saveSchedule(s: Services, input: ScheduleInput): Result<SchedulesView> {
  const checked = validateScheduleInput(input, s.spreadsheet.sheets());
  if (!checked.ok) {
    const n = checked.fields.length;
    return err('invalid_request', `${n} field${n === 1 ? '' : 's'} to fix: ${checked.fields.map((f) => f.message).join(' ')}`, checked.fields);
  }
  const v = checked.value;
  if (v.recurrence.every === 'form_submit') {
    const sheet = s.spreadsheet.sheetById(v.sheetId);
    if (sheet !== null && sheet.formUrl() === null) {
      const message = `“${sheet.name}” receives no form responses: choose the sheet a Google Form writes to (in the form: Responses → Link to Sheets).`;
      return err('invalid_request', message, [{ field: 'sheetId', message }]);
    }
  }
  if (runScope(v) === 'all' && input.confirmed !== true) {
    const before = v.id === undefined ? undefined : readSchedules(s.documentProperties).find((x) => x.id === v.id);
    // Asked when a schedule becomes "All rows", not on every later edit of one.
    const question = before !== undefined && runScope(before) === 'all' ? null : rerenderQuestion(s, v, 'save it');
    if (question !== null) return err('needs_confirmation', question);
  }
  return withLock(s, () => {
    const all = readSchedules(s.documentProperties);
    const now = s.clock.now();
    const existing = v.id === undefined ? undefined : all.find((x) => x.id === v.id);
    if (v.id !== undefined && !existing) return err('not_found', 'This schedule no longer exists: another user may have deleted it.');
    let next: Date | null = null;
    // Keep a pending slot on a plain edit; start afresh when the timing changes or it is re-enabled.
    const retime = !existing || JSON.stringify(existing.recurrence) !== JSON.stringify(v.recurrence) || (!existing.enabled && v.enabled);
    if (retime) {
      try {
        next = nextRunAt(v.recurrence, now, s.spreadsheet.timeZone());
      } catch (e) {
        if (e instanceof RecurrenceError) return { ok: false, error: e.rpc };
        throw e;
      }
    }
    const me = currentUserId(s);
    const saved: StoredSchedule = {
      ...v,
      id: existing?.id ?? s.uuid(),
      createdAt: existing?.createdAt ?? now.toISOString(),
      nextRunAt: next ? next.toISOString() : (existing?.nextRunAt ?? now.toISOString()),
      ownerId: me,
    };
    const updated = existing ? all.map((x) => (x.id === saved.id ? saved : x)) : [...all, saved];
    const takenOver = existing !== undefined && existing.ownerId !== me;
    return store(s, updated, takenOver ? takeOverNotice(saved.name, existing.ownerId === undefined) : undefined);
  });
}

export function deleteSchedule(s: Services, id: string): Result<SchedulesView> {
  return withLock(s, () => {
    const all = readSchedules(s.documentProperties);
    if (!all.some((x) => x.id === id)) return err('not_found', 'This schedule no longer exists: another user may have deleted it.');
    return store(s, all.filter((x) => x.id !== id));
  });
}

function withLock(s: Services, body: () => Result<SchedulesView>): Result<SchedulesView> {
  return withDocumentLock(s, body, () => err('busy', 'A scheduled run is in progress: try again in a minute.'), SAVE_LOCK_WAIT_MS);
}

function takeOverNotice(name: string, legacy: boolean): string {
  // "Sign-in": an API key or Google sign-in, whichever the editor connected with.
  const before = legacy ? 'with the sign-in of whichever editor\'s trigger fired' : 'with another editor\'s sign-in';
  return `"${name}" is now your schedule: it runs from your hourly trigger with your sign-in (it ran ${before}).`;
}

function store(s: Services, schedules: StoredSchedule[], notice?: string): Result<SchedulesView> {
  try {
    writeSchedules(s.documentProperties, schedules);
  } catch (e) {
    if (e instanceof ScheduleStoreLimitError) return { ok: false, error: e.rpc };
    throw e;
  }
  try {
    refreshDispatcherTrigger(s);
  } catch (e) {
    return err('trigger_failed', `The schedules are saved, but the hourly trigger could not be updated: ${messageOf(e)}`);
  }
  try {
    refreshFormTrigger(s);
  } catch (e) {
    return err('trigger_failed', `The schedules are saved, but the form-submit trigger could not be updated: ${messageOf(e)}`);
  }
  return ok(schedulesView(s, schedules, isDispatcherInstalled(s.triggers), notice));
}
