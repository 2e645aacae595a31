// A schedule's run, for the dispatcher (which already holds the document lock): the sheet's
// rows not DONE (or all), started as one batch with the schedule's cost ceiling. Never throws:
// every outcome is a value the run log records.
import type { TextMode } from '../../../shared/index';
import { connect } from '../api/connect';
import { AddonError, messageOf } from '../result';
import type { ScheduleRun } from '../rpc';
import type { Services } from '../services/ports';
import { loadOverrides } from '../sheet/column-mapping-store';
import { readSheet, requirePrompt } from '../sheet/read-sheet';
import { noRowsMessage, selectRows } from '../sheet/select-rows';
import { submitRun } from './submit';

export interface ScheduledRunInput {
  sheetId: number;
  scope: 'not_done' | 'all' | 'new';
  maxCostUsd: number;
  /** The schedule's Text default for rows with an empty Text cell. */
  textDefault?: TextMode;
  /** Recorded with the run, so its owner's trigger sends the schedule's e-mail when it finishes. */
  scheduleId?: string;
  /** The backend's Idempotency-Key (Run now: one per click); default a fresh one. */
  requestId?: string;
}

export interface ScheduledRunResult {
  rows: number;
  batchId: string | null;
  outcome: ScheduleRun['outcome'];
  message: string;
}

export function runScheduled(s: Services, input: ScheduledRunInput): ScheduledRunResult {
  let rows = 0;
  try {
    const { client, settings } = connect(s);
    const sheet = s.spreadsheet.sheetById(input.sheetId);
    if (sheet === null) return { rows, batchId: null, outcome: 'failed', message: `The schedule's sheet (id ${input.sheetId}) no longer exists.` };
    const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
    requirePrompt(data);
    const chosen = selectRows(data, input.scope);
    rows = chosen.length;
    if (rows === 0) return { rows, batchId: null, outcome: 'nothing_to_do', message: noRowsMessage(input.scope, sheet.name) };
    const opts = {
      maxCostUsd: input.maxCostUsd, fromClick: false,
      ...(input.scheduleId === undefined ? {} : { scheduleId: input.scheduleId }), ...(input.textDefault === undefined ? {} : { textDefault: input.textDefault }),
    };
    const summary = submitRun(s, client, settings, data, chosen, input.requestId ?? `sched_${s.uuid()}`, opts);
    const started = `Started ${summary.id} with ${rows} row${rows === 1 ? '' : 's'} (estimated $${summary.estimatedUsd.toFixed(2)}).`;
    return { rows, batchId: summary.id, outcome: 'started', message: summary.warning === undefined ? started : `${started} ${summary.warning}` };
  } catch (e) {
    if (e instanceof AddonError && e.code === 'over_budget') return { rows, batchId: null, outcome: 'over_budget', message: e.message };
    return { rows, batchId: null, outcome: 'failed', message: e instanceof AddonError ? e.message : `Unexpected error: ${messageOf(e)}` };
  }
}
