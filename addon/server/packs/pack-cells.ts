// Packs in the sheet: a pack's name into the selected cells (one write), and a dropdown of the
// pack names on the Reference pack column's data rows (one data validation call).
import { INPUT_FIELDS } from '../../../shared/index';
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { textForSheet } from '../sheet/cell-text';
import { loadOverrides } from '../sheet/column-mapping-store';
import { columnOf, readSheet } from '../sheet/read-sheet';

/** Apps Script refuses a list validation of more than 500 items. */
const MAX_DROPDOWN_ITEMS = 500;

export function insertPackName(s: Services, name: string): { cells: number } {
  const text = typeof name === 'string' ? name.trim() : '';
  if (text === '') throw new AddonError('invalid_request', 'Which pack? The name is empty', [{ field: 'name', message: 'required' }]);
  const range = s.spreadsheet.selection();
  if (range === null || range.numRows === 0 || range.numColumns === 0) throw new AddonError('invalid_request', 'Select the cells to fill with the pack name first.');
  const value = textForSheet(text);
  const values = Array.from({ length: range.numRows }, () => Array.from({ length: range.numColumns }, () => value));
  s.spreadsheet.activeSheet().write(range.row, range.column, values);
  return { cells: range.numRows * range.numColumns };
}

export function applyPackDropdown(s: Services): { rows: number; packs: number } {
  const { client } = connect(s);
  const sheet = s.spreadsheet.activeSheet();
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  const column = columnOf(data, 'referencePack');
  if (column < 0) {
    throw new AddonError('invalid_request', `Sheet "${sheet.name}" has no ${INPUT_FIELDS.referencePack} column: add one to the header row (row ${data.headerIndex + 1}) first.`);
  }
  const names = [...new Set(api.listPacks(client).map((p) => p.name))].sort((a, b) => a.localeCompare(b)).slice(0, MAX_DROPDOWN_ITEMS);
  if (names.length === 0) throw new AddonError('not_found', 'There are no reference packs yet: create one first.');
  const rows = Math.max(1, data.values.length - (data.headerIndex + 1));
  sheet.setListValidation(data.headerIndex + 2, column + 1, rows, names);
  return { rows, packs: names.length };
}
