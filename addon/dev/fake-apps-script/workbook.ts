// The test side of the fake spreadsheet: its sheets, which one is active, what is selected,
// and the toasts shown. Tests seed and inspect it; the Apps Script objects read it.
import { SheetModel } from './sheet-model';

export interface GridRange {
  row: number;
  column: number;
  numRows: number;
  numColumns: number;
}

export interface Toast {
  message: string;
  title: string;
}

export interface WorkbookOptions {
  id?: string;
  name?: string;
  timeZone?: string;
  /** Sheets by name with their rows (row 1 first); the first is active. Default: one empty "Sheet1". */
  sheets?: Record<string, readonly (readonly unknown[])[]>;
}

export class Workbook {
  readonly id: string;
  name: string;
  timeZone: string;
  readonly sheets: SheetModel[] = [];
  readonly toasts: Toast[] = [];
  private activeId: number;
  /** The selected ranges of the active sheet; Sheets always has at least the cursor cell. */
  private selectionRanges: GridRange[] = [{ row: 1, column: 1, numRows: 1, numColumns: 1 }];
  private nextSheetId = 0;

  constructor(options: WorkbookOptions = {}) {
    this.id = options.id ?? '1FakeSpreadsheetId_0123456789abcdefghij';
    this.name = options.name ?? 'Fake spreadsheet';
    this.timeZone = options.timeZone ?? 'Etc/UTC';
    for (const [name, rows] of Object.entries(options.sheets ?? { Sheet1: [] })) this.addSheet(name, rows);
    this.activeId = this.sheets[0]?.id ?? this.addSheet('Sheet1').id;
  }

  addSheet(name: string, rows: readonly (readonly unknown[])[] = [], grid?: { rows?: number; columns?: number }): SheetModel {
    if (this.sheets.some((s) => s.name === name)) throw new Error(`fake workbook: a sheet named "${name}" exists`);
    // Sheets gives the first sheet gid 0 and others large random ids.
    const id = this.nextSheetId === 0 ? 0 : 100_000_000 + this.nextSheetId * 7_919;
    this.nextSheetId++;
    const sheet = new SheetModel(id, name, rows, grid);
    this.sheets.push(sheet);
    return sheet;
  }

  sheet(name: string): SheetModel {
    const found = this.sheets.find((s) => s.name === name);
    if (!found) throw new Error(`fake workbook: no sheet named "${name}"`);
    return found;
  }

  sheetById(id: number): SheetModel | undefined {
    return this.sheets.find((s) => s.id === id);
  }

  get activeSheet(): SheetModel {
    return this.sheetById(this.activeId) ?? (this.sheets[0] as SheetModel);
  }

  setActiveSheet(name: string): void {
    this.activeId = this.sheet(name).id;
    this.selectionRanges = [{ row: 1, column: 1, numRows: 1, numColumns: 1 }];
  }

  /** Selects ranges (A1 like "A2:C5" or grid ranges) on a sheet, which becomes active. */
  select(sheetName: string, ranges: readonly (string | GridRange)[]): void {
    this.setActiveSheet(sheetName);
    if (ranges.length === 0) throw new Error('fake workbook: select at least one range');
    this.selectionRanges = ranges.map((r) => (typeof r === 'string' ? parseA1(r) : { ...r }));
  }

  get selection(): readonly GridRange[] {
    return this.selectionRanges;
  }
}

/** "B2", "A2:C5", "3:7" (whole rows), "C:C" (whole columns, up to the grid's 1,000 rows). */
export function parseA1(a1: string): GridRange {
  const cell = /^([A-Z]*)(\d*)$/;
  const [from = '', to = from] = a1.toUpperCase().split(':');
  const a = cell.exec(from);
  const b = cell.exec(to);
  if (!a || !b || (from === '' && to === '')) throw new Error(`fake workbook: bad A1 range "${a1}"`);
  const col = (letters: string | undefined, fallback: number) => (letters ? [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0) : fallback);
  const row = (digits: string | undefined, fallback: number) => (digits ? Number(digits) : fallback);
  const c1 = col(a[1], 1);
  const c2 = col(b[1], a[1] ? c1 : 26);
  const r1 = row(a[2], 1);
  const r2 = row(b[2], a[2] ? r1 : 1000);
  return { row: Math.min(r1, r2), column: Math.min(c1, c2), numRows: Math.abs(r2 - r1) + 1, numColumns: Math.abs(c2 - c1) + 1 };
}
