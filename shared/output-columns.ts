// Where Rowshot's output columns go, one rule for the add-on, the CSV/xlsx writer and the
// Sheets API target: an output field whose header the sheet has (by the batch's mapping) is
// written there; the missing ones are appended, in OUTPUT_ORDER, after the last column that
// holds anything in any row (not only a header), so an unlabelled column of user data is never
// written over. A header feeds one field only.
import { mapHeaders, ON_DEMAND_OUTPUTS, OUTPUT_FIELDS, OUTPUT_ORDER, type AutoOutputField, type ColumnMapping, type OnDemandOutput, type OutputField } from './sheet-convention';

/** 0-based column of every output field, existing or to be added; review columns only where the sheet has them. */
export type OutputColumns = Record<AutoOutputField, number> & Partial<Record<OnDemandOutput, number>>;

export interface OutputPlacement {
  columns: OutputColumns;
  /** The fields to add, with their column and header label, left to right. */
  added: { field: OutputField; column: number; label: string }[];
}

/**
 * `headers`: the header row (0-based, '' for blank cells); `usedWidth`: the number of columns
 * up to the last one with content in any row; `overrides`: the batch's column mapping.
 */
export function placeOutputColumns(headers: readonly string[], usedWidth: number, overrides: ColumnMapping = {}): OutputPlacement {
  const mapping = mapHeaders(headers, overrides);
  const columns = {} as OutputColumns;
  const taken = new Set<number>();
  for (const field of [...OUTPUT_ORDER, ...ON_DEMAND_OUTPUTS]) {
    const header = mapping[field];
    const col = header === undefined ? -1 : headers.indexOf(header);
    if (col >= 0 && !taken.has(col)) {
      columns[field] = col;
      taken.add(col);
    }
  }
  let next = Math.max(usedWidth, headers.length);
  const added: OutputPlacement['added'] = [];
  for (const field of OUTPUT_ORDER) {
    if (columns[field] !== undefined) continue;
    columns[field] = next;
    added.push({ field, column: next, label: OUTPUT_FIELDS[field] });
    next++;
  }
  return { columns, added };
}
