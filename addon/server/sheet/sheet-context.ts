// What the Batch sidebar shows about the active sheet: its header row, the column mapping
// (automatic, then the user's saved overrides), the output columns a run will add, and how many
// rows each scope takes. Saving a mapping keeps only what differs from the automatic one.
import { INPUT_FIELDS, mapHeaders, OUTPUT_FIELDS, preflightHeaders, SIDEBAR_MAP_HINT, type ColumnMapping, type InputField, type OutputField } from '../../../shared/index';
import type { SheetContext } from '../rpc';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { missingSettings, readSettings } from '../settings/settings-store';
import { loadOverrides, saveOverrides } from './column-mapping-store';
import { missingOutputs } from './output-columns';
import { overridesPresent } from './header-row';
import { readSheet } from './read-sheet';
import { countScopes } from './select-rows';

export function getSheetContext(s: Services): SheetContext {
  const sheet = s.spreadsheet.activeSheet();
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  const settings = readSettings(s.userProperties);
  return {
    sheetId: sheet.id,
    sheetName: sheet.name,
    headerRow: data.headerIndex + 1,
    headers: data.headers,
    mapping: data.mapping,
    inputFields: Object.keys(INPUT_FIELDS) as InputField[],
    missingOutputs: missingOutputs(data),
    columnWarnings: preflightHeaders(data.headers, overridesPresent(data.overrides, data.headers), SIDEBAR_MAP_HINT).warnings.map((w) => w.message),
    counts: countScopes(data, s.spreadsheet.selectedRows()),
    settingsOk: missingSettings(settings) === null,
    confirmAboveUsd: settings.confirmAboveUsd,
    timeZone: s.spreadsheet.timeZone(),
  };
}

/**
 * `mapping` names a header for each field the user set; '' means "no column" (input fields
 * only: output columns can be renamed, not dropped). Fields left out follow the automatic mapping.
 */
export function saveColumnMapping(s: Services, mapping: ColumnMapping): SheetContext {
  const sheet = s.spreadsheet.activeSheet();
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  const automatic = mapHeaders(data.headers);
  const fields: { field: string; message: string }[] = [];
  const overrides: ColumnMapping = {};
  if (mapping === null || typeof mapping !== 'object') throw new AddonError('invalid_request', 'The column mapping must be an object of field → header');
  for (const [field, header] of Object.entries(mapping) as [string, unknown][]) {
    const isInput = field in INPUT_FIELDS;
    if (!isInput && !(field in OUTPUT_FIELDS)) {
      fields.push({ field, message: `"${field}" is not a Rowshot column` });
      continue;
    }
    if (typeof header !== 'string') {
      fields.push({ field, message: 'must be a header name' });
      continue;
    }
    const name = header.trim();
    const label = isInput ? INPUT_FIELDS[field as InputField] : OUTPUT_FIELDS[field as OutputField];
    if (name === '' && !isInput) fields.push({ field, message: `${label} is written by Rowshot: choose a column for it` });
    else if (name !== '' && !data.headers.includes(name)) fields.push({ field, message: `No column "${name}" in the header row (row ${data.headerIndex + 1})` });
    else if ((automatic[field as InputField] ?? '') !== name) overrides[field as InputField] = name;
  }
  if (fields.length > 0) throw new AddonError('invalid_request', `The mapping was not saved: ${fields.map((f) => f.message).join('; ')}`, fields);
  saveOverrides(s.documentProperties, sheet.id, overrides);
  return getSheetContext(s);
}
