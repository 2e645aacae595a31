// Preparing a workbook for a batch: every output column present, every data row with a
// stable Row ID, so results can later be written by ID wherever the row has moved to.
import { randomBytes } from 'node:crypto';
import { cellToText, mapHeaders, OUTPUT_FIELDS, OUTPUT_ORDER, type CellInput, type ColumnMapping } from '../../../../../shared/index';
import { editWorkbook, type ReadWorkbookOptions } from './read-workbook';
import { cellsOf, type EditableSheet } from './workbook';

// Crockford's base32 in lower case: no i, l, o, u, so IDs survive being read aloud or retyped.
const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/** `r_` + 10 random base32 characters (50 bits). */
export function newRowId(): string {
  const bytes = randomBytes(10);
  let id = 'r_';
  for (const b of bytes) id += BASE32[b & 31];
  return id;
}

export const ROW_ID_PATTERN = /^r_[0-9a-hjkmnp-tv-z]{10}$/;

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
 * Appends the output columns that are missing, gives every data row without a Row ID (or
 * with one already used by an earlier row) a fresh one, and writes the file back atomically
 * only if something changed. Existing IDs are never changed; headers match the way the
 * convention matches them (so an existing `row_id` column is reused).
 */
export async function ensureRowIds(file: string, options: ReadWorkbookOptions = {}): Promise<EnsureRowIdsResult> {
  return editWorkbook(file, options, async (sheet) => {
    const result = prepareSheet(sheet);
    return { result, changed: result.added.columns.length > 0 || result.added.rowIds > 0 };
  });
}

/** Output column indexes by field, appending the missing ones. */
export function ensureOutputColumns(sheet: EditableSheet, mapping: ColumnMapping = mapHeaders(sheet.headers)): { columns: Record<keyof typeof OUTPUT_FIELDS, number>; added: string[] } {
  const columns = {} as Record<keyof typeof OUTPUT_FIELDS, number>;
  const added: string[] = [];
  for (const field of OUTPUT_ORDER) {
    const header = mapping[field];
    const index = header === undefined ? -1 : sheet.headers.indexOf(header);
    if (index >= 0) {
      columns[field] = index;
    } else {
      columns[field] = sheet.appendColumn(OUTPUT_FIELDS[field]);
      added.push(sheet.headers[columns[field]]!);
    }
  }
  return { columns, added };
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
    if (id === '' || seen.has(id)) {
      do id = newRowId();
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
