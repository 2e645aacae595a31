// Cost before the run: images × price, for the model a row will use. `auto` is priced at
// the most expensive model of the provider chain, so an estimate is never an under-estimate.
import { findModel, fromMicros, pricePerImage, toMicros } from './models';
import { imagesPerRow, readRow, type CellInput } from './row';
import type { ColumnMapping } from './sheet-convention';

export interface RowEstimate {
  rowId: string;
  images: number;
  model: string;
  costUsd: number;
  /** Set when the row will fail validation (and so costs nothing). */
  invalid?: string;
}

export interface Estimate {
  rows: RowEstimate[];
  totalUsd: number;
  images: number;
  invalidRows: number;
}

export function resolveModel(model: string, chain: readonly string[], imageSize?: string): string {
  if (model !== 'auto') return model;
  let best = chain[0] ?? 'template';
  for (const id of chain) if ((pricePerImage(id, imageSize) ?? 0) > (pricePerImage(best, imageSize) ?? 0)) best = id;
  return best;
}

export function estimateRows(
  rows: readonly { rowId: string; cells: Readonly<Record<string, CellInput>> }[],
  chain: readonly string[],
  columns: ColumnMapping = {},
  /** The output size the server makes (models that take a size are priced at it). */
  imageSize?: string,
): Estimate {
  let totalMicros = 0;
  let images = 0;
  let invalidRows = 0;
  const out: RowEstimate[] = rows.map((row) => {
    const read = readRow(row.cells, columns);
    if (!read.ok) {
      invalidRows++;
      return { rowId: row.rowId, images: 0, model: '', costUsd: 0, invalid: read.reasons.join('; ') };
    }
    const model = resolveModel(read.spec.model, chain, imageSize);
    const n = imagesPerRow(read.spec);
    const micros = toMicros(pricePerImage(model, imageSize) ?? 0) * n;
    totalMicros += micros;
    images += n;
    return { rowId: row.rowId, images: n, model: findModel(model)?.id ?? model, costUsd: fromMicros(micros) };
  });
  return { rows: out, totalUsd: fromMicros(totalMicros), images, invalidRows };
}
