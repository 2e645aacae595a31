// Cancel a batch, or retry its FAILED rows; the history follows (a retried run syncs again).
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import type { BatchSummary } from '../rpc';
import type { Services } from '../services/ports';
import { findRun, updateRun } from './history';
import { toSummary } from './summary';

export function cancelRun(s: Services, batchId: string): BatchSummary {
  const { client } = connect(s);
  const summary = toSummary(api.cancelBatch(client, batchId));
  const entry = findRun(s, batchId);
  if (entry) updateRun(s.documentProperties, entry.sheetId, batchId, (r) => ({ ...r, summary }));
  return summary;
}

export function retryFailedRun(s: Services, batchId: string): BatchSummary {
  const { client } = connect(s);
  const summary = toSummary(api.retryBatch(client, batchId));
  const entry = findRun(s, batchId);
  if (entry) updateRun(s.documentProperties, entry.sheetId, batchId, (r) => ({ ...r, summary, synced: false, syncedSignature: null }));
  return summary;
}
