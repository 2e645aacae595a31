// POST /v1/batches: validate, price, persist the input in chunks, enqueue ONE fan-out task and
// answer. Enqueueing the rows happens behind the response, so 10,000 rows are accepted in the
// time of a few writes.
import { estimateRows, type CreateBatchRequest, type Estimate, type CreateBatchResponse, type InvalidField, type TargetRef } from '../../../../shared/index';
import { AppError } from '../app-error';
import { iso } from '../clock';
import { mapLimit } from '../concurrency';
import type { TargetCheckOptions } from '../../ports/sheet-target';
import type { CoreDeps } from '../deps';
import { newBatchId, sha256Hex, taskName } from '../ids';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { remainingDailyBudget } from '../ledger';
import { statusUrl } from './batch-view';
import { assertKnownNames } from './check-names';
import { scheduleWatchdog } from './watchdog';
import { preflightColumns } from './preflight-columns';
import { emptyCounts, type InputRow, type Manifest, type RowStates, type StatusRecord } from './records';

export async function createBatch(
  deps: CoreDeps,
  tenant: string,
  request: CreateBatchRequest,
  idempotencyKey: string | null,
  /** Who asks (the API key's label or the Google user), kept for the images' provenance. */
  createdBy: string | null = null,
): Promise<{ response: CreateBatchResponse; replayed: boolean }> {
  const { store, clock, config } = deps;
  rejectDuplicateRowIds(request);
  const preflight = preflightColumns(request);
  const warnings = [...preflight.warnings];
  const requestHash = sha256Hex(JSON.stringify(request));

  assertKnownNames(deps, request, preflight.invalid);
  const idemKey = idempotencyKey === null ? null : layout.idempotency(tenant, sha256Hex(idempotencyKey));

  let batchId: string | null = null;
  if (idemKey !== null) {
    const existing = await getJson<{ batchId: string; requestHash: string }>(store, idemKey);
    if (existing) {
      if (existing.value.requestHash !== requestHash) {
        throw new AppError('conflict', 'This Idempotency-Key was already used for a different request; use a new key for a new batch');
      }
      batchId = existing.value.batchId;
      const manifest = await getJson<Manifest>(store, layout.manifest(tenant, batchId));
      if (manifest) {
        await enqueueFanOut(deps, tenant, batchId, 0);
        return { response: withWarnings(accepted(deps, manifest.value), warnings), replayed: true };
      }
      // The first request crashed before writing its manifest: finish creating it now.
    }
  }

  const { chain, estimate, maxCostUsd } = await checkAcceptable(deps, tenant, request, { rowIdsPending: false });
  warnings.push(...estimate.warnings);
  // Only an accepted batch claims its Idempotency-Key: a refusal above (422, 400) leaves it free
  // for the corrected retry.
  if (idemKey !== null && batchId === null) {
    batchId = newBatchId(clock.now());
    const won = await putJson(store, idemKey, { batchId, requestHash }, 0);
    if (won === null) return createBatch(deps, tenant, request, idempotencyKey, createdBy);
  }
  batchId ??= newBatchId(clock.now());

  const now = iso(clock.now());
  const n = request.rows.length;
  const manifest: Manifest = {
    id: batchId,
    tenant,
    createdBy,
    name: request.name ?? `Batch of ${n} row${n === 1 ? '' : 's'}`,
    createdAt: now,
    rowCount: n,
    chunkSize: config.chunkSize,
    columns: request.columns ?? {},
    providerChain: chain,
    allowTemplateFallback: request.allowTemplateFallback ?? false,
    allowModelSubstitution: request.allowModelSubstitution ?? false,
    maxCostUsd,
    estimatedUsd: estimate.totalUsd,
    // A workbook's copied images are named like the zip's unless its target says otherwise.
    target: request.target?.kind === 'workbook' && request.fileNameTemplate !== undefined && request.target.fileNameTemplate === undefined
      ? { ...request.target, fileNameTemplate: request.fileNameTemplate }
      : (request.target ?? { kind: 'none' }),
    flushIntervalMs: request.flushIntervalMs ?? config.flushIntervalMs,
    ...(request.longEdge !== undefined ? { longEdge: request.longEdge } : {}),
    retryGen: 0,
    cancelled: false,
    requestHash,
    textFit: request.textFit ?? 'set',
    ...(request.textDefault ? { textDefault: request.textDefault } : {}),
    ...(request.resizeDefault ? { resizeDefault: request.resizeDefault } : {}),
    ...(request.minTextPx ? { minTextPx: request.minTextPx } : {}),
    fileNameTemplate: request.fileNameTemplate ?? null,
  };

  const chunks: InputRow[][] = [];
  for (let i = 0; i < n; i += config.chunkSize) chunks.push(request.rows.slice(i, i + config.chunkSize));
  await mapLimit(chunks, 8, (rows, i) => putJson(store, layout.inputChunk(tenant, batchId, i), rows));
  const rowStates: RowStates = { states: 'Q'.repeat(n), revs: new Array(n).fill(0), gens: new Array(n).fill(0), costMicros: new Array(n).fill(0) };
  const status: StatusRecord = {
    state: 'ACCEPTED', counts: { ...emptyCounts(), QUEUED: n }, actualMicros: 0, updatedAt: now,
    startedAt: null, finishedAt: null, lastWriteError: null, samples: [],
  };
  await Promise.all([
    putJson(store, layout.rowStates(tenant, batchId), rowStates),
    putJson(store, layout.status(tenant, batchId), status),
    putJson(store, layout.batchIndex(tenant, batchId), { id: batchId, name: manifest.name, createdAt: now, rowCount: n }),
  ]);
  // The manifest is written last: a batch exists once its manifest does.
  await putJson(store, layout.manifest(tenant, batchId), manifest);
  await enqueueFanOut(deps, tenant, batchId, 0);
  await scheduleWatchdog(deps, tenant, batchId, null);
  deps.log.info({ tenant, batchId, rows: n, estimatedUsd: estimate.totalUsd }, 'batch accepted');
  return { response: withWarnings(accepted(deps, manifest), warnings), replayed: false };
}

