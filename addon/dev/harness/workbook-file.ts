// The playground's sheet lives in a local .csv or .xlsx file: read it as a grid of cells
// (formulas as "=…" text, as setValues takes them) and write the grid back after changes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { atomicWriteFile } from '../../../backend/src/adapters/local/workbook/atomic-write';
import { assertZipWithinBounds } from '../../../backend/src/adapters/local/workbook/zip-bounds';

export type GridCell = string | number | boolean;
export type Grid = GridCell[][];

function isXlsx(file: string): boolean {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.xlsx') return true;
  if (ext === '.csv') return false;
  throw new Error(`${path.basename(file)}: the playground reads .csv and .xlsx files`);
}

function fromExcel(value: ExcelJS.CellValue): GridCell {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('formula' in value && typeof value.formula === 'string') return `=${value.formula}`;
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text; // hyperlink
    if ('result' in value) return fromExcel((value as { result?: ExcelJS.CellValue }).result ?? null);
  }
  return String(value);
}

/** Loads an xlsx after checking its zip directory, so a decompression bomb is refused before it is inflated. */
async function loadXlsx(wb: ExcelJS.Workbook, file: string): Promise<void> {
  const buf = await readFile(file);
  try {
    assertZipWithinBounds(buf);
  } catch (err) {
    throw new Error(`${path.basename(file)} ${(err as Error).message}`, { cause: err });
  }
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
}

export async function readGrid(file: string): Promise<Grid> {
  if (!isXlsx(file)) {
    const rows = parse(await readFile(file), { bom: true, relax_column_count: true, skip_empty_lines: true }) as string[][];
    const width = Math.max(0, ...rows.map((r) => r.length));
    return rows.map((r) => [...r, ...Array<string>(width - r.length).fill('')]);
  }
  const wb = new ExcelJS.Workbook();
  await loadXlsx(wb, file);
  const ws = wb.worksheets[0];
  if (!ws) return [];
  const grid: Grid = [];
  for (let r = 1; r <= ws.actualRowCount && r <= ws.rowCount; r++) {
    const row = ws.getRow(r);
    grid.push(Array.from({ length: ws.columnCount }, (_, c) => fromExcel(row.getCell(c + 1).value)));
  }
  return grid;
}

/** Writes the grid atomically; xlsx keeps the rest of the workbook (other sheets, styles). */
export async function writeGrid(file: string, grid: Grid): Promise<void> {
  if (!isXlsx(file)) {
    await atomicWriteFile(file, stringify(grid.map((r) => r.map((c) => (typeof c === 'boolean' ? (c ? 'TRUE' : 'FALSE') : c)))));
    return;
  }
  const wb = new ExcelJS.Workbook();
  await loadXlsx(wb, file);
  const ws = wb.worksheets[0] ?? wb.addWorksheet('Sheet1');
  grid.forEach((cells, r) => {
    const row = ws.getRow(r + 1);
    cells.forEach((cell, c) => {
      row.getCell(c + 1).value = typeof cell === 'string' && cell.startsWith('=') && cell.length > 1 ? { formula: cell.slice(1) } as ExcelJS.CellFormulaValue : cell === '' ? null : cell;
    });
  });
  await atomicWriteFile(file, Buffer.from(await wb.xlsx.writeBuffer()));
}
