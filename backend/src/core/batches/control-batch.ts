// Cancel and retry. Cancel marks the manifest; rows not yet started become CANCELLED when
// their task arrives. Retry bumps the generation and re-queues only FAILED rows.
import { isFinalBatch, type BatchStatus } from '../../../../shared/index';
import { AppError } from '../app-error';
import type { CoreDeps } from '../deps';
import { updateJson } from '../json-blobs';
import { layout } from '../layout';
import { enqueueFanOut } from './create-batch';
import { forgetManifest } from './manifest-cache';
import { scheduleWatchdog } from './watchdog';
import { getBatch, loadBatch } from './query-batches';
import { CODE_STATES, emptyCounts, type Manifest, type RowStates, type StatusRecord } from './records';
import { scheduleFlush } from './row-events';

export async function cancelBatch(deps: CoreDeps, tenant: string, batchId: string): Promise<BatchStatus> {
  const { s } = await loadBatch(deps, tenant, batchId);
  if (isFinalBatch(s.state)) throw new AppError('conflict', `Batch ${batchId} has already finished (${s.state})`);
  const { value } = await updateJson<Manifest>(deps.store, layout.manifest(tenant, batchId), (m) => (m && !m.cancelled ? { ...m, cancelled: true } : undefined));
  forgetManifest(tenant, batchId);
  if (value) await scheduleFlush(deps, tenant, batchId, value.flushIntervalMs);
  deps.log.info({ tenant, batchId }, 'batch cancelled');
  return getBatch(deps, tenant, batchId);
}

export async function retryBatch(deps: CoreDeps, tenant: string, batchId: string): Promise<BatchStatus & { retriedRows: number }> {
  const { m, s } = await loadBatch(deps, tenant, batchId);
  if (!isFinalBatch(s.state)) {
    throw new AppError('conflict', `Batch ${batchId} is still running; retry its failed rows once it has finished`);
  }
  if (s.counts.FAILED === 0) throw new AppError('conflict', `Batch ${batchId} has no FAILED rows to retry`);
  const { value, changed } = await updateJson<Manifest>(deps.store, layout.manifest(tenant, batchId), (cur) =>
    cur && cur.retryGen === m.retryGen ? { ...cur, retryGen: cur.retryGen + 1, cancelled: false } : undefined,
  );
  if (!changed || !value) throw new AppError('conflict', `A retry of batch ${batchId} has just started`);
  const gen = value.retryGen;
  // The retried rows are QUEUED again before anything runs, so no flush can see the batch as
  // finished in between; the fan-out picks exactly these rows (QUEUED with an older generation).
  const { value: rs } = await updateJson<RowStates>(deps.store, layout.rowStates(tenant, batchId), (cur) =>
    cur ? { ...cur, states: cur.states.replace(/F/g, 'Q') } : undefined,
  );
  const counts = emptyCounts();
  for (const c of rs?.states ?? '') counts[CODE_STATES[c] ?? 'QUEUED']++;
  await updateJson<StatusRecord>(deps.store, layout.status(tenant, batchId), (cur) => (cur ? { ...cur, counts, state: 'RUNNING', finishedAt: null } : undefined));
  forgetManifest(tenant, batchId);
  await enqueueFanOut(deps, tenant, batchId, gen);
  await scheduleWatchdog(deps, tenant, batchId, null);
  deps.log.info({ tenant, batchId, gen, rows: s.counts.FAILED }, 'retrying failed rows');
  return { ...(await getBatch(deps, tenant, batchId)), retriedRows: s.counts.FAILED };
}
