// The cost of a run before it starts, priced by the backend (POST /v1/estimate) for the rows in
// scope, with the first invalid rows named by their sheet row so people can fix them.
import { api } from '../api/endpoints';
import type { BackendClient } from '../api/backend-client';
import { connect } from '../api/connect';
import type { EstimateView, Scope } from '../rpc';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { loadOverrides } from '../sheet/column-mapping-store';
import { readSheet, requirePrompt, type SheetData } from '../sheet/read-sheet';
import { noRowsMessage, selectRows, type RowScope } from '../sheet/select-rows';
import { batchRows, inputMapping } from './run-request';

/** Invalid rows listed in the view. */
const INVALID_SHOWN = 10;

/** The estimate uses placeholder ids (`row-<n>`): nothing is written into the sheet before Run. */
export function priceRows(client: BackendClient, data: SheetData, rows: readonly number[]): Omit<EstimateView, 'scope' | 'rows' | 'needsConfirmation'> {
  const estimate = api.estimate(client, { rows: batchRows(data, rows, (index) => `row-${index + 1}`), columns: inputMapping(data) });
  const listed = (reason: (r: (typeof estimate.rows)[number]) => string | undefined) => estimate.rows
    .filter((r) => reason(r) !== undefined)
    .slice(0, INVALID_SHOWN)
    .map((r) => ({ row: Number(r.rowId.slice(4)), reason: reason(r) ?? '' }));
  return {
    totalUsd: estimate.totalUsd, images: estimate.images, invalidRows: estimate.invalidRows, invalid: listed((r) => r.invalid),
    // Valid rows the server cannot make (a pack it does not have, a model it does not run).
    flaggedRows: estimate.flaggedRows ?? 0, flagged: listed((r) => r.flag),
    warnings: estimate.warnings ?? [],
  };
}

/** The active sheet's data and the rows of a scope; fails when there are none. */
export function rowsFor(s: Services, scope: RowScope): { data: SheetData; rows: number[] } {
  const sheet = s.spreadsheet.activeSheet();
  const data = readSheet(sheet, loadOverrides(s.documentProperties, sheet.id));
  requirePrompt(data);
  const rows = selectRows(data, scope, scope === 'selected' ? s.spreadsheet.selectedRows() : []);
  if (rows.length === 0) throw new AddonError('no_rows', noRowsMessage(scope, sheet.name));
  return { data, rows };
}

export function estimateRun(s: Services, scope: Scope): EstimateView {
  const { client, settings } = connect(s);
  const { data, rows } = rowsFor(s, scope);
  const priced = priceRows(client, data, rows);
  return { scope, rows: rows.length, ...priced, needsConfirmation: priced.totalUsd > settings.confirmAboveUsd };
}
