// What goes into a cell through setValues, which reads a string as if typed: "0012" would become
// 12, "true" TRUE, "2024-05-01" a date and "=x" a formula. So every non-empty text goes out with
// a leading `'` (Sheets stores the rest as text and shows no apostrophe); only `=IMAGE()` of a
// result URL is written as a formula; numbers and booleans stay what they are.
import { cellToText, imageFormula, type ResultCell } from '../../../shared/index';
import type { CellValue } from '../services/ports';

/** A text as setValues must receive it to keep it exactly this text ('' stays an empty cell). */
export function textForSheet(text: string): string {
  return text === '' ? '' : `'${text}`;
}

/** A result cell as setValues takes it. */
export function resultCellValue(cell: ResultCell): CellValue {
  if (cell.kind === 'image') return imageFormula(cell.url);
  if (cell.kind === 'number') return cell.value;
  return textForSheet(cell.text);
}

/** A cell written back unchanged: its formula if it has one, else its value kept as text. */
export function keptCellValue(value: CellValue, formula: string): CellValue {
  if (formula !== '') return formula;
  return typeof value === 'string' ? textForSheet(value) : value;
}

/** Whether a cell already shows a result cell (so rewriting it would change nothing). */
export function cellShows(value: CellValue, formula: string, cell: ResultCell): boolean {
  if (cell.kind === 'image') return formula === imageFormula(cell.url);
  if (formula !== '') return false;
  if (cell.kind === 'number') return typeof value === 'number' ? value === cell.value : cellToText(value) === cellToText(cell.value);
  return cellToText(value) === cell.text;
}

/** A cell's text, trimmed. */
export function cellString(value: CellValue | undefined): string {
  return cellToText(value).trim();
}
