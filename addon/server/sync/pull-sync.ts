// Pull sync of one run: the batch's status, then (when something changed) every row through
// GET /v1/batches/:id/rows?pageSize=500, written into the sheet by Row ID. Idempotent: writing
// the same results again changes nothing. A run is "synced" once its rows were pulled after the
// batch was final, so later syncs skip it.
import { api } from '../api/endpoints';
import type { BackendClient } from '../api/backend-client';
import { isFinal, progressSignature, toSummary } from '../batch/summary';
import { loadRuns, updateRun, type RunEntry } from '../batch/history';
import type { Services } from '../services/ports';
import { writeResults } from './write-results';

export interface RunSync {
  entry: RunEntry;
  /** Whether rows were pulled (false: nothing had changed, or too soon after the last pull). */
  pulled: boolean;
  written: number;
  missing: number;
}

/** Progress polls of a running batch pull its rows at most this often (more for big batches). */
export function pullInterval(rowCount: number): number {
  return Math.min(120_000, 10_000 * Math.max(1, Math.ceil(rowCount / 500)));
}

/**
 * `force`: pull even when nothing seems to have changed (Sync results now). Without it a run is
 * pulled when its counts changed, at most every `pullInterval`, and always once it is final.
 */
export function syncRun(s: Services, client: BackendClient, entry: RunEntry, force: boolean): RunSync {
  const summary = toSummary(api.getBatch(client, entry.id));
  const signature = progressSignature(summary);
  const now = s.clock.now();
  const final = isFinal(summary.state);
  const sinceLast = entry.lastSyncAt === null ? Infinity : now.getTime() - Date.parse(entry.lastSyncAt);
  const due = force || (!entry.synced && signature !== entry.syncedSignature && (final || sinceLast >= pullInterval(summary.rowCount)));
  if (!due) {
    const updated = save(s, { ...entry, summary });
    return { entry: updated, pulled: false, written: 0, missing: 0 };
  }
  const rows = api.allRows(client, entry.id);
  const newer = new Set(loadRuns(s.documentProperties, entry.sheetId).filter((r) => r.summary.createdAt > entry.summary.createdAt).map((r) => r.id));
  const outcome = writeResults(s, entry.sheetId, entry.id, rows, newer);
  const updated = save(s, { ...entry, summary, synced: final, syncedSignature: signature, lastSyncAt: now.toISOString() });
  return { entry: updated, pulled: true, ...outcome };
}

function save(s: Services, entry: RunEntry): RunEntry {
  return updateRun(s.documentProperties, entry.sheetId, entry.id, () => entry) ?? entry;
}
