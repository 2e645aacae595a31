// Run now and Test, from the Schedules sidebar. Run now runs a schedule at once as its trigger
// would (its rows, its cap; with the clicking user's API key, and the run is theirs) without
// moving its next slot. Test runs one row (the first the schedule would take) and the sidebar
// follows it with getScheduleTest until the row's result is in, written into the sheet as any run's.
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import { findRun } from '../batch/history';
import { getRunProgress } from '../batch/progress';
import { runScheduled } from '../batch/scheduled-run';
import { submitRun } from '../batch/submit';
import { toSummary } from '../batch/summary';
import { syncRun } from '../sync/pull-sync';
import { withDocumentLock } from '../lock';
import { AddonError } from '../result';
import type { ScheduleActionInput, ScheduleRun, ScheduleRunNowView, ScheduleTestView } from '../rpc';
import type { Services } from '../services/ports';
import { loadOverrides } from '../sheet/column-mapping-store';
import { readSheet, requirePrompt } from '../sheet/read-sheet';
import { selectRows } from '../sheet/select-rows';
import { isDispatcherInstalled } from './dispatcher-trigger';
import { rerenderQuestion } from './rerender-check';
import { appendRun } from './run-log';
import { readSchedules, runScope, textOf, type StoredSchedule } from './schedule-store';
import { schedulesView } from './schedules-view';

const FINAL_ROW_STATES: readonly string[] = ['DONE', 'FAILED', 'SKIPPED', 'CANCELLED'];
const TEST_LOCK_WAIT_MS = 3_000;

function checkInput(input: ScheduleActionInput): void {
  const fields: { field: string; message: string }[] = [];
  if (input === null || typeof input !== 'object') throw new AddonError('invalid_request', 'Run now and Test need { id, requestId }.');
  if (typeof input.id !== 'string' || input.id === '') fields.push({ field: 'id', message: 'Schedule id must be text.' });
  if (typeof input.requestId !== 'string' || input.requestId.length === 0 || input.requestId.length > 200) {
    fields.push({ field: 'requestId', message: 'requestId must be 1 to 200 characters (a fresh id per click).' });
  }
  if (fields.length > 0) throw new AddonError('invalid_request', fields.map((f) => f.message).join(' '), fields);
}

function scheduleOf(s: Services, id: string): StoredSchedule {
  const found = readSchedules(s.documentProperties).find((x) => x.id === id);
  if (!found) throw new AddonError('not_found', 'This schedule no longer exists: another user may have deleted it.');
  return found;
}

export function runScheduleNow(s: Services, input: ScheduleActionInput): ScheduleRunNowView {
  checkInput(input);
  return withDocumentLock(s, () => {
    const schedule = scheduleOf(s, input.id);
    if (input.confirmed !== true) {
      const question = rerenderQuestion(s, { ...schedule, scope: runScope(schedule) }, 'run it now');
      if (question !== null) throw new AddonError('needs_confirmation', question);
    }
    const at = s.clock.now().toISOString();
    const result = runScheduled(s, {
      sheetId: schedule.sheetId, scope: runScope(schedule), maxCostUsd: schedule.maxCostUsd, scheduleId: schedule.id, requestId: `now_${input.requestId}`, ...textOf(schedule),
    });
    const run: ScheduleRun = { scheduleId: schedule.id, at, ...result, via: 'run_now' };
    appendRun(s.documentProperties, run);
    return { run, view: schedulesView(s, readSchedules(s.documentProperties), isDispatcherInstalled(s.triggers)) };
  });
}

export function testSchedule(s: Services, input: ScheduleActionInput): ScheduleTestView {
  checkInput(input);
  const { client, settings } = connect(s);
  return withDocumentLock(s, () => {
    const schedule = scheduleOf(s, input.id);
    const sheet = s.spreadsheet.sheetById(schedule.sheetId);
    if (sheet === null) throw new AddonError('not_found', `The schedule's sheet (id ${schedule.sheetId}) no longer exists.`);
    const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
    requirePrompt(data);
    // For New rows and form schedules, the first new row; when there is none, the last row (the latest response).
    const scope = runScope(schedule);
    const all = selectRows(data, 'all');
    const index = selectRows(data, scope)[0] ?? (scope === 'new' ? all[all.length - 1] : all[0]);
    if (index === undefined) throw new AddonError('no_rows', `“${sheet.name}” has no row with a prompt to test.`);
    const batch = submitRun(s, client, settings, data, [index], `test_${input.requestId}`, { maxCostUsd: schedule.maxCostUsd, fromClick: true, ...textOf(schedule) });
    appendRun(s.documentProperties, {
      scheduleId: schedule.id, at: s.clock.now().toISOString(), rows: 1, batchId: batch.id, outcome: 'started',
      message: `Test of row ${index + 1}: started ${batch.id}.`, via: 'test',
    });
    return { batchId: batch.id, row: index + 1, sheetName: sheet.name, batch, result: null };
  });
}

export function getScheduleTest(s: Services, input: { batchId: string; row: number }): ScheduleTestView {
  if (input === null || typeof input !== 'object' || typeof input.batchId !== 'string' || typeof input.row !== 'number') {
    throw new AddonError('invalid_request', 'getScheduleTest needs { batchId, row }.');
  }
  const { client } = connect(s);
  const row = api.allRows(client, input.batchId)[0];
  const entry = findRun(s, input.batchId);
  // Once the row is final it is written into the sheet at once (not at the next throttled
  // pull), so the sheet says what the sidebar says.
  const batch = entry !== null && row !== undefined && FINAL_ROW_STATES.includes(row.state)
    ? withDocumentLock(s, () => syncRun(s, client, entry, true).entry.summary, () => toSummary(api.getBatch(client, input.batchId)), TEST_LOCK_WAIT_MS)
    : getRunProgress(s, input.batchId).batch;
  const sheetName = entry === null ? '' : (s.spreadsheet.sheets().find((x) => x.id === entry.sheetId)?.name ?? '');
  const result = row === undefined ? null : {
    state: row.state, reason: row.reason,
    images: row.images.map((i) => ({ url: i.url, thumbnailUrl: i.thumbnailUrl, aspectRatio: i.aspectRatio })),
  };
  return { batchId: input.batchId, row: input.row, sheetName, batch, result };
}
