// After a resume (even after kill -9), the batch's status may lag behind its rows: the counts
// are folded in by a flush that may still be waiting for the dead process's lease. The rows
// themselves are current, so the bar starts from them at once.
import type { BatchStatus, RowState } from '../../../shared/index';
import type { ApiClient } from './api-client';

export type Counts = BatchStatus['counts'];

export async function currentCounts(client: ApiClient, batchId: string): Promise<Counts> {
  const counts: Counts = { QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 };
  let pageToken: string | undefined;
  do {
    const page = await client.listRows(batchId, { pageSize: 500, ...(pageToken ? { pageToken } : {}) });
    for (const r of page.rows) counts[r.state as RowState]++;
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return counts;
}
