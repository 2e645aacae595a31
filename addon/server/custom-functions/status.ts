// =ROWSHOT_STATUS(batch_id): one line about a run of this spreadsheet, e.g.
// "RUNNING 12/20 done, 1 failed, $0.47, ETA 1 min", read from the document's run history.
// A custom function runs without the user's authorization: it has no Google ID token and no
// user properties (no API key), so it cannot call the backend. The line is the run as the add-on
// last saw it: the Batch sidebar, Sync results now and the hourly sync refresh that history.
import { isFinalBatch } from '../../../shared/index';
import { findRun } from '../batch/history';
import type { BatchSummary } from '../rpc';
import { messageOf } from '../result';
import type { Services } from '../services/ports';
import { argText, cellsOf } from './args';

export function rowshotStatus(s: Pick<Services, 'spreadsheet' | 'documentProperties'>, batchId: unknown): string {
  const id = argText(cellsOf(batchId)[0] ?? '', () => s.spreadsheet.timeZone()).trim();
  if (id === '') return 'ROWSHOT_STATUS: give a batch id, e.g. =ROWSHOT_STATUS("b_…")';
  try {
    const run = findRun(s, id);
    if (run === null) return `ROWSHOT_STATUS: no run '${id}' in this spreadsheet (it knows the runs started from its Rowshot sidebar or schedules)`;
    return statusLine(run.summary);
  } catch (e) {
    return `ROWSHOT_STATUS: ${messageOf(e)}`;
  }
}

export function statusLine(b: BatchSummary): string {
  const parts = [`${b.state} ${b.counts.DONE}/${b.rowCount} done`, `${b.counts.FAILED} failed`];
  if (b.counts.SKIPPED > 0) parts.push(`${b.counts.SKIPPED} skipped`);
  if (b.counts.CANCELLED > 0) parts.push(`${b.counts.CANCELLED} cancelled`);
  parts.push(`$${b.actualUsd.toFixed(2)}`);
  if (!isFinalBatch(b.state) && b.etaSeconds !== null) parts.push(`ETA ${eta(b.etaSeconds)}`);
  return parts.join(', ');
}

function eta(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}
