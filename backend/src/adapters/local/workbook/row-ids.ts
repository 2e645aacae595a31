// Preparing a workbook for a batch: every output column present, every data row with a
// stable Row ID, so results can later be written by ID wherever the row has moved to.
import { randomBytes } from 'node:crypto';
import { cellToText, isUsableRowId, newRowId, placeOutputColumns, type CellInput, type ColumnMapping, type OutputColumns } from '../../../../../shared/index';
import { editWorkbook, type ReadWorkbookOptions } from './read-workbook';
import { cellsOf, type EditableSheet } from './workbook';

export interface PreparedRow {
  rowNumber: number;
  rowId: string;
  /** Addressable header → value, including the output columns. */
  cells: Record<string, CellInput>;
}

export interface EnsureRowIdsResult {
  headers: string[];
  rows: PreparedRow[];
  added: { columns: string[]; rowIds: number };
}

/**
 * Appends the output columns that are missing, gives every data row without a usable Row ID
 * (none, one the API would refuse such as a 70-character one, or one already used by an
 * earlier row) a fresh one, and writes the file back atomically only if something changed.
 * Usable IDs are never changed; headers match the way the convention matches them (so an
 * existing `row_id` column is reused). The add-on applies the same rule (shared/row-id.ts).
 */
export async function ensureRowIds(file: string, options: ReadWorkbookOptions = {}): Promise<EnsureRowIdsResult> {
  return editWorkbook(file, options, async (sheet) => {
    const result = prepareSheet(sheet);
    return { result, changed: result.added.columns.length > 0 || result.added.rowIds > 0 };
  });
}

/** Output column indexes by field, appending the missing ones (shared rule: placeOutputColumns; a sheet's width is its widest row). */
export function ensureOutputColumns(sheet: EditableSheet, overrides: ColumnMapping = {}): { columns: OutputColumns; added: string[] } {
  const { columns, added } = placeOutputColumns(sheet.headers, sheet.headers.length, overrides);
  for (const a of added) {
    const col = sheet.appendColumn(a.label);
    if (col !== a.column) throw new Error(`output column ${a.label} went to ${col}, not ${a.column}`);
  }
  return { columns, added: added.map((a) => sheet.headers[a.column]!) };
}

/**
 * The Row ID each row gets, from the IDs it has now (in row order): a usable ID is kept where it
 * first appears; a missing, unusable or repeated one is replaced by a fresh ID no row has.
 */
export function plannedRowIds(current: readonly string[]): string[] {
  const taken = new Set(current.filter((id) => id !== ''));
  const seen = new Set<string>();
  return current.map((existing) => {
    let id = existing;
    if (!isUsableRowId(id) || seen.has(id)) {
      do id = newRowId(randomBytes(10));
      while (taken.has(id));
      taken.add(id);
    }
    seen.add(id);
    return id;
  });
}

function prepareSheet(sheet: EditableSheet): EnsureRowIdsResult {
  const rows = sheet.dataRows();
  const { columns, added } = ensureOutputColumns(sheet);
  const idCol = columns.rowId;
  const current = rows.map((row) => cellToText(row.values[idCol] ?? null).trim());
  const ids = plannedRowIds(current);
  let assigned = 0;
  const headers = [...sheet.headers];
  const prepared = rows.map((row, i): PreparedRow => {
    const id = ids[i] as string;
    if (id !== current[i]) {
      sheet.setText(row.rowNumber, idCol, id);
      assigned++;
    }
    const values = [...row.values];
    values[idCol] = id;
    return { rowNumber: row.rowNumber, rowId: id, cells: cellsOf(headers, values, sheet.format) };
  });
  return { headers, rows: prepared, added: { columns: added, rowIds: assigned } };
}
