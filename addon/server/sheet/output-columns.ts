// Output columns a run needs and the sheet lacks, added at the right of everything in the
// sheet (never over a user's cells) with one write of their header labels.
import { OUTPUT_FIELDS, OUTPUT_ORDER, type OutputField } from '../../../shared/index';
import { textForSheet } from './cell-text';
import { columnOf, refreshHeaders, type SheetData } from './read-sheet';

export function missingOutputs(data: SheetData): OutputField[] {
  return OUTPUT_ORDER.filter((field) => columnOf(data, field) < 0);
}

/** Writes the missing output headers (one call) and updates `data` to match. */
export function addMissingOutputColumns(data: SheetData): OutputField[] {
  const missing = missingOutputs(data);
  if (missing.length === 0) return missing;
  const labels = missing.map((field) => OUTPUT_FIELDS[field]);
  data.sheet.ensureColumns(data.width + missing.length);
  data.sheet.write(data.headerIndex + 1, data.width + 1, [labels.map(textForSheet)]);
  data.values.forEach((row, r) => row.push(...(r === data.headerIndex ? labels : labels.map(() => ''))));
  data.width += missing.length;
  refreshHeaders(data);
  return missing;
}
