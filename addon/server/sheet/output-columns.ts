// Output columns a run needs and the sheet lacks, placed by the shared rule (placeOutputColumns:
// after everything in the sheet, never over a user's cells, as the CSV/xlsx writer and the
// Sheets API target place them) with one write of their header labels.
import { placeOutputColumns, type OutputField } from '../../../shared/index';
import { textForSheet } from './cell-text';
import { refreshHeaders, type SheetData } from './read-sheet';

function placement(data: SheetData) {
  // data.mapping already holds the sheet's overrides that still apply.
  return placeOutputColumns(data.headers, data.width, data.mapping);
}

export function missingOutputs(data: SheetData): OutputField[] {
  return placement(data).added.map((a) => a.field);
}

/** Writes the missing output headers (one call) and updates `data` to match. */
export function addMissingOutputColumns(data: SheetData): OutputField[] {
  const { added } = placement(data);
  const first = added[0]?.column;
  if (first === undefined) return [];
  const labels = added.map((a) => a.label);
  data.sheet.ensureColumns(first + added.length);
  data.sheet.write(data.headerIndex + 1, first + 1, [labels.map(textForSheet)]);
  data.values.forEach((row, r) => {
    while (row.length < first) row.push('');
    row.push(...(r === data.headerIndex ? labels : labels.map(() => '')));
  });
  data.width = first + added.length;
  refreshHeaders(data);
  return added.map((a) => a.field);
}
