import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../backend/src/config';
import { createRowshot, type Rowshot } from '../../../../backend/src/compose';
import { createBatch } from '../../../../backend/src/core/batches/create-batch';
import { fanOut, MAX_INLINE_CELLS_BYTES, type RowTaskBody } from '../../../../backend/src/core/batches/fan-out';
import { watchBatch, watchdogPeriodMs } from '../../../../backend/src/core/batches/watchdog';
import { processRow } from '../../../../backend/src/core/batches/process-row';
import { flushBatch } from '../../../../backend/src/core/batches/flush';
import { putJson } from '../../../../backend/src/core/json-blobs';
import { getJson } from '../../../../backend/src/core/json-blobs';
import { layout } from '../../../../backend/src/core/layout';
import type { RowRecord, RowStates, StatusRecord } from '../../../../backend/src/core/batches/records';
import type { EnqueueResult, TaskQueue, TaskSpec } from '../../../../backend/src/ports/task-queue';

/** A queue that records what is enqueued and never dispatches: the state a crash leaves behind. */
class RecordingQueue implements TaskQueue {
  tasks: TaskSpec[] = [];
  constructor(readonly name: string) {}
  async enqueue(t: TaskSpec): Promise<EnqueueResult> {
    if (this.tasks.some((x) => x.name === t.name)) return { created: false, reason: 'already_exists' };
    this.tasks.push(t);
    return { created: true };
  }
  async stats() {
    return { depth: this.tasks.length, inFlight: 0 };
  }
}

