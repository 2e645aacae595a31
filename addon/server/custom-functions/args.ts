// Custom function arguments as Sheets passes them: a single cell is a value, a range is a 2-D
// array (rows of cells); dates arrive as Date objects, empty cells as ''.
import { cellToText } from '../../../shared/index';
import { dateText, isDate } from '../sheet/date-text';

/** Rows of cells; a single value becomes one row of one cell, a missing one no rows. */
export function rowsOf(arg: unknown): unknown[][] {
  if (arg === undefined || arg === null) return [];
  if (!Array.isArray(arg)) return [[arg]];
  return arg.map((row: unknown) => (Array.isArray(row) ? row : [row]));
}

export function cellsOf(arg: unknown): unknown[] {
  return rowsOf(arg).flat();
}

/**
 * A cell as text, as a run reads it: dates as the spreadsheet shows them (its time zone, asked
 * only when a date turns up: see sheet/date-text.ts), numbers without float noise.
 */
export function argText(value: unknown, timeZone: () => string): string {
  return isDate(value) ? dateText(value, timeZone()) : cellToText(value);
}

/** A date is never blank, so this needs no time zone. */
export const isBlank = (value: unknown): boolean => !isDate(value) && cellToText(value).trim() === '';
