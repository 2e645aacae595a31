// One read of a sheet's whole used range, its header row and column mapping. Everything after
// works on these values in memory, so a sheet of 10,000 rows costs the same Sheet calls as 10.
import { mapHeaders, OUTPUT_FIELDS, preflightHeaders, SIDEBAR_MAP_HINT, type ColumnMapping, type InputField, type OutputField } from '../../../shared/index';
import { AddonError } from '../result';
import type { CellValue, SheetPort } from '../services/ports';
import { cellString } from './cell-text';
import { detectHeaderRow, overridesPresent } from './header-row';

export interface SheetData {
  sheet: SheetPort;
  /** Rows 1..lastRow, each `width` cells (0-based: values[r][c] is row r+1, column c+1). */
  values: CellValue[][];
  width: number;
  /** 0-based index of the header row in `values`. */
  headerIndex: number;
  /** Header texts, trimmed, `width` long. */
  headers: string[];
  /** The saved overrides as found. */
  overrides: ColumnMapping;
  /** Field → header: automatic, then the overrides that still apply. */
  mapping: ColumnMapping;
}

export function readSheet(sheet: SheetPort, overrides: ColumnMapping): SheetData {
  const lastRow = sheet.lastRow();
  const width = sheet.lastColumn();
  if (lastRow === 0 || width === 0) {
    throw new AddonError('no_header_row', `Sheet "${sheet.name}" is empty: add a header row with a Prompt column, then one row per image to make.`);
  }
  const values = sheet.read(1, 1, lastRow, width).map((row) => padRow(row, width));
  const headerIndex = detectHeaderRow(values, overrides);
  if (headerIndex < 0) {
    throw new AddonError('no_header_row', `No header row in the first rows of sheet "${sheet.name}": put the column names (Prompt, Variants, …) in one row at the top.`);
  }
  const data: SheetData = { sheet, values, width, headerIndex, headers: [], overrides, mapping: {} };
  refreshHeaders(data);
  return data;
}

/** Recomputes headers and mapping after the header row changed in memory. */
export function refreshHeaders(data: SheetData): void {
  data.headers = (data.values[data.headerIndex] ?? []).map((v) => cellString(v));
  data.mapping = mapHeaders(data.headers, overridesPresent(data.overrides, data.headers));
}

function padRow(row: readonly CellValue[], width: number): CellValue[] {
  const out = row.slice(0, width);
  while (out.length < width) out.push('');
  return out;
}

/** 0-based column of a field, or -1 when it is not mapped to a header of this sheet. */
export function columnOf(data: SheetData, field: InputField | OutputField): number {
  const header = data.mapping[field];
  return header ? data.headers.indexOf(header) : -1;
}

/** The 0-based indexes of every row below the header. */
export function dataRowIndexes(data: SheetData): number[] {
  const out: number[] = [];
  for (let r = data.headerIndex + 1; r < data.values.length; r++) out.push(r);
  return out;
}

/** Columns holding Rowshot's output (the first column of each mapped output header). */
export function outputColumns(data: SheetData): Set<number> {
  const cols = new Set<number>();
  for (const field of Object.keys(OUTPUT_FIELDS) as OutputField[]) {
    const c = columnOf(data, field);
    if (c >= 0) cols.add(c);
  }
  return cols;
}

/**
 * The columns sent to the backend as a row's cells: every named column that is not an output
 * column (other columns feed {{placeholders}}), first occurrence of a repeated header only.
 */
export function inputColumns(data: SheetData): { header: string; column: number }[] {
  const outputs = outputColumns(data);
  const seen = new Set<string>();
  const out: { header: string; column: number }[] = [];
  data.headers.forEach((header, column) => {
    if (header === '' || outputs.has(column) || seen.has(header)) return;
    seen.add(header);
    out.push({ header, column });
  });
  return out;
}

/** A row's input cells, header → value, as the backend reads them. */
export function inputCells(data: SheetData, columns: readonly { header: string; column: number }[], index: number): Record<string, CellValue> {
  const row = data.values[index] ?? [];
  const cells: Record<string, CellValue> = {};
  for (const { header, column } of columns) cells[header] = row[column] ?? '';
  return cells;
}

/** Whether a row has anything in its input columns (blank rows are skipped, never sent). */
export function hasInput(data: SheetData, columns: readonly { header: string; column: number }[], index: number): boolean {
  const row = data.values[index] ?? [];
  return columns.some(({ column }) => cellString(row[column]) !== '');
}

/** The header pre-flight: fails with one readable message when no column is mapped to Prompt. */
export function requirePrompt(data: SheetData): void {
  if (columnOf(data, 'prompt') >= 0) return;
  const check = preflightHeaders(data.headers, overridesPresent(data.overrides, data.headers), SIDEBAR_MAP_HINT);
  const message = check.ok ? 'No Prompt column.' : check.message;
  throw new AddonError('no_header_row', `Sheet "${data.sheet.name}" (headers in row ${data.headerIndex + 1}): ${message}`);
}
