// Preview from the Batch sidebar: the scope's first row that reads as valid (the selected row,
// for the Selected scope) made now through POST /v1/preview, in all its sizes and variants.
// Template rows are free and made at once; a paid row answers its price first and is made only
// when confirmed. Nothing is written to the sheet (no Row ID, no output column) and no batch is made.
import { isTextMode, PreviewResponse, readRow, TEXT_MODES } from '../../../shared/index';
import { api } from '../api/endpoints';
import { connect } from '../api/connect';
import type { PreviewInput, PreviewView } from '../rpc';
import { AddonError } from '../result';
import type { Services } from '../services/ports';
import { inputCells, inputColumns } from '../sheet/read-sheet';
import { rowsFor } from './estimate';
import { inputMapping } from './run-request';

export function previewRow(s: Services, input: PreviewInput): PreviewView {
  if (input.textDefault !== undefined && !isTextMode(input.textDefault)) {
    throw new AddonError('invalid_request', `Cannot preview: textDefault must be one of ${TEXT_MODES.join(', ')}`, [{ field: 'textDefault', message: `must be one of ${TEXT_MODES.join(', ')}` }]);
  }
  const { client } = connect(s);
  const { data, rows } = rowsFor(s, input.scope);
  const columns = inputColumns(data);
  const mapping = inputMapping(data);
  const index = rows.find((r) => readRow(inputCells(data, columns, r), mapping).ok);
  if (index === undefined) {
    const first = rows[0] ?? 0;
    const read = readRow(inputCells(data, columns, first), mapping);
    throw new AddonError('invalid_request', `No row in this scope can be previewed; row ${first + 1}: ${read.ok ? '' : read.reasons.join('; ')}`);
  }
  const row = { rowId: `row-${index + 1}`, cells: inputCells(data, columns, index) };
  const estimate = api.estimate(client, { rows: [row], columns: mapping });
  const priced = estimate.rows[0];
  const costUsd = priced?.costUsd ?? 0;
  const base = { row: index + 1, images: priced?.images ?? 0, estimatedUsd: costUsd, ...(priced?.flag ? { flag: priced.flag } : {}) };
  if (costUsd > 0 && input.confirmedUsd !== costUsd) return { ...base, needsConfirmation: true, made: null };
  const made: PreviewResponse = api.preview(client, { row, columns: mapping, ...(input.textDefault === undefined ? {} : { textDefault: input.textDefault }) });
  return {
    ...base,
    needsConfirmation: false,
    made: { provider: made.provider, costUsd: made.costUsd, notes: made.notes, images: made.images.map((i) => ({ aspectRatio: i.aspectRatio, variant: i.variant, url: i.url, thumbnailUrl: i.thumbnailUrl })) },
  };
}
