// Cell building for the Sheets API: A1 helpers and the CellData of Rowshot's result cells.
// What goes in each cell is decided once, in shared/result-cells.ts; here a ResultCell only
// becomes CellData. All text is `userEnteredValue.stringValue` (never parsed, so text starting
// with = + - @ stays text); Cost is a number; only the Image cell is a formula.
import type { sheets_v4 } from '@googleapis/sheets';
import { cellToText, imageFormula, resultCells, type OutputField, type ResultCell, type ResultRow } from '../../../../shared/index';
import type { RowWrite } from '../../ports/sheet-target';

/** A sheet title quoted for A1 notation: `'It''s'`. */
export function quoteSheetTitle(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/** The text of a cell read with `effectiveValue,formattedValue`. */
export function cellText(cell: sheets_v4.Schema$CellData | undefined): string {
  const v = cell?.effectiveValue;
  if (v?.stringValue != null) return v.stringValue;
  if (v?.numberValue != null) return cellToText(v.numberValue);
  if (v?.boolValue != null) return cellToText(v.boolValue);
  return cell?.formattedValue ?? '';
}

/** A write as the technology-neutral row: the images by their capability URLs. */
export function resultRowOf(w: RowWrite): ResultRow {
  return {
    state: w.state, reason: w.reason, provider: w.provider, costUsd: w.costUsd, batchId: w.batchId, updatedAt: w.updatedAt,
    images: w.images.map((i) => ({ url: i.image.url, thumbnailUrl: i.thumbnail.url, provenanceUrl: i.provenance?.url })),
    ...(w.version === undefined ? {} : { version: w.version }),
    ...(w.approved === undefined ? {} : { approved: w.approved && { version: w.approved.version, urls: w.approved.images.map((i) => i.image.url) } }),
  };
}

export function cellData(cell: ResultCell): sheets_v4.Schema$CellData {
  switch (cell.kind) {
    // With fields=userEnteredValue, an empty CellData clears the cell.
    case 'text': return cell.text === '' ? {} : { userEnteredValue: { stringValue: cell.text } };
    case 'number': return { userEnteredValue: { numberValue: cell.value } };
    case 'image': return { userEnteredValue: { formulaValue: imageFormula(cell.url) } };
  }
}

/** The cells Rowshot writes for one row, by output field (Row ID is never rewritten). */
export function rowCells(row: ResultRow): Partial<Record<OutputField, sheets_v4.Schema$CellData>> {
  const cells: Partial<Record<OutputField, sheets_v4.Schema$CellData>> = {};
  for (const [field, cell] of Object.entries(resultCells(row)) as [OutputField, ResultCell][]) cells[field] = cellData(cell);
  return cells;
}

export function headerCell(label: string): sheets_v4.Schema$CellData {
  return { userEnteredValue: { stringValue: label } };
}
