// One batch's row results written into its sheet by Row ID, wherever the rows are now: one read
// of the sheet, one readFormulas of the output block, one write per run of output columns. A new
// batch's rows are marked QUEUED the same way.
import { resultCells, type RowResult } from '../../../shared/index';
import type { Services } from '../services/ports';
import { AddonError } from '../result';
import { cellString } from '../sheet/cell-text';
import { loadOverrides } from '../sheet/column-mapping-store';
import { addMissingOutputColumns } from '../sheet/output-columns';
import { columnOf, dataRowIndexes, readSheet, type SheetData } from '../sheet/read-sheet';
import { formulaBlock, planWrites, type RowUpdate } from '../sheet/write-plan';

export interface WriteOutcome {
  /** Rows whose cells changed. */
  written: number;
  /** Results whose Row ID is not in the sheet. */
  missing: number;
}

/**
 * `newer`: ids of this sheet's batches started after this one; a row now belonging to one of
 * them keeps that batch's cells (an old batch finishing late must not overwrite a re-run).
 */
export function writeResults(s: Services, sheetId: number, batchId: string, rows: readonly RowResult[], newer: ReadonlySet<string>): WriteOutcome {
  if (rows.length === 0) return { written: 0, missing: 0 };
  const sheet = s.spreadsheet.sheetById(sheetId);
  if (sheet === null) return { written: 0, missing: rows.length };
  let data: SheetData;
  try {
    data = readSheet(sheet, loadOverrides(s.documentProperties, sheetId));
  } catch (e) {
    if (e instanceof AddonError && e.code === 'no_header_row') return { written: 0, missing: rows.length };
    throw e;
  }
  const idColumn = columnOf(data, 'rowId');
  if (idColumn < 0) return { written: 0, missing: rows.length };

  const indexById = new Map<string, number>();
  for (const r of dataRowIndexes(data)) {
    const id = cellString(data.values[r]?.[idColumn]);
    if (id !== '' && !indexById.has(id)) indexById.set(id, r);
  }
  let missing = 0;
  const found: { index: number; row: RowResult }[] = [];
  for (const row of rows) {
    const index = indexById.get(row.rowId);
    if (index === undefined) missing++;
    else found.push({ index, row });
  }
  if (found.length === 0) return { written: 0, missing };

  // A user may have deleted an output column since the run started.
  addMissingOutputColumns(data);
  const batchColumn = columnOf(data, 'batchId');
  const updates: RowUpdate[] = [];
  for (const { index, row } of found) {
    if (newer.has(cellString(data.values[index]?.[batchColumn]))) continue;
    updates.push({
      index,
      cells: resultCells({
        state: row.state, reason: row.reason, provider: row.provider, costUsd: row.costUsd, batchId,
        updatedAt: row.updatedAt ?? '', images: row.images,
        ...(row.version === undefined ? {} : { version: row.version }),
        ...(row.approved === undefined ? {} : { approved: row.approved && { version: row.approved.version, urls: row.approved.images.map((i) => i.url) } }),
      }),
    });
  }
  return { written: writeRowUpdates(data, updates), missing };
}

/**
 * Writes the updates into `data`'s sheet: one readFormulas of the output block, then one write
 * per run of adjacent output columns (never Row ID). Answers the number of rows that changed.
 */
export function writeRowUpdates(data: SheetData, updates: readonly RowUpdate[]): number {
  const block = formulaBlock(data, updates);
  const formulas = block ? data.sheet.readFormulas(block.row, block.column, block.numRows, block.numColumns) : [];
  const plan = planWrites(data, updates, formulas);
  for (const w of plan.writes) data.sheet.write(w.row, w.column, w.values);
  return plan.changed;
}

/**
 * A just-created batch's rows shown as QUEUED with its Batch ID, as a sync would show them, so a
 * second Run (rows not DONE) leaves them alone. Images stay: a QUEUED result is not final.
 * `data` is the sheet as read for the run (with its output columns and Row IDs in place).
 */
export function markRowsQueued(data: SheetData, rows: readonly number[], batchId: string, at: string): number {
  const cells = resultCells({ state: 'QUEUED', reason: null, provider: null, costUsd: 0, batchId, updatedAt: at, images: [] });
  return writeRowUpdates(data, rows.map((index) => ({ index, cells })));
}
