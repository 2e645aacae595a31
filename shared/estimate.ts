// Cost before the run: images × price, for the model a row will use. `auto` is priced at
// the most expensive model of the provider chain, so an estimate is never an under-estimate.
// Given the time, retired models are routed as the rows will be (model-lifecycle.ts) and models
// that shut down soon are warned.
import { isRetired, liveChain, liveSuccessor, retiredReason, retirementWarnings } from './model-lifecycle';
import { findModel, fromMicros, pricePerImage, toMicros } from './models';
import { generationsPerRow, imagesPerRow, readRow, type CellInput, type RowDefaults } from './row';
import type { ColumnMapping } from './sheet-convention';

export interface RowEstimate {
  rowId: string;
  images: number;
  model: string;
  costUsd: number;
  /** Set when the row will fail validation (and so costs nothing). */
  invalid?: string;
  /** Set when the row is valid but will fail on this server (see EstimateChecks). */
  flag?: string;
}

/**
 * What only the server knows, checked per row before anything is submitted: a row naming a
 * model the server cannot run, or a pack that does not exist, will fail, so it is flagged
 * (`flag`). It stays priced (the estimate is an upper bound, and agrees with =ROWSHOT_COST).
 */
export interface EstimateChecks {
  /** Models the server runs (`auto` rows are priced on the chain, which is checked whole). */
  servedModels?: readonly string[];
  /** Whether a Reference pack cell names a pack (by name or id) that exists. */
  packExists?: (nameOrId: string) => boolean;
  /** Now, in ms: retired models are routed as rows will be, and soon-retiring ones warned. Absent: neither. */
  nowMs?: number;
  /** Rows naming a retired model run on its successor (else they are invalid). */
  allowModelSubstitution?: boolean;
  /** The batch's defaults for empty cells (a `crop` default changes the price). */
  rowDefaults?: RowDefaults;
}

/** Why a valid row would fail on this server, or null. */
export function serverReason(spec: { model: string; referencePack: string | null }, checks: EstimateChecks): string | null {
  const reasons: string[] = [];
  const served = checks.servedModels;
  if (served !== undefined && spec.model !== 'auto' && !served.includes(spec.model)) {
    reasons.push(`Model "${spec.model}" is not available on this server; it runs ${served.join(', ') || 'no models'}`);
  }
  if (spec.referencePack !== null && checks.packExists && !checks.packExists(spec.referencePack)) {
    reasons.push(`Reference pack "${spec.referencePack}" was not found`);
  }
  return reasons.length > 0 ? reasons.join('; ') : null;
}

export interface Estimate {
  rows: RowEstimate[];
  totalUsd: number;
  images: number;
  invalidRows: number;
  /** Rows with a `flag`. */
  flaggedRows: number;
  /** Models of this batch that shut down within 30 days (only when priced with a time). */
  warnings: string[];
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
  checks: EstimateChecks = {},
): Estimate {
  const { nowMs } = checks;
  const live = nowMs === undefined ? chain : liveChain(chain, nowMs);
  const used = new Set<string>();
  let totalMicros = 0;
  let images = 0;
  let invalidRows = 0;
  let flaggedRows = 0;
  const out: RowEstimate[] = rows.map((row) => {
    const read = readRow(row.cells, columns, checks.rowDefaults);
    if (!read.ok) {
      invalidRows++;
      return { rowId: row.rowId, images: 0, model: '', costUsd: 0, invalid: read.reasons.join('; ') };
    }
    let model = resolveModel(read.spec.model, live, imageSize);
    if (nowMs !== undefined && read.spec.model !== 'auto' && isRetired(model, nowMs)) {
      const successor = liveSuccessor(model, nowMs);
      if (!checks.allowModelSubstitution || successor === undefined) {
        invalidRows++;
        return { rowId: row.rowId, images: 0, model: '', costUsd: 0, invalid: retiredReason(model, nowMs) };
      }
      model = successor;
    }
    // An `auto` row may run on any model of the chain: each is warned about.
    for (const id of read.spec.model === 'auto' ? live : [model]) used.add(id);
    const n = imagesPerRow(read.spec);
    // Priced per model call: Resize `crop` pays one generation per variant for all its sizes.
    const micros = toMicros(pricePerImage(model, imageSize) ?? 0) * generationsPerRow(read.spec);
    totalMicros += micros;
    images += n;
    const flag = serverReason(read.spec, checks);
    if (flag !== null) flaggedRows++;
    return { rowId: row.rowId, images: n, model: findModel(model)?.id ?? model, costUsd: fromMicros(micros), ...(flag !== null ? { flag } : {}) };
  });
  const warnings = nowMs === undefined ? [] : retirementWarnings(used, nowMs);
  return { rows: out, totalUsd: fromMicros(totalMicros), images, invalidRows, flaggedRows, warnings };
}
