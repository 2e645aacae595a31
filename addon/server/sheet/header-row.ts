// Finds the header row: the first of the top rows that names a Prompt column (by the sheet
// convention or the user's saved mapping), else the first naming any Rowshot column, else the
// first non-empty row (so a sheet with its own headers can still be mapped by hand).
import { mapHeaders, type ColumnMapping } from '../../../shared/index';
import type { CellValue } from '../services/ports';
import { cellString } from './cell-text';

/** Header rows are looked for in this many rows at the top. */
export const HEADER_SCAN_ROWS = 10;

/** 0-based index into `values`, or -1 when the top rows are all empty. */
export function detectHeaderRow(values: readonly (readonly CellValue[])[], overrides: ColumnMapping): number {
  let anyField = -1;
  let nonEmpty = -1;
  for (let r = 0; r < Math.min(HEADER_SCAN_ROWS, values.length); r++) {
    const texts = (values[r] ?? []).map((v) => cellString(v));
    if (texts.every((t) => t === '')) continue;
    if (nonEmpty < 0) nonEmpty = r;
    const mapping = mapHeaders(texts, overridesPresent(overrides, texts));
    if (mapping.prompt) return r;
    if (anyField < 0 && Object.values(mapping).some((h) => h)) anyField = r;
  }
  return anyField >= 0 ? anyField : nonEmpty;
}

/**
 * The saved overrides that still apply: those naming a header of this row, and explicit
 * "not mapped" entries (''). An override naming a renamed or deleted column is dropped, so
 * the automatic mapping takes over again.
 */
export function overridesPresent(overrides: ColumnMapping, headers: readonly string[]): ColumnMapping {
  const out: ColumnMapping = {};
  for (const [field, header] of Object.entries(overrides) as [keyof ColumnMapping, string | undefined][]) {
    if (header === '' || (header !== undefined && headers.includes(header))) out[field] = header;
  }
  return out;
}
