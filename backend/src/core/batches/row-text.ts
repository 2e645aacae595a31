// A batch's text settings as rows read and render them: the Text default for empty cells and
// the minimum legible sizes (the batch's, else the server's).
import { readRow, type CellInput, type MinTextPx, type RowDefaults, type RowSpecResult } from '../../../../shared/index';
import type { CoreDeps } from '../deps';
import type { Manifest } from './records';

/** Reads a row of the batch, with the batch's defaults for empty cells and its long edge. */
export function readBatchRow(m: Manifest, cells: Readonly<Record<string, CellInput>>): RowSpecResult {
  return readRow(cells, m.columns, rowDefaultsOf(m));
}

/** What a batch sets for its rows' empty cells (and its long edge). */
export function rowDefaultsOf(m: Pick<Manifest, 'textDefault' | 'resizeDefault' | 'longEdge'>): RowDefaults {
  return {
    ...(m.textDefault ? { text: m.textDefault } : {}),
    ...(m.resizeDefault ? { resize: m.resizeDefault } : {}),
    ...(m.longEdge !== undefined ? { longEdge: m.longEdge } : {}),
  };
}

/** The minimum legible sizes for the batch's rows: each of the batch's wins over the server's. */
export function minTextPxOf(deps: CoreDeps, m: Manifest): MinTextPx | undefined {
  const merged: MinTextPx = { ...deps.config.minTextPx, ...m.minTextPx };
  return merged.headline === undefined && merged.subline === undefined ? undefined : merged;
}
