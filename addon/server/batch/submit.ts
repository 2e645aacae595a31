// Starting a batch from rows already chosen: output columns and Row IDs first (so results can
// find their rows), then ONE POST /v1/batches with the run's requestId as Idempotency-Key. Once
// the backend has the batch, nothing may make the run look failed (a retry would find it, but
// the user would think nothing started): recording it in the sheet's history, showing its rows
// QUEUED and installing the hourly trigger that pulls its results are each tried, and a step
// that fails becomes the summary's `warning`, as does the reason the backend was not asked to
// write the results itself when the user chose that and this sheet cannot have it.
import { api } from '../api/endpoints';
import type { BackendClient } from '../api/backend-client';
import type { BatchStatus, CreateBatchResponse, TextMode } from '../../../shared/index';
import { messageOf } from '../result';
import type { BatchSummary } from '../rpc';
import { refreshDispatcherTrigger } from '../schedules/dispatcher-trigger';
import type { Services } from '../services/ports';
import type { Settings } from '../settings/settings-store';
import { currentUserId } from '../settings/user-id';
import { addMissingOutputColumns } from '../sheet/output-columns';
import type { SheetData } from '../sheet/read-sheet';
import { ensureRowIds } from '../sheet/row-ids';
import { markRowsQueued } from '../sync/write-results';
import { recordRun } from './history';
import { batchRequest, targetFor } from './run-request';
import { toSummary } from './summary';

export function submitRun(
  s: Services, client: BackendClient, settings: Settings, data: SheetData, rows: readonly number[],
  requestId: string, opts: { maxCostUsd?: number; textDefault?: TextMode; fileNameTemplate?: string; fromClick: boolean; scheduleId?: string },
): BatchSummary {
  addMissingOutputColumns(data);
  const ids = ensureRowIds(data, rows, () => s.uuid());
  const { target, notice } = targetFor(s, data, settings.backendWrites);
  const request = batchRequest(data, rows, ids, target, opts);
  const created = api.createBatch(client, request, requestId);
  const now = s.clock.now().toISOString();
  const summary = toSummary(statusAfterCreate(client, created, now));
  const problems: string[] = [];
  let recorded = false;
  try {
    recordRun(s.documentProperties, {
      id: summary.id, sheetId: data.sheet.id, requestId: opts.fromClick ? requestId : null, summary,
      synced: false, syncedSignature: null, lastSyncAt: null, ownerId: currentUserId(s),
      ...(opts.scheduleId === undefined ? {} : { schedule: { id: opts.scheduleId, notified: false } }),
    });
    recorded = true;
  } catch (e) {
    problems.push(`this document could not record the run (${messageOf(e)}), so its results will not be written into the sheet by themselves: follow it with =ROWSHOT_STATUS("${summary.id}")`);
  }
  try {
    markRowsQueued(data, rows, summary.id, now);
  } catch (e) {
    problems.push(`its rows could not be marked QUEUED (${messageOf(e)}): do not run them again before they finish`);
  }
  if (recorded) {
    try {
      refreshDispatcherTrigger(s);
    } catch (e) {
      problems.push(`the hourly trigger that pulls results could not be installed (${messageOf(e)}): use Sync results now`);
    }
  }
  const warnings = problems.length === 0 ? [] : [`Batch ${summary.id} started, but ${problems.join('; and ')}.`];
  if (notice !== null) warnings.push(notice);
  return warnings.length === 0 ? summary : { ...summary, warning: warnings.join(' ') };
}

/** The new batch's status; if that read fails, what the create answer tells (it did start). */
function statusAfterCreate(client: BackendClient, created: CreateBatchResponse, now: string): BatchStatus {
  try {
    return api.getBatch(client, created.id);
  } catch {
    const n = created.rowCount;
    return {
      id: created.id, name: `Batch of ${n} rows`, state: created.state, createdAt: now, updatedAt: now, finishedAt: null, rowCount: n,
      counts: { QUEUED: n, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 },
      cost: { estimatedUsd: 0, actualUsd: 0, maxUsd: null }, etaSeconds: null, progress: 0, statusUrl: created.statusUrl,
      target: { kind: 'none' }, lastWriteError: null,
    };
  }
}
