// The sidebar's progress poll: the batch's status, and its finished rows written into the sheet
// (pull sync) when something changed. If another sync holds the sheet, the poll answers the
// status alone rather than wait.
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import { withDocumentLock } from '../lock';
import type { BatchProgress } from '../rpc';
import type { Services } from '../services/ports';
import { syncRun } from '../sync/pull-sync';
import { findRun } from './history';
import { toSummary } from './summary';

const POLL_LOCK_WAIT_MS = 3_000;

export function getRunProgress(s: Services, batchId: string): BatchProgress {
  const { client } = connect(s);
  const entry = findRun(s, batchId);
  const statusOnly = (): BatchProgress => ({ batch: toSummary(api.getBatch(client, batchId)), synced: 0 });
  // A batch started elsewhere (another document, the CLI): its status, but no sheet to write.
  if (entry === null) return statusOnly();
  return withDocumentLock(s, () => {
    const r = syncRun(s, client, entry, false);
    return { batch: r.entry.summary, synced: r.written };
  }, statusOnly, POLL_LOCK_WAIT_MS);
}
