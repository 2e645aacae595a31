// Cancel and retry. Cancel marks the manifest; rows not yet started become CANCELLED when
// their task arrives. Retry bumps the generation and re-queues only FAILED rows.
import { isFinalBatch, type BatchRowInput, type BatchStatus, type InvalidField } from '../../../../shared/index';
import { AppError } from '../app-error';
import type { CoreDeps } from '../deps';
import { getJson, updateJson } from '../json-blobs';
import { layout } from '../layout';
import { enqueueFanOut } from './create-batch';
import { forgetManifest } from './manifest-cache';
import { scheduleWatchdog } from './watchdog';
import { getBatch, loadBatch } from './query-batches';
import { inputRows } from './input-rows';
import { CODE_STATES, emptyCounts, type InputRow, type Manifest, type RowStates, type StatusRecord } from './records';
import { scheduleFlush } from './row-events';

export async function cancelBatch(deps: CoreDeps, tenant: string, batchId: string): Promise<BatchStatus> {
  const { s } = await loadBatch(deps, tenant, batchId);
  if (isFinalBatch(s.state)) throw new AppError('conflict', `Batch ${batchId} has already finished (${s.state})`);
  const { value } = await updateJson<Manifest>(deps.store, layout.manifest(tenant, batchId), (m) => (m && !m.cancelled ? { ...m, cancelled: true } : undefined));
  forgetManifest(deps, tenant, batchId);
  if (value) await scheduleFlush(deps, tenant, batchId, value.flushIntervalMs);
  deps.log.info({ tenant, batchId }, 'batch cancelled');
  return getBatch(deps, tenant, batchId);
}

/**
 * `fresh`: current cells of FAILED rows, stored over the batch's input before anything is
 * queued (all checked first: a refused retry changes nothing). `freshRows` says how many.
 */
export async function retryBatch(
  deps: CoreDeps, tenant: string, batchId: string, fresh: readonly BatchRowInput[] = [],
): Promise<BatchStatus & { retriedRows: number; freshRows: number }> {
  const { m, s } = await loadBatch(deps, tenant, batchId);
  if (!isFinalBatch(s.state)) {
    throw new AppError('conflict', `Batch ${batchId} is still running; retry its failed rows once it has finished`);
  }
  if (s.counts.FAILED === 0) throw new AppError('conflict', `Batch ${batchId} has no FAILED rows to retry`);
  if (fresh.length > 0) await storeFreshCells(deps, m, fresh);
  const gen = await startGeneration(deps, m, (states) => [...states].flatMap((c, i) => (c === 'F' ? [i] : [])));
  deps.log.info({ tenant, batchId, gen, rows: s.counts.FAILED }, 'retrying failed rows');
  return { ...(await getBatch(deps, tenant, batchId)), retriedRows: s.counts.FAILED, freshRows: fresh.length };
}

/**
 * Starts generation retryGen + 1 for the rows `pick` chooses from the row states (a retry's
 * FAILED rows, a revision's DONE ones): they are QUEUED before anything runs, so no flush can see
 * the batch as finished in between, and the fan-out picks exactly them (QUEUED with an older
 * generation). `floorRevs`: a row's folded revision is raised to it, so an older change of the row
 * still in the outbox cannot fold it back to its old state.
 */
export async function startGeneration(deps: CoreDeps, m: Manifest, pick: (states: string) => number[], floorRevs: ReadonlyMap<number, number> = new Map()): Promise<number> {
  const { tenant, id: batchId } = m;
  const { value, changed } = await updateJson<Manifest>(deps.store, layout.manifest(tenant, batchId), (cur) =>
    cur && cur.retryGen === m.retryGen ? { ...cur, retryGen: cur.retryGen + 1, cancelled: false } : undefined,
  );
  if (!changed || !value) throw new AppError('conflict', `A retry or revision of batch ${batchId} has just started`);
  const gen = value.retryGen;
  const { value: rs } = await updateJson<RowStates>(deps.store, layout.rowStates(tenant, batchId), (cur) => {
    if (!cur) return undefined;
    const states = cur.states.split('');
    const revs = [...cur.revs];
    for (const index of pick(cur.states)) {
      states[index] = 'Q';
      revs[index] = Math.max(revs[index] ?? 0, floorRevs.get(index) ?? 0);
    }
    return { ...cur, states: states.join(''), revs };
  });
  const counts = emptyCounts();
  for (const c of rs?.states ?? '') counts[CODE_STATES[c] ?? 'QUEUED']++;
  await updateJson<StatusRecord>(deps.store, layout.status(tenant, batchId), (cur) => (cur ? { ...cur, counts, state: 'RUNNING', finishedAt: null } : undefined));
  forgetManifest(deps, tenant, batchId);
  await enqueueFanOut(deps, tenant, batchId, gen);
  await scheduleWatchdog(deps, tenant, batchId, null);
  return gen;
}

async function storeFreshCells(deps: CoreDeps, m: Manifest, fresh: readonly BatchRowInput[]): Promise<void> {
  const states = (await getJson<RowStates>(deps.store, layout.rowStates(m.tenant, m.id)))?.value.states ?? '';
  const failed: number[] = [];
  for (let i = 0; i < states.length; i++) if (states[i] === 'F') failed.push(i);
  const inputs = await inputRows(deps, m, failed);
  const indexOf = new Map<string, number>();
  // A chunk is read whole: keep only the rows that FAILED.
  for (const index of failed) {
    const row = inputs.get(index);
    if (row) indexOf.set(row.rowId, index);
  }
  const fields: InvalidField[] = [];
  const seen = new Set<string>();
  const byIndex = new Map<number, InputRow>();
  fresh.forEach((row, i) => {
    const index = indexOf.get(row.rowId);
    if (seen.has(row.rowId)) fields.push({ field: `rows[${i}].rowId`, message: `"${row.rowId}" is listed twice` });
    else if (index === undefined) fields.push({ field: `rows[${i}].rowId`, message: `"${row.rowId}" is not a FAILED row of batch ${m.id}` });
    else byIndex.set(index, { rowId: row.rowId, cells: row.cells });
    seen.add(row.rowId);
  });
  if (fields.length > 0) throw new AppError('invalid_request', `${fields.length} of the retried rows cannot be updated`, { invalidFields: fields });
  await writeCells(deps, m, byIndex);
}

/** Stores rows' current cells over the batch's input (each chunk read and written once). */
export async function writeCells(deps: CoreDeps, m: Manifest, byIndex: ReadonlyMap<number, InputRow>): Promise<void> {
  for (const chunk of new Set([...byIndex.keys()].map((i) => Math.floor(i / m.chunkSize)))) {
    await updateJson<InputRow[]>(deps.store, layout.inputChunk(m.tenant, m.id, chunk), (rows) =>
      rows?.map((row, k) => byIndex.get(chunk * m.chunkSize + k) ?? row),
    );
  }
}
