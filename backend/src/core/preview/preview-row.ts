// POST /v1/preview: one row made now, the way a batch row is made (same reading, provider
// choice, pack, overlays, budget and charge), answered with capability links to its images.
// No batch is recorded and nothing is written to a sheet; the images are kept under a
// preview id of their own so links keep working like a batch's.
import { fromMicros, generationsPerRow, imagesPerRow, readRow, toMicros, type InvalidField, type PreviewRequest, type PreviewResponse } from '../../../../shared/index';
import { AppError } from '../app-error';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { randomId } from '../ids';
import { reserve, settle } from '../ledger';
import { loadPackForRow } from '../packs/pack-for-row';
import { linkerFor } from '../batches/batch-view';
import { assertKnownNames } from '../batches/check-names';
import { generateImages, type GenerateResult } from '../batches/generate-images';
import { chooseProvider } from '../batches/provider-choice';
import type { Manifest, RowRecord, StoredImage } from '../batches/records';
import { rowDefaultsOf } from '../batches/row-text';
import { loadRowReferences } from '../batches/row-references';

/** Preview ids share the batch id alphabet (`pv_` instead of `b_`), so asset keys follow the same layout. */
const newPreviewId = (): string => `pv_${randomId(16)}`;

/** A made preview with its images' store keys (the CLI reads them in-process; the API links them). */
export interface MadePreview extends Omit<PreviewResponse, 'images'> {
  images: StoredImage[];
}

export async function previewRow(deps: CoreDeps, tenant: string, body: PreviewRequest): Promise<PreviewResponse> {
  const made = await makePreview(deps, tenant, body);
  const link = await linkerFor(deps, tenant);
  return { ...made, images: made.images.map((i) => ({ size: i.size ?? i.aspectRatio.replace(':', 'x'), aspectRatio: i.aspectRatio, variant: i.variant, url: link(i.key), thumbnailUrl: link(i.thumbKey) })) };
}

export async function makePreview(deps: CoreDeps, tenant: string, body: PreviewRequest): Promise<MadePreview> {
  const columns = body.columns ?? {};
  assertKnownNames(deps, { rows: [body.row], columns, providerChain: body.providerChain });
  const read = readRow(body.row.cells, columns, rowDefaultsOf(body));
  if (!read.ok) {
    const fields: InvalidField[] = read.reasons.map((message) => ({ field: 'row.cells', message }));
    throw new AppError('unprocessable', `The row cannot be made: ${read.reasons.join('; ')}`, { invalidFields: fields });
  }
  const spec = read.spec;
  const pack = spec.referencePack === null ? null : await loadPackForRow(deps, tenant, spec.referencePack);
  if (spec.referencePack !== null && pack === null) {
    const message = `Reference pack "${spec.referencePack}" was not found`;
    throw new AppError('unprocessable', message, { invalidFields: [{ field: 'row.cells', message }] });
  }
  const id = newPreviewId();
  const rowId = body.row.rowId ?? 'preview';
  const now = iso(deps.clock.now());
  const m: Manifest = {
    id, tenant, name: 'Preview', createdAt: now, rowCount: 1, chunkSize: 1, columns,
    providerChain: body.providerChain ?? deps.config.defaultProviderChain, allowTemplateFallback: false,
    maxCostUsd: body.maxCostUsd ?? null, estimatedUsd: 0, target: { kind: 'none' }, flushIntervalMs: deps.config.flushIntervalMs,
    retryGen: 0, cancelled: false, requestHash: '',
    ...(body.textDefault ? { textDefault: body.textDefault } : {}), ...(body.resizeDefault ? { resizeDefault: body.resizeDefault } : {}), ...(body.minTextPx ? { minTextPx: body.minTextPx } : {}),
    ...(body.longEdge === undefined ? {} : { longEdge: body.longEdge }),
  };
  const choice = chooseProvider(deps, spec.model, m);
  if (!choice.ok && choice.busy) throw new AppError('unavailable', choice.reason, { retryAfterSeconds: Math.ceil(choice.retryAfterMs / 1000) });
  if (!choice.ok) throw new AppError('unprocessable', choice.reason, { invalidFields: [{ field: 'row.cells', message: choice.reason }] });

  const own = await loadRowReferences(deps, tenant, spec.referenceImages, AbortSignal.timeout(60_000));
  if (!own.ok && own.kind === 'transient') throw new AppError('unavailable', `The preview could not be made now: ${own.reason}`);
  if (!own.ok) throw new AppError('unprocessable', `The row cannot be made: ${own.reason}`, { invalidFields: [{ field: 'row.cells', message: own.reason }] });

  // Budget-checked and charged like a row: the estimate against maxCostUsd, then a reservation
  // on the daily ledger settled to what was paid.
  const estimateMicros = toMicros(choice.pricePerImageUsd) * generationsPerRow(spec);
  const estimate = { totalUsd: fromMicros(estimateMicros), images: imagesPerRow(spec) };
  if (m.maxCostUsd !== null && estimateMicros > toMicros(m.maxCostUsd)) {
    throw new AppError('over_budget', `The preview is estimated at $${estimate.totalUsd.toFixed(2)}, over its maxCostUsd of $${m.maxCostUsd.toFixed(2)}`, { estimate: { ...estimate, maxCostUsd: m.maxCostUsd } });
  }
  const reservation = await reserve(deps, tenant, id, null, estimateMicros);
  if (!reservation.ok) {
    throw new AppError('over_budget', `The preview is estimated at $${estimate.totalUsd.toFixed(2)}: over the ${reservation.reason}`, { estimate });
  }
  const rec: RowRecord = {
    rowId, index: 0, gen: 0, state: 'RUNNING', reason: null, provider: null, costMicros: 0, images: [], notes: [],
    attempts: 1, claim: null, updatedAt: now, rev: 1,
  };
  const log = deps.log.child({ tenant, previewId: id });
  const paid = { micros: 0 };
  let result: GenerateResult;
  try {
    result = await generateImages(deps, { m, rec, spec, pack, choice, signal: AbortSignal.timeout(Math.max(1000, Math.floor(deps.config.claimTtlMs * 0.8))), log, paid, rowReferences: own.images });
  } finally {
    await settle(deps, reservation, paid.micros);
  }
  if (paid.micros > 0) deps.metrics.costAdded(fromMicros(paid.micros));
  log.info({ costUsd: fromMicros(paid.micros), outcome: result.kind }, 'preview made');
  if (result.kind === 'transient') {
    throw new AppError('unavailable', `The preview could not be made now: ${result.reason}`, result.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: result.retryAfterSeconds });
  }
  if (result.kind === 'permanent') {
    throw new AppError('unprocessable', `The preview failed: ${result.reason}`, { invalidFields: [{ field: 'row.cells', message: result.reason }] });
  }
  return {
    rowId,
    provider: result.overlaid ? `${choice.provider.name} + overlay` : choice.provider.name,
    model: choice.model,
    costUsd: fromMicros(paid.micros),
    images: result.images,
    notes: [...new Set([...choice.notes, ...result.notes])],
  };
}
