// An in-memory SheetPort that behaves like setValues/getValues/getFormulas on a grid and counts
// every call, so a test can prove a 1,000-row run makes as many Sheet calls as a 10-row one.
import { toStored } from '../../../../addon/dev/fake-apps-script/sheet-model';
import type { CellValue, SheetPort } from '../../../../addon/server/services/ports';

interface Cell {
  value: CellValue;
  formula: string;
}

export type SheetCall = 'lastRow' | 'lastColumn' | 'ensureColumns' | 'read' | 'readFormulas' | 'write' | 'setListValidation';

export class MemorySheet implements SheetPort {
  private grid: Cell[][] = [];
  readonly calls: Record<SheetCall, number> = { lastRow: 0, lastColumn: 0, ensureColumns: 0, read: 0, readFormulas: 0, write: 0, setListValidation: 0 };
  readonly writes: { row: number; column: number; rows: number; columns: number }[] = [];
  readonly validations: { row: number; column: number; numRows: number; values: string[] }[] = [];

  constructor(readonly id: number, public name: string, rows: readonly (readonly CellValue[])[] = []) {
    rows.forEach((row, r) => row.forEach((v, c) => this.set(r + 1, c + 1, v)));
  }

  /** The linked form's address (a form-response sheet), or null. */
  linkedForm: string | null = null;
  formUrl(): string | null {
    return this.linkedForm;
  }

  resetCalls(): void {
    for (const k of Object.keys(this.calls) as SheetCall[]) this.calls[k] = 0;
    this.writes.length = 0;
  }

  lastRow(): number {
    this.calls.lastRow++;
    return this.usedRows();
  }

  lastColumn(): number {
    this.calls.lastColumn++;
    return this.usedColumns();
  }

  ensureColumns(): void {
    this.calls.ensureColumns++;
  }

  read(row: number, column: number, numRows: number, numColumns: number): CellValue[][] {
    this.calls.read++;
    return this.block(row, column, numRows, numColumns, (c) => c.value);
  }

  readFormulas(row: number, column: number, numRows: number, numColumns: number): string[][] {
    this.calls.readFormulas++;
    return this.block(row, column, numRows, numColumns, (c) => c.formula);
  }

  write(row: number, column: number, values: CellValue[][]): void {
    this.calls.write++;
    const width = values[0]?.length ?? 0;
    if (values.some((r) => r.length !== width)) throw new Error('setValues: rows of different widths');
    this.writes.push({ row, column, rows: values.length, columns: width });
    values.forEach((r, i) => r.forEach((v, j) => this.set(row + i, column + j, v)));
  }

  setListValidation(row: number, column: number, numRows: number, values: readonly string[]): void {
    this.calls.setListValidation++;
    this.validations.push({ row, column, numRows, values: [...values] });
  }

  /**
   * As setValues reads a typed string (the Apps Script fake's rules): `=…` is a formula (an IMAGE
   * shows no value), `'…` is text without the `'`, "0012" is the number 12 and "true" is TRUE.
   */
  set(row: number, column: number, v: CellValue): void {
    while (this.grid.length < row) this.grid.push([]);
    const r = this.grid[row - 1]!;
    while (r.length < column) r.push({ value: '', formula: '' });
    const stored = toStored(v);
    // A CellValue is never a Date, so neither is what it is stored as.
    r[column - 1] = { value: stored.value instanceof Date ? stored.value.toISOString() : stored.value, formula: stored.formula };
  }

  /** Test view (no call counted): the value of a 1-based cell. */
  value(row: number, column: number): CellValue {
    return this.grid[row - 1]?.[column - 1]?.value ?? '';
  }

  formula(row: number, column: number): string {
    return this.grid[row - 1]?.[column - 1]?.formula ?? '';
  }

  /** Test view: every row's values (no call counted). */
  rows(): CellValue[][] {
    if (this.usedRows() === 0) return [];
    return this.block(1, 1, this.usedRows(), this.usedColumns(), (c) => c.value);
  }

  /** Test view: a row as header → value, using row `headerRow` as headers. */
  record(row: number, headerRow = 1): Record<string, CellValue> {
    const out: Record<string, CellValue> = {};
    for (let c = 1; c <= this.usedColumns(); c++) {
      const h = String(this.value(headerRow, c));
      if (h !== '' && !(h in out)) out[h] = this.formula(row, c) || this.value(row, c);
    }
    return out;
  }

  /** Moves rows around (a user sorting the sheet): `order` lists old 1-based row numbers. */
  reorderRows(first: number, order: readonly number[]): void {
    const copies = order.map((r) => [...(this.grid[r - 1] ?? [])]);
    copies.forEach((cells, i) => (this.grid[first - 1 + i] = cells));
  }

  private usedRows(): number {
    for (let r = this.grid.length; r > 0; r--) if (this.grid[r - 1]!.some((c) => c.value !== '' || c.formula !== '')) return r;
    return 0;
  }

  private usedColumns(): number {
    let max = 0;
    this.grid.forEach((row) => row.forEach((c, i) => {
      if ((c.value !== '' || c.formula !== '') && i + 1 > max) max = i + 1;
    }));
    return max;
  }

  private block<T>(row: number, column: number, numRows: number, numColumns: number, pick: (c: Cell) => T): T[][] {
    if (numRows < 1 || numColumns < 1) throw new Error(`getRange: the number of rows and columns must be at least 1 (got ${numRows}×${numColumns})`);
    const out: T[][] = [];
    for (let r = 0; r < numRows; r++) {
      const line: T[] = [];
      for (let c = 0; c < numColumns; c++) line.push(pick(this.grid[row - 1 + r]?.[column - 1 + c] ?? { value: '', formula: '' }));
      out.push(line);
    }
    return out;
  }
}
