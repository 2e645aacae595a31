// The fake spreadsheet's active sheet as JSON for the grid, the tests and the workbook file.
import type { RecordedMenu, StoredValue, Workbook } from '../fake-apps-script/index';
import type { SheetSnapshot } from './protocol';
import type { GridCell } from './workbook-file';

function cell(value: StoredValue): GridCell {
  return value instanceof Date || Object.prototype.toString.call(value) === '[object Date]' ? (value as Date).toISOString() : value as GridCell;
}

export function snapshotOf(workbook: Workbook, menu: RecordedMenu | null): Omit<SheetSnapshot, 'version'> {
  const sheet = workbook.activeSheet;
  const rows = sheet.lastRow();
  const columns = sheet.lastColumn();
  return {
    spreadsheet: workbook.name,
    sheet: sheet.name,
    sheets: workbook.sheets.map((s) => ({ id: s.id, name: s.name })),
    values: rows === 0 ? [] : sheet.read(1, 1, rows, Math.max(1, columns)).map((r) => r.map(cell)),
    formulas: rows === 0 ? [] : sheet.readFormulas(1, 1, rows, Math.max(1, columns)),
    spills: spillsOf(sheet, rows, columns),
    selection: workbook.selection.map((r) => ({ ...r })),
    validations: sheet.validations.map((v) => ({ row: v.row, column: v.column, numRows: v.numRows, numColumns: v.numColumns, values: [...v.values] })),
    menu: menu ? { title: menu.title, items: menu.items.map((i) => (i ? { ...i } : null)) } : null,
  };
}

function spillsOf(sheet: Workbook['activeSheet'], rows: number, columns: number): { row: number; column: number }[] {
  const out: { row: number; column: number }[] = [];
  for (let r = 1; r <= rows; r++) for (let c = 1; c <= columns; c++) if (sheet.isSpilled(r, c)) out.push({ row: r, column: c });
  return out;
}

/**
 * Cells as the workbook file keeps them: the formula where there is one, else the value; a
 * formula's computed result, spilled or not, is not kept (it is computed again on load).
 */
export function gridOf(s: Pick<SheetSnapshot, 'values' | 'formulas'> & { spills?: SheetSnapshot['spills'] }): GridCell[][] {
  const spilled = new Set((s.spills ?? []).map((p) => `${p.row},${p.column}`));
  return s.values.map((row, r) => row.map((v, c) => s.formulas[r]?.[c] || (spilled.has(`${r + 1},${c + 1}`) ? '' : v)));
}
