// The fan-out task: turns one accepted batch into one task per row, in chunks, so no single
// request does 10,000 enqueues. Level 1 (no chunk) enqueues a task per chunk; level 2
// enqueues that chunk's rows. Task names are deterministic, so re-delivery is a no-op.
import { CellValue, z } from '../../../../shared/index';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { taskName } from '../ids';
import { getJson } from '../json-blobs';
import { layout } from '../layout';
import type { InputRow, Manifest, RowStates } from './records';
import { planTextSets } from './text-sets';
import { TaskBatchId, TaskCount, TaskTenant } from './task-ids';
import { done, retryLater, type TaskOutcome } from './task-outcome';

export const FanOutBody = z.object({
  tenant: TaskTenant,
  batchId: TaskBatchId,
  gen: TaskCount,
  chunk: z.optional(TaskCount),
});
export type FanOutBody = z.infer<typeof FanOutBody>;

export const RowTaskBody = z.object({
  tenant: TaskTenant,
  batchId: TaskBatchId,
  index: TaskCount,
  gen: TaskCount,
  rowId: z.string(),
  /** The row's cells travel with the task (one read less per row); a row too big for a task payload is read from its chunk. */
  cells: z.optional(z.record(z.string(), CellValue)),
});
export type RowTaskBody = z.infer<typeof RowTaskBody>;

const ENQUEUE_CONCURRENCY = 16;
/** Cloud Tasks takes up to 100 KB per task; stay well under it. */
export const MAX_INLINE_CELLS_BYTES = 48 * 1024;

export async function fanOut(deps: CoreDeps, body: FanOutBody): Promise<TaskOutcome> {
  const { tenant, batchId, gen } = body;
  const manifest = await getJson<Manifest>(deps.store, layout.manifest(tenant, batchId));
  if (!manifest) return done('batch no longer exists');
  const m = manifest.value;
  const chunks = Math.ceil(m.rowCount / m.chunkSize);

  if (body.chunk === undefined) {
    // The set's headline sizes are planned before any row can start (retries reuse them).
    await planTextSets(deps, m);
    await mapLimit(Array.from({ length: chunks }, (_, i) => i), ENQUEUE_CONCURRENCY, (chunk) =>
      deps.queues.control.enqueue({
        name: taskName('fanout-chunk', tenant, batchId, gen, chunk),
        path: '/tasks/fanout',
        body: { tenant, batchId, gen, chunk } satisfies FanOutBody,
      }),
    );
    return done(`enqueued ${chunks} chunk tasks`);
  }

  if (body.chunk >= chunks || gen > m.retryGen) return done('stale task: no such chunk or generation in this batch');
  const rows = await getJson<InputRow[]>(deps.store, layout.inputChunk(tenant, batchId, body.chunk));
  if (!rows) return retryLater(503, `input chunk ${body.chunk} is missing`);
  let states: RowStates | null = null;
  if (gen > 0) {
    // A retry re-runs only the rows that FAILED (set back to QUEUED by the retry).
    states = (await getJson<RowStates>(deps.store, layout.rowStates(tenant, batchId)))?.value ?? null;
    if (!states) return retryLater(503, 'row states are missing');
  }
  const base = body.chunk * m.chunkSize;
  const picked = rows.value
    .map((row, i) => ({ row, index: base + i }))
    .filter(({ index }) => states === null || (states.states[index] === 'Q' && (states.gens[index] ?? 0) < gen));
  await mapLimit(picked, ENQUEUE_CONCURRENCY, ({ row, index }) => enqueueRow(deps, rowTaskBody({ tenant, batchId, index, gen }, row)));
  return done(`enqueued ${picked.length} row tasks`);
}

/** A row's task: its cells go along when they fit a task payload; a bigger row is read from its chunk. */
export function rowTaskBody(at: Pick<RowTaskBody, 'tenant' | 'batchId' | 'index' | 'gen'>, row: InputRow): RowTaskBody {
  const small = Buffer.byteLength(JSON.stringify(row.cells)) <= MAX_INLINE_CELLS_BYTES;
  return { ...at, rowId: row.rowId, ...(small ? { cells: row.cells } : {}) };
}

/** `attempt` distinguishes a watchdog's re-queue from the original task of the same row and generation. */
export function enqueueRow(deps: CoreDeps, body: RowTaskBody, attempt = '') {
  return deps.queues.rows.enqueue({
    name: taskName('row', body.tenant, body.batchId, body.index, body.gen, attempt),
    path: '/tasks/row',
    body,
  });
}