let dir: string;
let rowshot: Rowshot;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-watchdog-'));
  const loaded = loadConfig({ ROWSHOT_DATA_DIR: dir, ROWSHOT_LOG_LEVEL: 'silent', ROWSHOT_CLAIM_TTL_MS: '1000' });
  if (!loaded.ok) throw new Error(loaded.message);
  rowshot = await createRowshot(loaded.config);
  rowshot.deps.queues = { rows: new RecordingQueue('rows'), control: new RecordingQueue('control') };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('recovery from crashes', () => {
  it('is scheduled with every batch, leaves progressing batches alone, and re-queues the rows of a stalled one', async () => {
    const deps = rowshot.deps;
    const { response } = await createBatch(deps, 'local', { rows: [{ rowId: 'a', cells: { Prompt: 'x' } }, { rowId: 'b', cells: { Prompt: 'y' } }] }, null);
    const control = deps.queues.control as RecordingQueue;
    const rows = deps.queues.rows as RecordingQueue;
    const first = control.tasks.find((t) => t.path === '/tasks/watchdog');
    expect(first?.body).toEqual({ tenant: 'local', batchId: response.id, lastSeen: null });
    expect(first!.scheduleTime! - Date.now()).toBeGreaterThan(1000);

    // First visit: the status changed since "null", so the batch counts as progressing.
    const status = (await getJson<StatusRecord>(deps.store, layout.status('local', response.id)))!.value;
    expect(await watchBatch(deps, { tenant: 'local', batchId: response.id, lastSeen: null })).toMatchObject({ done: true, note: 'batch is making progress' });
    expect(rows.tasks).toHaveLength(0);

    // Second visit with nothing changed: both unfinished rows are queued again, with their cells.
    const outcome = await watchBatch(deps, { tenant: 'local', batchId: response.id, lastSeen: status.updatedAt });
    expect(outcome).toMatchObject({ done: true, note: 'queued 2 stuck rows again' });
    // Re-queued concurrently, so in no particular order.
    expect(rows.tasks.map((t) => (t.body as { rowId: string }).rowId).sort()).toEqual(['a', 'b']);
    expect(rows.tasks.find((t) => (t.body as { rowId: string }).rowId === 'a')?.body).toMatchObject({ cells: { Prompt: 'x' } });
    // The next visit is scheduled (deduped by name with the one made a moment ago).
    expect(control.tasks.filter((t) => (t.body as { lastSeen: string | null }).lastSeen === status.updatedAt)).toHaveLength(1);
  });

  it('rescues a stalled batch on every visit without progress, inlining only cells that fit a task, like the fan-out', async () => {
    const deps = rowshot.deps;
    const big = { Prompt: 'x', Notes: 'n'.repeat(MAX_INLINE_CELLS_BYTES) };
    const { response } = await createBatch(deps, 'local', { rows: [{ rowId: 'big', cells: big }, { rowId: 'small', cells: { Prompt: 'y' } }] }, null);
    const rows = deps.queues.rows as RecordingQueue;
    const mine = () => rows.tasks.filter((t) => (t.body as RowTaskBody).batchId === response.id);
    const bodyOf = (rowId: string, tasks = mine()) => tasks.find((t) => (t.body as RowTaskBody).rowId === rowId)?.body as RowTaskBody | undefined;

    // The fan-out leaves the big row's cells in its chunk.
    await fanOut(deps, { tenant: 'local', batchId: response.id, gen: 0, chunk: 0 });
    expect(mine()).toHaveLength(2);
    expect(bodyOf('big')).not.toHaveProperty('cells');
    expect(bodyOf('small')?.cells).toEqual({ Prompt: 'y' });

    const status = (await getJson<StatusRecord>(deps.store, layout.status('local', response.id)))!.value;
    const realClock = deps.clock;
    let now = Date.now();
    deps.clock = { now: () => now };
    try {
      expect(await watchBatch(deps, { tenant: 'local', batchId: response.id, lastSeen: status.updatedAt })).toMatchObject({ note: 'queued 2 stuck rows again' });
      const first = mine().slice(2);
      expect(first).toHaveLength(2);
      // The rescue follows the same size rule: the big row is read from its chunk when it runs.
      expect(bodyOf('big', first)).not.toHaveProperty('cells');
      expect(bodyOf('big', first)).toMatchObject({ rowId: 'big', index: 0, gen: 0 });
      expect(bodyOf('small', first)?.cells).toEqual({ Prompt: 'y' });

      // The next visit, a period later and still without progress, queues the rows again under new names.
      now += watchdogPeriodMs(deps);
      expect(await watchBatch(deps, { tenant: 'local', batchId: response.id, lastSeen: status.updatedAt })).toMatchObject({ note: 'queued 2 stuck rows again' });
      expect(mine()).toHaveLength(6);
      expect(new Set(mine().map((t) => t.name)).size).toBe(6);
    } finally {
      deps.clock = realClock;
    }
  });

  it('counts a row whose worker crashed after writing DONE but before publishing it', async () => {
    const deps = rowshot.deps;
    const { response } = await createBatch(deps, 'local', { rows: [{ rowId: 'c', cells: { Prompt: 'x' } }] }, null);
    const done: RowRecord = {
      rowId: 'c', index: 0, gen: 0, state: 'DONE', reason: null, provider: 'template', costMicros: 0, images: [], notes: [],
      attempts: 1, claim: null, updatedAt: new Date().toISOString(), rev: 2,
    };
    // The crash window: the final record is written, the outbox entry never was.
    await putJson(deps.store, layout.row('local', response.id, 0), done, 0);
    const redelivered = await processRow(deps, { tenant: 'local', batchId: response.id, index: 0, gen: 0, rowId: 'c', cells: { Prompt: 'x' } }, { taskName: 't', retryCount: 1 });
    expect(redelivered).toEqual({ done: true, note: 'already DONE' });
    expect((await deps.store.list(layout.outboxPrefix('local', response.id))).keys).toHaveLength(1);
    await flushBatch(deps, { tenant: 'local', batchId: response.id });
    const states = (await getJson<RowStates>(deps.store, layout.rowStates('local', response.id)))!.value;
    expect(states.states).toBe('D');
    const status = (await getJson<StatusRecord>(deps.store, layout.status('local', response.id)))!.value;
    expect(status).toMatchObject({ state: 'DONE', counts: { DONE: 1 } });
  });
});
