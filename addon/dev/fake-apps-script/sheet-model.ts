// One sheet's cells as Sheets stores them: a value and, for formula cells, the formula text.
// The test side reads and seeds it directly; the Apps Script side (sheet-api.ts) goes through it.

export type StoredValue = string | number | boolean | Date;

export interface Validation {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
  values: string[];
  allowInvalid: boolean;
}

/** Sheets' default grid: a new sheet has 1,000 rows and 26 columns (A–Z). */
export const DEFAULT_GRID = { rows: 1000, columns: 26 };

export class SheetModel {
  private values: StoredValue[][] = [];
  private formulas: string[][] = [];
  readonly validations: Validation[] = [];
  maxRows: number;
  maxColumns: number;

  constructor(
    readonly id: number,
    public name: string,
    rows: readonly (readonly unknown[])[] = [],
    grid: { rows?: number; columns?: number } = {},
  ) {
    const width = Math.max(0, ...rows.map((r) => r.length));
    this.maxRows = Math.max(grid.rows ?? DEFAULT_GRID.rows, rows.length);
    this.maxColumns = Math.max(grid.columns ?? DEFAULT_GRID.columns, width);
    if (rows.length > 0) this.write(1, 1, rows.map((r) => [...r, ...Array<unknown>(width - r.length).fill('')]));
  }

  lastRow(): number {
    for (let r = Math.max(this.values.length, this.formulas.length); r >= 1; r--) if (this.rowHasContent(r)) return r;
    return 0;
  }

  lastColumn(): number {
    let last = 0;
    for (let r = 1; r <= this.values.length; r++) {
      for (let c = (this.values[r - 1]?.length ?? 0); c > last; c--) if (this.hasContent(r, c)) last = c;
    }
    return last;
  }

  /** The displayed value: '' for an empty cell and for a formula cell (the fake computes none). */
  value(row: number, column: number): StoredValue {
    return this.values[row - 1]?.[column - 1] ?? '';
  }

  formula(row: number, column: number): string {
    return this.formulas[row - 1]?.[column - 1] ?? '';
  }

  /** Values as `Range.setValues` takes them (see `toStored` for how Sheets reads each). */
  write(row: number, column: number, rows: readonly (readonly unknown[])[]): void {
    rows.forEach((cells, i) => {
      cells.forEach((input, j) => {
        const { value, formula } = toStored(input);
        ((this.values[row - 1 + i] ??= [])[column - 1 + j] = value);
        ((this.formulas[row - 1 + i] ??= [])[column - 1 + j] = formula);
      });
    });
  }

  /** The block of displayed values, as `getValues` returns it. */
  read(row: number, column: number, numRows: number, numColumns: number): StoredValue[][] {
    return block(numRows, numColumns, (r, c) => this.value(row + r, column + c));
  }

  readFormulas(row: number, column: number, numRows: number, numColumns: number): string[][] {
    return block(numRows, numColumns, (r, c) => this.formula(row + r, column + c));
  }

  /** All rows up to the last one with content, each as wide as the last column. */
  dump(): StoredValue[][] {
    return this.read(1, 1, this.lastRow(), Math.max(1, this.lastColumn()));
  }

  private rowHasContent(row: number): boolean {
    const width = Math.max(this.values[row - 1]?.length ?? 0, this.formulas[row - 1]?.length ?? 0);
    for (let c = 1; c <= width; c++) if (this.hasContent(row, c)) return true;
    return false;
  }

  private hasContent(row: number, column: number): boolean {
    return this.value(row, column) !== '' || this.formula(row, column) !== '';
  }
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * How Sheets stores a value given to `setValues`: a string starting with `=` is a formula; a
 * leading `'` marks text and is dropped; other strings that read as a number or TRUE/FALSE
 * become one (so "0012" is stored as 12). Dates in text are not parsed by the fake.
 */
export function toStored(input: unknown): { value: StoredValue; formula: string } {
  if (input === null || input === undefined) return { value: '', formula: '' };
  if (typeof input === 'number' || typeof input === 'boolean') return { value: input, formula: '' };
  if (Object.prototype.toString.call(input) === '[object Date]') return { value: new Date((input as Date).getTime()), formula: '' };
  const text = String(input);
  if (text.startsWith('=') && text.length > 1) return { value: '', formula: text };
  if (text.startsWith("'")) return { value: text.slice(1), formula: '' };
  const trimmed = text.trim();
  if (NUMBER.test(trimmed)) return { value: Number(trimmed), formula: '' };
  if (/^(true|false)$/i.test(trimmed)) return { value: trimmed.toLowerCase() === 'true', formula: '' };
  return { value: text, formula: '' };
}

function block<T>(numRows: number, numColumns: number, cell: (r: number, c: number) => T): T[][] {
  return Array.from({ length: numRows }, (_, r) => Array.from({ length: numColumns }, (_, c) => cell(r, c)));
}
