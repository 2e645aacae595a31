// Apply feedback: DONE rows are made again as a new version each (v2, v3, …), keeping the
// versions before. Everything is checked first (rows, cells, the cost against the cap), so a
// refused round changes nothing; then each row's revision record is written before its task is
// queued, the way a retry re-queues FAILED rows.
import {
  estimateRows, fromMicros, isFinalBatch, pricePerImage, toMicros,
  type BatchStatus, type InvalidField, type ReviseBatchRequest, type RowVersions,
} from '../../../../shared/index';
import { AppError, notFound } from '../app-error';
import { linkerFor, toRowVersions } from './batch-view';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { startGeneration, writeCells } from './control-batch';
import { inputRows, rowIndexes } from './input-rows';
import { getBatch, loadBatch } from './query-batches';
import type { InputRow, Manifest, RevisionRecord, RowRecord, RowStates } from './records';
import { rowDefaultsOf } from './row-text';

export interface ReviseResult extends BatchStatus {
  revisedRows: number;
  /** Rows whose latest version was already made from the same feedback: not made again (a repeated request is harmless). */
  alreadyApplied: string[];
  estimate: { totalUsd: number; images: number };
}

export async function reviseBatch(deps: CoreDeps, tenant: string, batchId: string, body: ReviseBatchRequest): Promise<ReviseResult> {
  const { m, s } = await loadBatch(deps, tenant, batchId);
  if (!isFinalBatch(s.state)) throw new AppError('conflict', `Batch ${batchId} is still running; apply feedback once it has finished`);
  const states = (await getJson<RowStates>(deps.store, layout.rowStates(tenant, batchId)))?.value;
  if (!states) throw new AppError('conflict', `Batch ${batchId} has no rows yet`);

  // 1. Which rows: each must be DONE (a row with images), and listed once.
  const doneIndexes: number[] = [];
  for (let i = 0; i < states.states.length; i++) if (states.states[i] === 'D') doneIndexes.push(i);
  const inputs = await inputRows(deps, m, doneIndexes);
  const indexOf = new Map<string, number>();
  for (const i of doneIndexes) {
    const row = inputs.get(i);
    if (row) indexOf.set(row.rowId, i);
  }
  const fields: InvalidField[] = [];
  const picked = new Map<number, { feedback: string; input: InputRow; fresh: boolean }>();
  body.rows.forEach((row, i) => {
    const index = indexOf.get(row.rowId);
    if (index !== undefined && picked.has(index)) fields.push({ field: `rows[${i}].rowId`, message: `"${row.rowId}" is listed twice` });
    else if (index === undefined) fields.push({ field: `rows[${i}].rowId`, message: `"${row.rowId}" is not a DONE row of batch ${batchId} (only rows with images can be revised)` });
    else picked.set(index, { feedback: row.feedback, input: row.cells ? { rowId: row.rowId, cells: row.cells } : inputs.get(index)!, fresh: row.cells !== undefined });
  });
  if (fields.length > 0) throw new AppError('invalid_request', `${fields.length} of the rows cannot be revised`, { invalidFields: fields });
  // A row whose latest version was made from this very feedback is not made again, so a
  // repeated click or a client's retry never pays twice.
  const records = new Map<number, RowRecord>();
  await mapLimit([...picked.keys()], 16, async (index) => {
    const rec = (await getJson<RowRecord>(deps.store, layout.row(tenant, batchId, index)))?.value;
    if (rec) records.set(index, rec);
  });
  const alreadyApplied: string[] = [];
  for (const [index, p] of picked) {
    if (records.get(index)?.feedback === p.feedback) {
      alreadyApplied.push(p.input.rowId);
      picked.delete(index);
    }
  }
  if (picked.size === 0) return { ...(await getBatch(deps, tenant, batchId)), revisedRows: 0, alreadyApplied, estimate: { totalUsd: 0, images: 0 } };

  // 2. The price: every image of a revised AI row is one model call (an edit of it). A row whose
  // cells would fail is refused here: a revision must not turn a DONE row into a FAILED one.
  const listed = [...picked.values()];
  const { estimate, invalid } = estimateRound(deps, m, listed.map((p) => p.input));
  invalid.forEach((reason, k) => {
    if (reason) fields.push({ field: `rows[${body.rows.findIndex((r) => r.rowId === listed[k]?.input.rowId)}].cells`, message: reason });
  });
  if (fields.length > 0) throw new AppError('unprocessable', `${fields.length} of the rows cannot be revised`, { invalidFields: fields });
  const cap = body.maxCostUsd ?? m.maxCostUsd;
  if (cap !== null && estimate.totalUsd > cap) {
    throw new AppError('over_budget', `Applying feedback to ${picked.size} row(s) is estimated at $${estimate.totalUsd.toFixed(2)}, over the cap of $${cap.toFixed(2)}: nothing was queued`, {
      estimate: { ...estimate, maxCostUsd: cap },
    });
  }

  // 3. Write: fresh cells, then each row's revision (what its task edits), then queue.
  const fresh = new Map([...picked].filter(([, p]) => p.fresh).map(([i, p]) => [i, p.input]));
  if (fresh.size > 0) await writeCells(deps, m, fresh);
  const gen = m.retryGen + 1;
  await mapLimit([...picked], 16, async ([index, p]) => {
    const rec = records.get(index);
    if (!rec || rec.state !== 'DONE') throw new AppError('conflict', `Row "${p.input.rowId}" changed while the feedback was applied; try again`);
    const revision: RevisionRecord = { feedback: p.feedback, fromGen: rec.gen, images: rec.images };
    await putJson(deps.store, layout.revision(tenant, batchId, index, gen), revision);
  });
  // An approval of a row still in the outbox must not fold a re-queued row back to DONE.
  await startGeneration(deps, m, () => [...picked.keys()], new Map([...picked.keys()].map((i) => [i, records.get(i)?.rev ?? 0])));
  deps.log.info({ tenant, batchId, gen, rows: picked.size, estimateUsd: estimate.totalUsd }, 'applying feedback');
  return { ...(await getBatch(deps, tenant, batchId)), revisedRows: picked.size, alreadyApplied, estimate };
}

/** Each image of each row priced at its model (an edit is one call per image; template rows are free). */
function estimateRound(deps: CoreDeps, m: Manifest, rows: readonly InputRow[]): { estimate: { totalUsd: number; images: number }; invalid: (string | undefined)[] } {
  const e = estimateRows(rows, m.providerChain, m.columns, deps.config.imageSize, { nowMs: deps.clock.now(), rowDefaults: rowDefaultsOf(m) });
  let micros = 0;
  for (const r of e.rows) micros += toMicros(pricePerImage(r.model, deps.config.imageSize) ?? 0) * r.images;
  return { estimate: { totalUsd: fromMicros(micros), images: e.images }, invalid: e.rows.map((r) => r.invalid) };
}

/** GET /v1/batches/:id/rows/:rowId/versions: the row's versions, oldest first. */
export async function listRowVersions(deps: CoreDeps, tenant: string, batchId: string, rowId: string): Promise<RowVersions> {
  const { m } = await loadBatch(deps, tenant, batchId);
  const index = (await rowIndexes(deps, m)).get(rowId);
  if (index !== undefined) {
    const rec = (await getJson<RowRecord>(deps.store, layout.row(tenant, batchId, index)))?.value;
    return rec ? toRowVersions(rec, await linkerFor(deps, tenant)) : { rowId, versions: [] };
  }
  throw notFound(`Row "${rowId}" of batch ${batchId}`);
}
