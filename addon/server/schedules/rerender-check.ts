// "All rows" re-renders DONE rows, and pays for them again, on every run: before a schedule is
// saved that way or run now, the user is told how many DONE rows it takes and what a run of
// today's rows costs, and must confirm.
import { connect } from '../api/connect';
import { priceRows } from '../batch/estimate';
import { messageOf } from '../result';
import type { Services } from '../services/ports';
import { loadOverrides } from '../sheet/column-mapping-store';
import { readSheet, type SheetData } from '../sheet/read-sheet';
import { rowState, selectRows } from '../sheet/select-rows';

export interface RerenderSubject {
  name: string;
  sheetId: number;
  scope: 'not_done' | 'all' | 'new';
  maxCostUsd: number;
}

function sheetData(s: Services, sheetId: number): SheetData | null {
  const sheet = s.spreadsheet.sheetById(sheetId);
  if (sheet === null) return null;
  try {
    return readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  } catch {
    return null; // an empty or headerless sheet re-renders nothing; the run itself says why
  }
}

/**
 * The question to ask before `doing` ("save it", "run it now"), or null when nothing DONE would
 * be re-rendered. The cost is the backend's estimate of every row the run takes today.
 */
export function rerenderQuestion(s: Services, subject: RerenderSubject, doing: string): string | null {
  if (subject.scope !== 'all') return null;
  const data = sheetData(s, subject.sheetId);
  if (data === null) return null;
  const rows = selectRows(data, 'all');
  const done = rows.filter((r) => rowState(data, r) === 'DONE').length;
  if (done === 0) return null;
  let cost: string;
  try {
    const priced = priceRows(connect(s).client, data, rows);
    const capped = priced.totalUsd > subject.maxCostUsd ? ` (more than its $${subject.maxCostUsd.toFixed(2)} cap, so the run would be refused)` : '';
    cost = `about $${priced.totalUsd.toFixed(2)} per run for today's ${rows.length} rows${capped}`;
  } catch (e) {
    cost = `its cost could not be estimated (${messageOf(e)})`;
  }
  const n = done === 1 ? '1 row that is already DONE' : `${done} rows that are already DONE`;
  return `“${subject.name}” runs All rows: every run re-renders ${n} on “${data.sheet.name}” and pays for them again, ${cost}. Confirm to ${doing}, or choose “Rows not DONE”.`;
}
