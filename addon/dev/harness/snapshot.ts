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
    selection: workbook.selection.map((r) => ({ ...r })),
    validations: sheet.validations.map((v) => ({ row: v.row, column: v.column, numRows: v.numRows, numColumns: v.numColumns, values: [...v.values] })),
    menu: menu ? { title: menu.title, items: menu.items.map((i) => (i ? { ...i } : null)) } : null,
  };
}

/** Cells as the workbook file keeps them: the formula where there is one, else the value. */
export function gridOf(s: Pick<SheetSnapshot, 'values' | 'formulas'>): GridCell[][] {
  return s.values.map((row, r) => row.map((v, c) => s.formulas[r]?.[c] || v));
}
