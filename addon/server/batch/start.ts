// Run from the Batch sidebar. One click = one requestId: a second call with the same id (a
// double click, or a retry after a lost answer) finds the run in this sheet's history, or the
// backend replays the same batch for the same Idempotency-Key and body.
import { isTextMode, TEXT_MODES } from '../../../shared/index';
import { MAX_FILE_NAME_TEMPLATE } from '../../../shared/file-names';
import { connect } from '../api/connect';
import { withDocumentLock } from '../lock';
import type { BatchSummary, StartBatchInput } from '../rpc';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { priceRows, rowsFor } from './estimate';
import { loadRuns } from './history';
import { refreshSummary } from './runs-list';
import { submitRun } from './submit';

const SCOPES = ['selected', 'not_done', 'failed'];

export function startRun(s: Services, input: StartBatchInput): BatchSummary {
  checkInput(input);
  const { client, settings } = connect(s);
  return withDocumentLock(s, () => {
    const sheetId = s.spreadsheet.activeSheet().id;
    const known = loadRuns(s.documentProperties, sheetId).find((r) => r.requestId === input.requestId);
    if (known) return refreshSummary(s, client, known);
    const { data, rows } = rowsFor(s, input.scope);
    if (input.confirmed !== true) {
      const priced = priceRows(client, data, rows);
      if (priced.totalUsd > settings.confirmAboveUsd) {
        throw new AddonError('needs_confirmation', `This run of ${rows.length} row${rows.length === 1 ? '' : 's'} is estimated at $${priced.totalUsd.toFixed(2)}, above the $${settings.confirmAboveUsd.toFixed(2)} you set for running without asking: confirm to start it.`);
      }
    }
    const opts = {
      fromClick: true,
      ...(input.maxCostUsd === undefined ? {} : { maxCostUsd: input.maxCostUsd }),
      ...(input.textDefault === undefined ? {} : { textDefault: input.textDefault }),
      ...(input.fileNameTemplate === undefined || input.fileNameTemplate.trim() === '' ? {} : { fileNameTemplate: input.fileNameTemplate.trim() }),
    };
    return submitRun(s, client, settings, data, rows, input.requestId, opts);
  });
}

function checkInput(input: StartBatchInput): void {
  const fields: { field: string; message: string }[] = [];
  if (input === null || typeof input !== 'object') throw new AddonError('invalid_request', 'startRun needs { scope, requestId }');
  if (!SCOPES.includes(input.scope)) fields.push({ field: 'scope', message: `must be one of ${SCOPES.join(', ')}` });
  if (typeof input.requestId !== 'string' || input.requestId.length === 0 || input.requestId.length > 200) {
    fields.push({ field: 'requestId', message: 'must be 1 to 200 characters (a fresh id per click of Run)' });
  }
  if (input.maxCostUsd !== undefined && (typeof input.maxCostUsd !== 'number' || !Number.isFinite(input.maxCostUsd) || input.maxCostUsd < 0)) {
    fields.push({ field: 'maxCostUsd', message: 'must be an amount in USD of 0 or more' });
  }
  if (input.textDefault !== undefined && !isTextMode(input.textDefault)) {
    fields.push({ field: 'textDefault', message: `must be one of ${TEXT_MODES.join(', ')}` });
  }
  if (input.fileNameTemplate !== undefined && (typeof input.fileNameTemplate !== 'string' || input.fileNameTemplate.trim().length > MAX_FILE_NAME_TEMPLATE)) {
    fields.push({ field: 'fileNameTemplate', message: `must be at most ${MAX_FILE_NAME_TEMPLATE} characters, e.g. {{Name}}-{{size}}-v{{variant}}` });
  }
  if (fields.length > 0) throw new AddonError('invalid_request', `Cannot start the run: ${fields.map((f) => `${f.field} ${f.message}`).join('; ')}`, fields);
}
