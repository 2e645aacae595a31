// Preparing a workbook for a batch: every output column present, every data row with a
// stable Row ID, so results can later be written by ID wherever the row has moved to.
import { randomBytes } from 'node:crypto';
import { cellToText, isUsableRowId, newRowId, OUTPUT_FIELDS, placeOutputColumns, type CellInput, type ColumnMapping } from '../../../../../shared/index';
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
export function ensureOutputColumns(sheet: EditableSheet, overrides: ColumnMapping = {}): { columns: Record<keyof typeof OUTPUT_FIELDS, number>; added: string[] } {
  const { columns, added } = placeOutputColumns(sheet.headers, sheet.headers.length, overrides);
  for (const a of added) {
    const col = sheet.appendColumn(a.label);
    if (col !== a.column) throw new Error(`output column ${a.label} went to ${col}, not ${a.column}`);
  }
  return { columns, added: added.map((a) => sheet.headers[a.column]!) };
}

function prepareSheet(sheet: EditableSheet): EnsureRowIdsResult {
  const rows = sheet.dataRows();
  const { columns, added } = ensureOutputColumns(sheet);
  const idCol = columns.rowId;
  const taken = new Set<string>();
  for (const row of rows) {
    const id = cellToText(row.values[idCol] ?? null).trim();
    if (id !== '') taken.add(id);
  }
  const seen = new Set<string>();
  let assigned = 0;
  const headers = [...sheet.headers];
  const prepared = rows.map((row): PreparedRow => {
    let id = cellToText(row.values[idCol] ?? null).trim();
    if (!isUsableRowId(id) || seen.has(id)) {
      do id = newRowId(randomBytes(10));
      while (taken.has(id));
      taken.add(id);
      sheet.setText(row.rowNumber, idCol, id);
      assigned++;
    }
    seen.add(id);
    const values = [...row.values];
    values[idCol] = id;
    return { rowNumber: row.rowNumber, rowId: id, cells: cellsOf(headers, values, sheet.format) };
  });
  return { headers, rows: prepared, added: { columns: added, rowIds: assigned } };
}
