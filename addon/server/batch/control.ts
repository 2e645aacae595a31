// Cancel a batch, or retry its FAILED rows; the history follows (a retried run syncs again).
import type { BatchRowInput } from '../../../shared/index';
import { api } from '../api/endpoints';
import type { BackendClient } from '../api/backend-client';
import { connect } from '../api/connect';
import type { BatchSummary, DownloadInput, DownloadView, RetryView } from '../rpc';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { cellString } from '../sheet/cell-text';
import { loadOverrides } from '../sheet/column-mapping-store';
import { columnOf, dataRowIndexes, readSheet } from '../sheet/read-sheet';
import { findRun, updateRun } from './history';
import { batchRows } from './run-request';
import { toSummary } from './summary';

export function cancelRun(s: Services, batchId: string): BatchSummary {
  const { client } = connect(s);
  const summary = toSummary(api.cancelBatch(client, batchId));
  const entry = findRun(s, batchId);
  if (entry) updateRun(s.documentProperties, entry.sheetId, batchId, (r) => ({ ...r, summary }));
  return summary;
}

/**
 * The FAILED rows run again with the cells the sheet holds now (found by Row ID), so a typo
 * fixed in the sheet is what runs; rows no longer in the sheet run with their earlier cells.
 */
export function retryFailedRun(s: Services, batchId: string): RetryView {
  const { client } = connect(s);
  const entry = findRun(s, batchId);
  const fresh = entry ? currentCells(s, client, entry.sheetId, batchId) : [];
  const answer = api.retryBatch(client, batchId, fresh.length > 0 ? { rows: fresh } : {});
  const summary = toSummary(answer);
  if (entry) updateRun(s.documentProperties, entry.sheetId, batchId, (r) => ({ ...r, summary, synced: false, syncedSignature: null }));
  return { batch: summary, retriedRows: answer.retriedRows ?? fresh.length, freshRows: answer.freshRows ?? 0 };
}

export function downloadAll(s: Services, input: DownloadInput): DownloadView {
  if (input === null || typeof input !== 'object' || typeof input.batchId !== 'string' || input.batchId === '') {
    throw new AddonError('invalid_request', 'downloadLink needs { batchId }', [{ field: 'batchId', message: 'must be a batch id' }]);
  }
  const { client } = connect(s);
  return api.downloadLink(client, input.batchId, { approvedOnly: input.approvedOnly === true, allVersions: input.allVersions === true });
}

/** The sheet's current input cells of the batch's FAILED rows. */
function currentCells(s: Services, client: BackendClient, sheetId: number, batchId: string): BatchRowInput[] {
  const sheet = s.spreadsheet.sheetById(sheetId);
  if (!sheet) return [];
  const failed = new Set(api.allRows(client, batchId, 'FAILED').filter((r) => r.state === 'FAILED').map((r) => r.rowId));
  if (failed.size === 0) return [];
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  const col = columnOf(data, 'rowId');
  if (col < 0) return [];
  const ids = new Map<number, string>();
  const seen = new Set<string>();
  for (const r of dataRowIndexes(data)) {
    const id = cellString(data.values[r]?.[col]);
    if (!failed.has(id) || seen.has(id)) continue;
    seen.add(id);
    ids.set(r, id);
  }
  return batchRows(data, [...ids.keys()], (index) => ids.get(index) ?? '');
}
