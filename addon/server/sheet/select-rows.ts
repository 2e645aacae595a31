// Which rows a run takes: the selected ones, every row not DONE (and not already queued or
// running), the FAILED ones, or (schedules) all, or the new ones: never run by anyone (no Row ID
// and no Status: every run gives each of its rows both). Blank rows are never taken.
import type { Scope } from '../rpc';
import { cellString } from './cell-text';
import { columnOf, dataRowIndexes, hasInput, inputColumns, type SheetData } from './read-sheet';

export type RowScope = Scope | 'all' | 'new';

/** The state word of a row's Status cell (`FAILED: reason` → `FAILED`), or '' when empty. */
export function rowState(data: SheetData, index: number): string {
  const col = columnOf(data, 'status');
  if (col < 0) return '';
  const text = cellString(data.values[index]?.[col]).toUpperCase();
  return /^[A-Z]+/.exec(text)?.[0] ?? '';
}

/** Rows of an unfinished run are left alone: re-running them would pay for them twice. */
const IN_FLIGHT = ['QUEUED', 'RUNNING'];

export function inScope(data: SheetData, scope: RowScope, index: number, selected: ReadonlySet<number>): boolean {
  switch (scope) {
    case 'selected': return selected.has(index + 1);
    case 'failed': return rowState(data, index) === 'FAILED';
    case 'not_done': {
      const state = rowState(data, index);
      return state !== 'DONE' && !IN_FLIGHT.includes(state);
    }
    case 'all': return true;
    case 'new': {
      const idColumn = columnOf(data, 'rowId');
      return rowState(data, index) === '' && (idColumn < 0 || cellString(data.values[index]?.[idColumn]) === '');
    }
  }
}

/** 0-based indexes of the non-blank data rows in scope, top to bottom. */
export function selectRows(data: SheetData, scope: RowScope, selectedRows: readonly number[] = []): number[] {
  const columns = inputColumns(data);
  const selected = new Set(selectedRows);
  return dataRowIndexes(data).filter((r) => hasInput(data, columns, r) && inScope(data, scope, r, selected));
}

export interface ScopeCounts {
  rows: number;
  selected: number;
  notDone: number;
  failed: number;
}

export function countScopes(data: SheetData, selectedRows: readonly number[]): ScopeCounts {
  const columns = inputColumns(data);
  const selected = new Set(selectedRows);
  const counts: ScopeCounts = { rows: 0, selected: 0, notDone: 0, failed: 0 };
  for (const r of dataRowIndexes(data)) {
    if (!hasInput(data, columns, r)) continue;
    counts.rows++;
    if (inScope(data, 'selected', r, selected)) counts.selected++;
    if (inScope(data, 'not_done', r, selected)) counts.notDone++;
    if (inScope(data, 'failed', r, selected)) counts.failed++;
  }
  return counts;
}

export function noRowsMessage(scope: RowScope, sheetName: string): string {
  switch (scope) {
    case 'selected': return `No rows to run in the selection: select cells in the rows below the header of "${sheetName}" that have a prompt.`;
    case 'failed': return `No FAILED rows in "${sheetName}".`;
    case 'not_done': return `Every row of "${sheetName}" is DONE or already running.`;
    case 'all': return `"${sheetName}" has no rows below its header.`;
    case 'new': return `No new rows in "${sheetName}" since the last run.`;
  }
}
