// Sync of every run of this document that is not final-and-synced (oldest first, so a re-run's
// results land after the run it repeats), within a time budget: Apps Script stops an execution
// after 6 minutes, and what is left is synced next time.
import { connect } from '../api/connect';
import { isMine, loadRuns, pendingRuns, updateRun, type RunEntry } from '../batch/history';
import type { SyncReport } from '../rpc';
import { AddonError, messageOf } from '../result';
import type { Services } from '../services/ports';
import { currentUserId } from '../settings/user-id';
import { syncRun } from './pull-sync';

/** Stop starting new runs after this long. */
export const SYNC_BUDGET_MS = 240_000;

/** Failures that would fail every other run too: stop at the first. */
const FATAL = ['unreachable', 'unauthenticated', 'not_configured', 'busy'];

/** The dispatcher's sync (and the menu's): every pending run, without the progress throttle. */
export function syncAll(s: Services): SyncReport {
  return syncRuns(s, pendingRuns(s), true);
}

/** "Sync results now": the pending runs, or else the active sheet's latest run again. */
export function syncNow(s: Services): SyncReport {
  const pending = pendingRuns(s);
  if (pending.length > 0) return syncRuns(s, pending, true);
  const latest = loadRuns(s.documentProperties, s.spreadsheet.activeSheet().id)[0];
  if (!latest) return { batches: 0, written: 0, missing: 0, message: 'Nothing to sync: no run was started from this sheet yet.' };
  return syncRuns(s, [latest], true);
}

export function syncRuns(s: Services, runs: readonly RunEntry[], force: boolean): SyncReport {
  if (runs.length === 0) return { batches: 0, written: 0, missing: 0, message: 'Everything is up to date: no run is waiting for results.' };
  const { client } = connect(s);
  const me = (): string => currentUserId(s);
  const started = s.clock.now().getTime();
  let batches = 0;
  let written = 0;
  let missing = 0;
  const problems: string[] = [];
  let left = 0;
  for (const [i, entry] of runs.entries()) {
    if (s.clock.now().getTime() - started > SYNC_BUDGET_MS) {
      left = runs.length - i;
      break;
    }
    try {
      const r = syncRun(s, client, entry, force);
      if (r.pulled) batches++;
      written += r.written;
      missing += r.missing;
    } catch (e) {
      const error = e instanceof AddonError ? e.rpc : null;
      if (error?.code === 'not_found' && isMine(entry, me())) {
        // The backend no longer has this batch (deleted or expired): stop asking for it. Another
        // editor's run may just be invisible to our API key: its owner's trigger still syncs it.
        updateRun(s.documentProperties, entry.sheetId, entry.id, (r) => ({ ...r, synced: true }));
      }
      problems.push(`run ${entry.id}: ${messageOf(e)}`);
      if (error && FATAL.includes(error.code)) {
        left = runs.length - i - 1;
        break;
      }
    }
  }
  return { batches, written, missing, message: reportMessage(batches, written, missing, problems, left) };
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function reportMessage(batches: number, written: number, missing: number, problems: readonly string[], left: number): string {
  const parts: string[] = [];
  if (batches > 0) parts.push(written > 0 ? `Synced ${plural(batches, 'run')}: ${plural(written, 'row')} updated.` : `Synced ${plural(batches, 'run')}: the sheet was already up to date.`);
  else if (problems.length === 0) parts.push('Everything is up to date.');
  if (missing > 0) parts.push(`${plural(missing, 'result')} could not be placed: ${missing === 1 ? 'its Row ID is' : 'their Row IDs are'} no longer in the sheet.`);
  if (problems.length > 0) parts.push(`Could not sync ${problems.join('; ')}.`);
  if (left > 0) parts.push(`${plural(left, 'run')} left to sync next time.`);
  return parts.join(' ');
}
