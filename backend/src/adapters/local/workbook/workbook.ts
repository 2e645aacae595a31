// The in-memory table model shared by the CSV and XLSX adapters: addressable header names,
// the editable-sheet interface both formats implement, and the error type whose `kind`
// maps straight onto a SheetTarget WriteOutcome.
import { columnLetter, normalizeHeader, type CellInput } from '../../../../../shared/index';

export type WorkbookFormat = 'csv' | 'xlsx';

export interface WorkbookRow {
  /** 1-based row number as the spreadsheet shows it (the header is row 1). */
  rowNumber: number;
  /** Addressable header name → value. Every header has a key. */
  cells: Record<string, CellInput>;
}

export interface WorkbookTable {
  path: string;
  format: WorkbookFormat;
  /** Worksheet name (xlsx); null for CSV. */
  sheet: string | null;
  /** Addressable header names, one per column, left to right (see `addressableHeaders`). */
  headers: string[];
  /** Data rows in sheet order; fully empty rows are skipped. */
  rows: WorkbookRow[];
  /** How the file was read, when the user should know (see EditableSheet.note). */
  note?: string;
}

export type WorkbookErrorCode =
  | 'not_found'
  | 'unsupported'
  | 'sheet_not_found'
  | 'corrupt'
  | 'locked'
  | 'forbidden'
  | 'no_row_id_column'
  | 'io';

/** An expected failure with a readable message; `kind` says whether retrying can help. */
export class WorkbookError extends Error {
  constructor(
    readonly code: WorkbookErrorCode,
    message: string,
    readonly kind: 'transient' | 'permanent' = 'permanent',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'WorkbookError';
  }
}

/**
 * Turns a Node file-system error into a WorkbookError with a message a user can act on.
 * Locks (Excel on Windows holds the file open), full disks and I/O hiccups are transient;
 * missing files and permission problems need a person, so they are permanent.
 */
export function fsError(err: unknown, what: string): WorkbookError {
  if (err instanceof WorkbookError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new WorkbookError('not_found', `${what} was not found (was it moved, renamed or deleted?)`, 'permanent', { cause: err });
    case 'EBUSY':
    case 'EPERM':
    case 'ETXTBSY':
      return new WorkbookError('locked', `${what} is locked by another program (is it open in Excel?); close it and it will be written on the next attempt`, 'transient', { cause: err });
    case 'EACCES':
    case 'EROFS':
      return new WorkbookError('io', `${what} cannot be written: permission denied`, 'permanent', { cause: err });
    case 'EISDIR':
      return new WorkbookError('unsupported', `${what} is a folder, not a file`, 'permanent', { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new WorkbookError('io', `${what} could not be written: the disk is full`, 'transient', { cause: err });
    default:
      return new WorkbookError('io', `${what} could not be read or written (${code ?? (err instanceof Error ? err.message : String(err))})`, 'transient', { cause: err });
  }
}

/**
 * Makes every column addressable by a unique name, so `cells[name]`, `mapHeaders` and
 * `{{Name}}` templates can reach each one:
 * - header text is trimmed;
 * - a blank header (or one with no letters or digits left after normalising, such as "-")
 *   is named after its column letter: `Column F`;
 * - a header repeated later (compared the way the convention matches headers: case,
 *   spaces, underscores, dashes and brackets ignored) is numbered from the second
 *   occurrence: `Name`, `Name (2)`, `Name (3)`. Headers that are unique as written keep their
 *   text even when they look like a numbered one, and generated names skip any name in use.
 * Only the names change; the header cells in the file are never rewritten.
 */
export function addressableHeaders(raw: readonly string[]): string[] {
  const used = new Set<string>();
  const names: (string | null)[] = raw.map((text) => {
    const trimmed = text.trim();
    const norm = normalizeHeader(trimmed);
    if (norm === '' || used.has(norm)) return null;
    used.add(norm);
    return trimmed;
  });
  return names.map((name, i) => {
    if (name !== null) return name;
    const trimmed = (raw[i] ?? '').trim();
    const base = normalizeHeader(trimmed) === '' ? `Column ${columnLetter(i)}` : trimmed;
    let candidate = base;
    for (let n = 2; used.has(normalizeHeader(candidate)); n++) candidate = `${base} (${n})`;
    used.add(normalizeHeader(candidate));
    return candidate;
  });
}

/** Blank for "is this row empty": null, '' or whitespace only. */
export function isBlank(value: CellInput): boolean {
  return value === null || (typeof value === 'string' && value.trim() === '');
}

export interface SheetRow {
  rowNumber: number;
  /** Values by 0-based column index; shorter than the header when the row is ragged. */
  values: CellInput[];
}

/**
 * One worksheet opened for editing. Both formats implement it, so row-id assignment and
 * result write-back are written once. Column indexes are 0-based; row numbers are the
 * sheet's 1-based numbers.
 */
export interface EditableSheet {
  readonly format: WorkbookFormat;
  readonly sheetName: string | null;
  /** How the file was read, when the user should know (an encoding guessed). */
  readonly note?: string | null;
  /** Addressable header names; grows when a column is appended. */
  readonly headers: readonly string[];
  /** Non-empty data rows (below the header), in sheet order. */
  dataRows(): SheetRow[];
  /** Adds a column at the right with this header label; returns its index. */
  appendColumn(label: string): number;
  /** Text as a plain string cell (never a formula); '' clears the cell. */
  setText(rowNumber: number, col: number, text: string): void;
  setNumber(rowNumber: number, col: number, value: number): void;
  /** The whole file, ready to be written. */
  serialize(): Promise<Buffer>;
}

export function tableFromSheet(path: string, sheet: EditableSheet): WorkbookTable {
  const headers = [...sheet.headers];
  return {
    path,
    format: sheet.format,
    sheet: sheet.sheetName,
    headers,
    rows: sheet.dataRows().map((row) => ({ rowNumber: row.rowNumber, cells: cellsOf(headers, row.values, sheet.format) })),
    ...(sheet.note ? { note: sheet.note } : {}),
  };
}

export function cellsOf(headers: readonly string[], values: readonly CellInput[], format: WorkbookFormat): Record<string, CellInput> {
  const cells: Record<string, CellInput> = {};
  const empty = format === 'csv' ? '' : null;
  headers.forEach((h, i) => {
    cells[h] = values[i] ?? empty;
  });
  return cells;
}
