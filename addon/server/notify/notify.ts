// Who gets a schedule's e-mail and when. A trigger runs as its owner, so MailApp sends from and
// to the owner's address. Start problems (cannot start, refused over the cap) are sent by the
// dispatch that met them; a finished run's e-mail by the owner's next dispatch after the run
// was synced final (whoever synced it), so each run is mailed once, by its owner.
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import type { ScheduledRunResult } from '../batch/scheduled-run';
import { loadRuns, updateRun, type RunEntry } from '../batch/history';
import { cellString } from '../sheet/cell-text';
import { loadOverrides } from '../sheet/column-mapping-store';
import { columnOf, dataRowIndexes, readSheet } from '../sheet/read-sheet';
import { messageOf } from '../result';
import type { StoredSchedule } from '../schedules/schedule-store';
import { readSchedules } from '../schedules/schedule-store';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { MAX_FAILED_LISTED, noticeMail, type RunNotice } from './notice-mail';

/** Sends one notice to this execution's user. False when it should be tried again later (quota). */
export function sendNotice(s: Services, notice: RunNotice): boolean {
  const to = s.mail.myAddress();
  if (to === '') {
    s.log(`No e-mail address for this user: the notice "${notice.kind}" of "${notice.scheduleName}" was not sent.`);
    return true;
  }
  if (s.mail.remainingDailyQuota() < 1) {
    s.log(`MailApp's daily quota is used up: the notice of "${notice.scheduleName}" is sent with a later dispatch.`);
    return false;
  }
  s.mail.send({ to, ...noticeMail(notice) });
  return true;
}

function sheetPlace(s: Services, sheetId: number): { sheetName: string; sheetUrl: string } {
  const name = s.spreadsheet.sheets().find((x) => x.id === sheetId)?.name ?? `sheet ${sheetId} (deleted)`;
  return { sheetName: name, sheetUrl: `${s.spreadsheet.url()}#gid=${sheetId}` };
}

/** The e-mail for a scheduled run that could not start or was refused over its cap; null otherwise. */
export function startNotice(s: Services, schedule: StoredSchedule, result: Pick<ScheduledRunResult, 'outcome' | 'message'>): RunNotice | null {
  if (result.outcome !== 'failed' && result.outcome !== 'over_budget') return null;
  return {
    kind: result.outcome === 'failed' ? 'cannot_start' : 'cap_hit',
    scheduleName: schedule.name, ...sheetPlace(s, schedule.sheetId), batchId: null, message: result.message,
    finished: null, capUsd: schedule.maxCostUsd, failed: [], failedTotal: 0,
  };
}

/** Sends a start problem's notice; a failure to send is logged (the run log already says what happened). */
export function notifyStart(s: Services, schedule: StoredSchedule, result: Pick<ScheduledRunResult, 'outcome' | 'message'>): void {
  const notice = startNotice(s, schedule, result);
  if (notice === null) return;
  try {
    sendNotice(s, notice);
  } catch (e) {
    s.log(`The e-mail about "${schedule.name}" could not be sent: ${messageOf(e)}`);
  }
}

/** Runs of this user's schedules that are final and synced, with no decision on their e-mail yet. */
export function unnotifiedRuns(s: Services): RunEntry[] {
  const me = currentUserId(s);
  return s.spreadsheet.sheets()
    .flatMap((sheet) => loadRuns(s.documentProperties, sheet.id))
    .filter((r) => r.synced && r.schedule !== undefined && !r.schedule.notified && r.ownerId === me);
}

/** The e-mail a finished run calls for, or null (a clean run of a schedule that mails on problems only). */
export function finishNotice(s: Services, run: RunEntry, schedule: StoredSchedule | undefined): RunNotice | null {
  const c = run.summary.counts;
  const kind = c.FAILED > 0 ? 'failed_rows' : c.SKIPPED > 0 ? 'cap_hit' : schedule?.notify === 'every_run' ? 'finished' : null;
  if (kind === null) return null;
  return {
    kind,
    scheduleName: schedule?.name ?? 'a deleted schedule', ...sheetPlace(s, run.sheetId), batchId: run.id, message: null,
    finished: { state: run.summary.state, rowCount: run.summary.rowCount, counts: c, costUsd: run.summary.actualUsd },
    capUsd: schedule?.maxCostUsd ?? 0,
    failed: c.FAILED > 0 ? failedRows(s, run) : [],
    failedTotal: c.FAILED,
  };
}

/** The first failed rows with their reasons and sheet rows (found by Row ID). */
function failedRows(s: Services, run: RunEntry): RunNotice['failed'] {
  try {
    const { client } = connect(s);
    const failed = api.allRows(client, run.id).filter((r) => r.state === 'FAILED').slice(0, MAX_FAILED_LISTED);
    const rowOf = rowNumbersById(s, run.sheetId);
    return failed.map((r) => ({ row: rowOf.get(r.rowId) ?? null, rowId: r.rowId, reason: r.reason ?? 'no reason given' }));
  } catch (e) {
    s.log(`The failed rows of ${run.id} could not be listed: ${messageOf(e)}`);
    return [];
  }
}

function rowNumbersById(s: Services, sheetId: number): Map<string, number> {
  const out = new Map<string, number>();
  const sheet = s.spreadsheet.sheetById(sheetId);
  if (sheet === null) return out;
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  const col = columnOf(data, 'rowId');
  if (col < 0) return out;
  for (const r of dataRowIndexes(data)) {
    const id = cellString(data.values[r]?.[col]);
    if (id !== '' && !out.has(id)) out.set(id, r + 1);
  }
  return out;
}

/** The dispatcher's last step (under the document lock): one decision, and at most one e-mail, per finished run. */
export function sendFinishNotices(s: Services): void {
  const schedules = readSchedules(s.documentProperties);
  for (const run of unnotifiedRuns(s)) {
    const notice = finishNotice(s, run, schedules.find((x) => x.id === run.schedule?.id));
    let done = true;
    try {
      if (notice !== null) done = sendNotice(s, notice);
    } catch (e) {
      // Logged, not retried: a refused address would be refused every hour.
      s.log(`The e-mail about ${run.id} could not be sent: ${messageOf(e)}`);
    }
    if (done) updateRun(s.documentProperties, run.sheetId, run.id, (r) => (r.schedule ? { ...r, schedule: { ...r.schedule, notified: true } } : r));
  }
}