function withWarnings(r: CreateBatchResponse, warnings: string[]): CreateBatchResponse {
  return warnings.length > 0 ? { ...r, warnings } : r;
}

export async function enqueueFanOut(deps: CoreDeps, tenant: string, batchId: string, gen: number): Promise<void> {
  await deps.queues.control.enqueue({
    name: taskName('fanout', tenant, batchId, gen),
    path: '/tasks/fanout',
    body: { tenant, batchId, gen },
  });
}

function accepted(deps: CoreDeps, m: Manifest): CreateBatchResponse {
  return { id: m.id, statusUrl: statusUrl(deps, m.id), state: 'ACCEPTED', rowCount: m.rowCount };
}

export interface AcceptableBatch {
  chain: string[];
  estimate: Estimate;
  maxCostUsd: number | null;
}

/**
 * Everything that refuses a batch after its rows and names are valid: the target (checked
 * before any write to it) and the budgets. `rowIdsPending`: the caller (POST /v1/batches/check)
 * will add the Row ID column itself once the batch can start.
 */
export async function checkAcceptable(deps: CoreDeps, tenant: string, request: CreateBatchRequest, opts: TargetCheckOptions): Promise<AcceptableBatch> {
  await checkTarget(deps, tenant, request.target ?? { kind: 'none' }, opts);
  const chain = request.providerChain ?? deps.config.defaultProviderChain;
  const estimate = estimateRows(request.rows, chain, request.columns ?? {}, deps.config.imageSize, {
    nowMs: deps.clock.now(), allowModelSubstitution: request.allowModelSubstitution ?? false, ...(request.resizeDefault ? { rowDefaults: { resize: request.resizeDefault } } : {}),
  });
  const maxCostUsd = request.maxCostUsd ?? null;
  if (maxCostUsd !== null && estimate.totalUsd > maxCostUsd) {
    throw new AppError('over_budget', `The estimate of $${estimate.totalUsd.toFixed(2)} is over this batch's maxCostUsd of $${maxCostUsd.toFixed(2)}`, {
      estimate: { totalUsd: estimate.totalUsd, images: estimate.images, maxCostUsd },
    });
  }
  const daily = await remainingDailyBudget(deps, tenant);
  if (daily !== null && estimate.totalUsd > daily.remainingUsd) {
    throw new AppError('over_budget', `The estimate of $${estimate.totalUsd.toFixed(2)} is over today's remaining budget of $${daily.remainingUsd.toFixed(2)}`, {
      estimate: { totalUsd: estimate.totalUsd, images: estimate.images, dailyRemainingUsd: daily.remainingUsd },
    });
  }
  return { chain, estimate, maxCostUsd };
}

async function checkTarget(deps: CoreDeps, tenant: string, target: TargetRef, opts: TargetCheckOptions): Promise<void> {
  if (target.kind === 'none') return;
  if (target.kind === 'workbook' && tenant !== deps.config.workbookTenant) {
    // Files on the server's disk are not partitioned by tenant, so only the embedded default's own tenant may write them.
    const reason = `workbook targets are only for the "${deps.config.workbookTenant}" tenant of the embedded server`;
    throw new AppError('unprocessable', `The batch's target cannot be written: ${reason}`, { invalidFields: [{ field: 'target', message: reason }] });
  }
  const adapter = deps.targets.find((t) => t.kinds.includes(target.kind));
  const reason = adapter ? await adapter.checkTarget?.(target, opts) : `this server does not write to ${target.kind} targets; use target kind "none" and read results through the API`;
  if (reason) throw new AppError('unprocessable', `The batch's target cannot be written: ${reason}`, { invalidFields: [{ field: 'target', message: reason }] });
}

export function rejectDuplicateRowIds(request: CreateBatchRequest): void {
  const seen = new Map<string, number>();
  const fields: InvalidField[] = [];
  request.rows.forEach((row, i) => {
    const first = seen.get(row.rowId);
    if (first !== undefined) fields.push({ field: `rows[${i}].rowId`, message: `duplicate Row ID "${row.rowId}" (also rows[${first}])` });
    else seen.set(row.rowId, i);
  });
  if (fields.length > 0) throw new AppError('invalid_request', `${fields.length} row(s) repeat a Row ID`, { invalidFields: fields });
}
