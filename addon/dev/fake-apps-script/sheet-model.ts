// One sheet's cells as Sheets stores them: a value and, for formula cells, the formula text.
// The test side reads and seeds it directly; the Apps Script side (sheet-api.ts) goes through it.
// Formula results are not computed here: a recalculation (the harness's, for the add-on's
// custom functions) places them with setResults, spilling array results into empty cells.

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
  /** Computed values by "row,column": formula results and the cells their arrays spill into. */
  private computed = new Map<string, StoredValue>();
  private spilled = new Set<string>();
  maxRows: number;
  maxColumns: number;
  /** The Google Form whose responses land in this sheet (see form-submit.ts), or null. */
  formUrl: string | null = null;

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

  /** As in Sheets, cells that an array result spills into count. */
  lastRow(): number {
    let last = 0;
    for (let r = Math.max(this.values.length, this.formulas.length); r >= 1; r--) {
      if (this.rowHasContent(r)) {
        last = r;
        break;
      }
    }
    for (const key of this.spilled) last = Math.max(last, Number(key.split(',')[0]));
    return last;
  }

  lastColumn(): number {
    let last = 0;
    for (let r = 1; r <= Math.max(this.values.length, this.formulas.length); r++) {
      const width = Math.max(this.values[r - 1]?.length ?? 0, this.formulas[r - 1]?.length ?? 0);
      for (let c = width; c > last; c--) if (this.hasContent(r, c)) last = c;
    }
    for (const key of this.spilled) last = Math.max(last, Number(key.split(',')[1]));
    return last;
  }

  /** The displayed value: the cell's own, else its formula's (or a spilled) computed result, else ''. */
  value(row: number, column: number): StoredValue {
    const own = this.values[row - 1]?.[column - 1] ?? '';
    return own !== '' ? own : this.computed.get(`${row},${column}`) ?? '';
  }

  /** Every formula cell, row by row. */
  formulaCells(): { row: number; column: number; formula: string }[] {
    const out: { row: number; column: number; formula: string }[] = [];
    this.formulas.forEach((cells, r) => cells?.forEach((formula, c) => {
      if (formula) out.push({ row: r + 1, column: c + 1, formula });
    }));
    return out;
  }

  /**
   * Replaces every computed value: each result at its formula cell; an array result fills the
   * block from there down and right, as Sheets spills it, or shows #REF! where that block would
   * cover a cell with content (or leave the grid).
   */
  setResults(results: readonly { row: number; column: number; value: StoredValue | StoredValue[][] }[]): void {
    this.computed = new Map();
    this.spilled = new Set();
    for (const { row, column, value } of results) {
      if (!Array.isArray(value)) {
        this.computed.set(`${row},${column}`, value);
        continue;
      }
      const blocked = spillBlocker(value, row, column, (r, c) => r > this.maxRows || c > this.maxColumns || this.hasContent(r, c) || this.computed.has(`${r},${c}`));
      if (blocked) {
        this.computed.set(`${row},${column}`, `#REF! Array result was not expanded because it would overwrite data in ${a1(blocked.row, blocked.column)}.`);
        continue;
      }
      value.forEach((cells, i) => cells.forEach((v, j) => {
        const key = `${row + i},${column + j}`;
        this.computed.set(key, v);
        if (i > 0 || j > 0) this.spilled.add(key);
      }));
    }
  }

  /** A cell showing part of another cell's array result (it holds nothing of its own). */
  isSpilled(row: number, column: number): boolean {
    return this.spilled.has(`${row},${column}`);
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

  /** Own content: a value or a formula (a spilled result is not the cell's own). */
  private hasContent(row: number, column: number): boolean {
    return (this.values[row - 1]?.[column - 1] ?? '') !== '' || this.formula(row, column) !== '';
  }
}

function spillBlocker(value: readonly (readonly StoredValue[])[], row: number, column: number, taken: (r: number, c: number) => boolean): { row: number; column: number } | null {
  for (let i = 0; i < value.length; i++) {
    for (let j = 0; j < (value[i]?.length ?? 0); j++) {
      if ((i > 0 || j > 0) && taken(row + i, column + j)) return { row: row + i, column: column + j };
    }
  }
  return null;
}

function a1(row: number, column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return `${letters}${row}`;
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
