// Cell building for the Sheets API: A1 helpers and the CellData Rowshot writes. All text is
// `userEnteredValue.stringValue` (never parsed, so text starting with = + - @ stays text);
// Cost is a number; only the Image cell is a formula, built here from a URL we control.
import type { sheets_v4 } from '@googleapis/sheets';
import { columnLetter, FINAL_ROW_STATES, statusText, type OutputField } from '../../../../shared/index';
import type { RowWrite } from '../../ports/sheet-target';

/** A Sheets cell holds at most 50,000 characters; longer text would fail the whole request. */
export const MAX_CELL_CHARS = 50_000;

/** A sheet title quoted for A1 notation: `'It''s'`. */
export function quoteSheetTitle(title: string): string {
  return `'${title.replace(/'/g, "''")}'`;
}

/** The text of a cell read with `effectiveValue,formattedValue`. */
export function cellText(cell: sheets_v4.Schema$CellData | undefined): string {
  const v = cell?.effectiveValue;
  if (v?.stringValue != null) return v.stringValue;
  if (v?.numberValue != null) {
    const n = v.numberValue;
    return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(12)));
  }
  if (v?.boolValue != null) return v.boolValue ? 'TRUE' : 'FALSE';
  return cell?.formattedValue ?? '';
}

function text(value: string): sheets_v4.Schema$CellData {
  if (value === '') return {}; // with fields=userEnteredValue, an empty CellData clears the cell
  const v = value.length > MAX_CELL_CHARS ? `${value.slice(0, MAX_CELL_CHARS - 1)}…` : value;
  return { userEnteredValue: { stringValue: v } };
}

/** `=IMAGE("url")` with `"` doubled; a URL that is not http(s) is written as text instead. */
export function imageCell(url: string | undefined): sheets_v4.Schema$CellData {
  if (url === undefined || url === '') return {};
  if (!/^https?:\/\//i.test(url) || url.length > 2000) return text(url);
  return { userEnteredValue: { formulaValue: `=IMAGE("${url.replace(/"/g, '""')}")` } };
}

/** Whether this write replaces the image cells (see WorkbookTarget: a re-run keeps old images until final). */
export function touchesImages(w: RowWrite): boolean {
  return w.images.length > 0 || FINAL_ROW_STATES.includes(w.state);
}

/** The cells Rowshot writes for one row, by output field (Row ID is never rewritten). */
export function rowCells(w: RowWrite): Partial<Record<OutputField, sheets_v4.Schema$CellData>> {
  const cells: Partial<Record<OutputField, sheets_v4.Schema$CellData>> = {
    status: text(statusText(w.state, w.reason)),
    error: text(w.state === 'FAILED' || w.state === 'SKIPPED' ? (w.reason ?? '') : ''),
    provider: text(w.provider ?? ''),
    costUsd: { userEnteredValue: { numberValue: Math.round(w.costUsd * 1e6) / 1e6 } },
    batchId: text(w.batchId),
    updatedAt: text(w.updatedAt),
  };
  if (touchesImages(w)) {
    cells.imageUrl = text(w.images.map((i) => i.image.url).join('\n'));
    cells.thumbnailUrl = text(w.images.map((i) => i.thumbnail.url).join('\n'));
    cells.image = imageCell(w.images[0]?.thumbnail.url);
  }
  return cells;
}

export function headerCell(label: string): sheets_v4.Schema$CellData {
  return { userEnteredValue: { stringValue: label } };
}
