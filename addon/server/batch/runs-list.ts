// This sheet's run history for the sidebar: stored summaries, with unfinished runs refreshed
// from the backend (finished ones no longer change, so they cost no request).
import { api } from '../api/endpoints';
import type { BatchSummary } from '../rpc';
import type { Services } from '../services/ports';
import { missingSettings, readSettings } from '../settings/settings-store';
import { BackendClient } from '../api/backend-client';
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
  const settings = readSettings(s.userProperties);
  if (missingSettings(settings) !== null) return runs.map((r) => r.summary);
  const client = new BackendClient(s.http, settings);
  return runs.map((r) => (isFinal(r.summary.state) ? r.summary : refreshSummary(s, client, r)));
}
