// This sheet's run history for the sidebar: stored summaries, with unfinished runs refreshed
// from the backend (finished ones no longer change, so they cost no request).
import { api } from '../api/endpoints';
import type { BatchSummary } from '../rpc';
import type { Services } from '../services/ports';
import { connect } from '../api/connect';
import type { BackendClient } from '../api/backend-client';
import { loadRuns, updateRun, type RunEntry } from './history';
import { isFinal, toSummary } from './summary';

/** The run's current summary (saved back into history); the stored one if the backend cannot say. */
export function refreshSummary(s: Services, client: BackendClient, entry: RunEntry): BatchSummary {
  try {
    const summary = toSummary(api.getBatch(client, entry.id));
    updateRun(s.documentProperties, entry.sheetId, entry.id, (r) => ({ ...r, summary }));
    return summary;
  } catch {
    return entry.summary;
  }
}

export function listSheetRuns(s: Services): BatchSummary[] {
  const runs = loadRuns(s.documentProperties, s.spreadsheet.activeSheet().id);
  let client: BackendClient;
  try {
    client = connect(s).client;
  } catch {
    // Not set up (or no sign-in at hand): the stored summaries are all there is to show.
    return runs.map((r) => r.summary);
  }
  return runs.map((r) => (isFinal(r.summary.state) ? r.summary : refreshSummary(s, client, r)));
}
