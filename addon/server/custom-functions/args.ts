// Custom function arguments as Sheets passes them: a single cell is a value, a range is a 2-D
// array (rows of cells); dates arrive as Date objects, empty cells as ''.
import { cellToText } from '../../../shared/index';

/** Rows of cells; a single value becomes one row of one cell, a missing one no rows. */
export function rowsOf(arg: unknown): unknown[][] {
  if (arg === undefined || arg === null) return [];
  if (!Array.isArray(arg)) return [[arg]];
  return arg.map((row: unknown) => (Array.isArray(row) ? row : [row]));
}

export function cellsOf(arg: unknown): unknown[] {
  return rowsOf(arg).flat();
}

/** A cell as text: dates as yyyy-mm-dd (with the time when there is one), numbers without float noise. */
export function argText(value: unknown): string {
  if (value instanceof Date) {
    const pad = (n: number) => String(n).padStart(2, '0');
    const day = `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
    const time = value.getHours() + value.getMinutes() + value.getSeconds() === 0 ? '' : ` ${pad(value.getHours())}:${pad(value.getMinutes())}`;
    return day + time;
  }
  return cellToText(value);
}

export const isBlank = (value: unknown): boolean => argText(value).trim() === '';
