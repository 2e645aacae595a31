// A form response arrived (the spreadsheet's installable form-submit trigger, running as its
// owner): each of the owner's enabled On form submit schedules on that sheet runs the response
// row as a batch of one, within its cost cap per day. The row gets its Row ID at once, so its
// result is written back into that row wherever sorting or later responses move it (by the
// backend when it writes results, else by the hourly sync). A row over the day's cap is marked
// SKIPPED with the reason, and the owner is e-mailed once that day.
import { connect } from '../api/connect';
import { submitRun } from '../batch/submit';
import { withDocumentLock } from '../lock';
import { notifyStart } from '../notify/notify';
import { AddonError, messageOf } from '../result';
import type { ScheduleRun } from '../rpc';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { loadOverrides } from '../sheet/column-mapping-store';
import { addMissingOutputColumns } from '../sheet/output-columns';
import { readSheet, requirePrompt, type SheetData } from '../sheet/read-sheet';
import { selectRows } from '../sheet/select-rows';
import { writeRowUpdates } from '../sync/write-results';
import { resultCells } from '../../../shared/index';
import { localDay, readSpend, writeSpend } from './daily-spend';
import { appendRun } from './run-log';
import { readSchedules, textOf, type StoredSchedule } from './schedule-store';

/** A response waits this long for a run or sync holding the sheet; responses are seldom seconds apart. */
export const FORM_LOCK_WAIT_MS = 30_000;

export function onFormResponse(s: Services, response: { sheetId: number; row: number }): ScheduleRun[] {
  const me = currentUserId(s);
  const schedules = readSchedules(s.documentProperties)
    .filter((x) => x.enabled && x.recurrence.every === 'form_submit' && x.sheetId === response.sheetId && x.ownerId === me);
  if (schedules.length === 0) return [];
  return withDocumentLock(s, () => schedules.map((schedule) => {
    const run = runResponse(s, schedule, response.row);
    appendRun(s.documentProperties, run);
    if (run.outcome === 'failed') notifyStart(s, schedule, run);
    return run;
  }), undefined, FORM_LOCK_WAIT_MS);
}

function runResponse(s: Services, schedule: StoredSchedule, row: number): ScheduleRun {
  const base = { scheduleId: schedule.id, at: s.clock.now().toISOString(), via: 'form' as const };
  try {
    const { client, settings } = connect(s);
    const sheet = s.spreadsheet.sheetById(schedule.sheetId);
    if (sheet === null) return { ...base, rows: 0, batchId: null, outcome: 'failed', message: `The schedule's sheet (id ${schedule.sheetId}) no longer exists.` };
    const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
    requirePrompt(data);
    const index = row - 1;
    // Taken already (another schedule of this sheet, or a Run), or blank: nothing to do.
    if (!selectRows(data, 'new').includes(index)) {
      return { ...base, rows: 0, batchId: null, outcome: 'nothing_to_do', message: `Row ${row} has no prompt or was already run.` };
    }
    const day = localDay(s.clock.now(), s.spreadsheet.timeZone());
    const spend = readSpend(s.documentProperties, schedule.id, day);
    const left = Math.max(0, schedule.maxCostUsd - spend.usd);
    try {
      const summary = submitRun(s, client, settings, data, [index], `form_${schedule.id}_${s.uuid()}`, { maxCostUsd: left, fromClick: false, scheduleId: schedule.id, ...textOf(schedule) });
      writeSpend(s.documentProperties, schedule.id, { ...spend, usd: spend.usd + summary.estimatedUsd });
      const started = `Row ${row}: started ${summary.id} (estimated $${summary.estimatedUsd.toFixed(2)}; $${(spend.usd + summary.estimatedUsd).toFixed(2)} of $${schedule.maxCostUsd.toFixed(2)} today).`;
      return { ...base, rows: 1, batchId: summary.id, outcome: 'started', message: summary.warning === undefined ? started : `${started} ${summary.warning}` };
    } catch (e) {
      if (!(e instanceof AddonError && e.code === 'over_budget')) throw e;
      const reason = `${schedule.name}: today's cost cap of $${schedule.maxCostUsd.toFixed(2)} is reached ($${spend.usd.toFixed(2)} spent): run this row from Run batch…, or raise the cap`;
      markSkipped(data, index, reason, s.clock.now().toISOString());
      if (!spend.capNoticeSent) {
        notifyStart(s, schedule, { outcome: 'over_budget', message: `Row ${row} was not run: today's cost cap of $${schedule.maxCostUsd.toFixed(2)} is reached ($${spend.usd.toFixed(2)} spent). Later responses today are skipped too.` });
        writeSpend(s.documentProperties, schedule.id, { ...spend, capNoticeSent: true });
      }
      return { ...base, rows: 1, batchId: null, outcome: 'over_budget', message: `Row ${row} skipped: ${reason}.` };
    }
  } catch (e) {
    return { ...base, rows: 0, batchId: null, outcome: 'failed', message: e instanceof AddonError ? e.message : `Unexpected error: ${messageOf(e)}` };
  }
}

/** The row's Status says why it was not run, as a cap-skipped row of a batch would. */
function markSkipped(data: SheetData, index: number, reason: string, at: string): void {
  addMissingOutputColumns(data);
  const cells = resultCells({ state: 'SKIPPED', reason, provider: null, costUsd: 0, batchId: '', updatedAt: at, images: [] });
  writeRowUpdates(data, [{ index, cells }]);
}
