// A row's every change is written to its record and then published to the batch outbox; the
// flush task (the single writer of counts and of the sheet) folds the outbox in. Each change
// also makes sure a flush is scheduled: one named task per batch per flush interval, so
// however many rows finish, there is at most one flush per interval.
import type { CoreDeps } from '../deps';
import { taskName } from '../ids';
import { putJson } from '../json-blobs';
import { layout } from '../layout';
import type { Manifest, RowRecord } from './records';

export async function publishRow(deps: CoreDeps, m: Manifest, rec: RowRecord): Promise<void> {
  await putJson(deps.store, layout.outbox(m.tenant, m.id, rec.index, rec.rev), rec, 0);
  await scheduleFlush(deps, m.tenant, m.id, m.flushIntervalMs);
}

/** Flush slots this process already enqueued: a cache that saves a store write per row event; the queue's name dedupe is what guarantees one flush per slot. */
export async function scheduleFlush(deps: CoreDeps, tenant: string, batchId: string, intervalMs: number): Promise<void> {
  const scheduled = deps.state.flushSlots;
  const slot = Math.floor(deps.clock.now() / intervalMs);
  const cacheKey = `${tenant}/${batchId}`;
  if (scheduled.get(cacheKey) === slot) return;
  await enqueueFlush(deps, tenant, batchId, slot, intervalMs);
  // Remembered only once enqueued: a failed enqueue must not stop the next event from trying.
  if (scheduled.size > 10_000) scheduled.clear();
  scheduled.set(cacheKey, slot);
}

/** The flush of the interval after the current one (used when a flush hands its work over). */
export async function scheduleNextFlush(deps: CoreDeps, tenant: string, batchId: string, intervalMs: number): Promise<void> {
  await enqueueFlush(deps, tenant, batchId, Math.floor(deps.clock.now() / intervalMs) + 1, intervalMs);
}

async function enqueueFlush(deps: CoreDeps, tenant: string, batchId: string, slot: number, intervalMs: number): Promise<void> {
  await deps.queues.control.enqueue({
    name: taskName('flush', tenant, batchId, slot),
    path: '/tasks/flush',
    body: { tenant, batchId },
    scheduleTime: (slot + 1) * intervalMs,
  });
}
