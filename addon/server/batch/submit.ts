// Starting a batch from rows already chosen: output columns and Row IDs first (so results can
// find their rows), then ONE POST /v1/batches with the run's requestId as Idempotency-Key, then
// the run joins this sheet's history.
import { api } from '../api/endpoints';
import type { BackendClient } from '../api/backend-client';
import type { BatchStatus, CreateBatchResponse } from '../../../shared/index';
import type { BatchSummary } from '../rpc';
import type { Services } from '../services/ports';
import type { Settings } from '../settings/settings-store';
import { addMissingOutputColumns } from '../sheet/output-columns';
import type { SheetData } from '../sheet/read-sheet';
import { ensureRowIds } from '../sheet/row-ids';
import { recordRun } from './history';
import { batchRequest, targetFor } from './run-request';
import { toSummary } from './summary';

export function submitRun(
  s: Services, client: BackendClient, settings: Settings, data: SheetData, rows: readonly number[],
  requestId: string, opts: { maxCostUsd?: number; fromClick: boolean },
): BatchSummary {
  addMissingOutputColumns(data);
  const ids = ensureRowIds(data, rows, () => s.uuid());
  const request = batchRequest(data, rows, ids, targetFor(s, data, settings.backendWrites), opts.maxCostUsd);
  const created = api.createBatch(client, request, requestId);
  const summary = toSummary(statusAfterCreate(client, created, s.clock.now().toISOString()));
  recordRun(s.documentProperties, {
    id: summary.id, sheetId: data.sheet.id, requestId: opts.fromClick ? requestId : null, summary,
    synced: false, syncedSignature: null, lastSyncAt: null,
  });
  return summary;
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
