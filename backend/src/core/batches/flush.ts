// The flush task: the single writer of a batch's counts and of its sheet. It folds the
// outbox (rows changed since the last flush) into the row states, writes every pending row to
// the sheet in ONE call, updates the status, and only then deletes the folded outbox entries.
// Re-running after a crash at any point re-applies nothing twice (revisions) and rewrites the
// same cells (writes are by Row ID and idempotent).
import { fromMicros, z } from '../../../../shared/index';
import type { RowImageWrite, RowWrite } from '../../ports/sheet-target';
import { iso } from '../clock';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { randomId, taskName } from '../ids';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { finishedCount, linkerFor, type LinkFor } from './batch-view';
import { CODE_STATES, emptyCounts, STATE_CODES, type Manifest, type RowRecord, type RowStates, type StatusRecord, type StoredImage } from './records';
import { scheduleNextFlush } from './row-events';
import { done, retryLater, type TaskOutcome } from './task-outcome';
import { TaskBatchId, TaskTenant } from './task-ids';

export const FlushBody = z.object({ tenant: TaskTenant, batchId: TaskBatchId });
export type FlushBody = z.infer<typeof FlushBody>;

const LEASE_MS = 60_000;
const MAX_ENTRIES_PER_FLUSH = 5_000;
const ETA_WINDOW_MS = 60_000;

export async function flushBatch(deps: CoreDeps, { tenant, batchId }: FlushBody): Promise<TaskOutcome> {
  const { store, clock } = deps;
  const manifest = await getJson<Manifest>(store, layout.manifest(tenant, batchId));
  if (!manifest) return done('batch no longer exists');
  const m = manifest.value;

  const leaseKey = layout.flushLease(tenant, batchId);
  const lease = await getJson<{ owner: string; until: number }>(store, leaseKey);
  // Another flush is folding this batch: leave the work to the next interval's flush instead of
  // retrying with a growing backoff.
  const handOver = async (why: string): Promise<TaskOutcome> => {
    await scheduleNextFlush(deps, tenant, batchId, m.flushIntervalMs);
    return done(why);
  };
  if (lease && lease.value.until > clock.now()) return handOver('another flush of this batch is running; the next interval takes over');
  const leaseGen = await putJson(store, leaseKey, { owner: `${deps.config.instanceId}:${randomId(6)}`, until: clock.now() + LEASE_MS }, lease ? lease.generation : 0);
  if (leaseGen === null) return handOver('another flush of this batch started; the next interval takes over');

  // A big workbook write can outlast the lease: renew it while folding, so no second flush
  // starts and writes the same sheet concurrently.
  let currentLease = leaseGen;
  const renew = setInterval(() => {
    void putJson(store, leaseKey, { owner: 'renewed', until: clock.now() + LEASE_MS }, currentLease).then((g) => {
      if (g !== null) currentLease = g;
    });
  }, LEASE_MS / 3);
  try {
    return await fold(deps, m);
  } finally {
    clearInterval(renew);
    await store.delete(leaseKey, { ifGenerationMatch: currentLease });
  }
}

async function fold(deps: CoreDeps, m: Manifest): Promise<TaskOutcome> {
  const { store, clock } = deps;
  const { tenant, id: batchId } = m;
  const page = await store.list(layout.outboxPrefix(tenant, batchId), { maxResults: MAX_ENTRIES_PER_FLUSH });
  const statesRec = await getJson<RowStates>(store, layout.rowStates(tenant, batchId));
  const statusRec = await getJson<StatusRecord>(store, layout.status(tenant, batchId));
  if (!statesRec || !statusRec) return retryLater(503, 'batch records are missing');
  if (page.keys.length === 0) return done('nothing to flush');

  const entries = (await mapLimit(page.keys, 16, (k) => getJson<RowRecord>(store, k))).flatMap((e) => (e ? [e.value] : []));
  const latest = new Map<number, RowRecord>();
  for (const e of entries) if ((latest.get(e.index)?.rev ?? -1) < e.rev) latest.set(e.index, e);

  const rs = statesRec.value;
  const states = rs.states.split('');
  const approved = (rs.approved ?? '').padEnd(states.length, '0').split('');
  const toWrite: RowRecord[] = [];
  for (const [i, rec] of latest) {
    if (i >= states.length) continue;
    if (rec.rev > (rs.revs[i] ?? 0)) {
      states[i] = STATE_CODES[rec.state];
      rs.revs[i] = rec.rev;
      rs.gens[i] = rec.gen;
      rs.costMicros[i] = rec.costMicros;
      approved[i] = rec.approved ? '1' : '0';
    }
    // Only the newest known revision reaches the sheet, so a late entry never regresses a cell.
    if (rec.rev >= (rs.revs[i] ?? 0)) toWrite.push(rec);
  }
  rs.states = states.join('');
  if (approved.includes('1') || rs.approved !== undefined) rs.approved = approved.join('');

  const status = statusRec.value;
  const now = clock.now();
  let lastWriteError = status.lastWriteError;
  let transientWriteFailure: string | null = null;
  if (m.target.kind !== 'none' && toWrite.length > 0) {
    const outcome = await writeToSheet(deps, m, toWrite, await linkerFor(deps, tenant));
    if (outcome.ok) lastWriteError = outcome.warning;
    else {
      lastWriteError = outcome.reason;
      if (outcome.kind === 'transient') transientWriteFailure = outcome.reason;
    }
  }

  const counts = emptyCounts();
  for (const c of rs.states) counts[CODE_STATES[c] ?? 'QUEUED']++;
  const next: StatusRecord = { ...status, counts, actualMicros: rs.costMicros.reduce((a, b) => a + b, 0), updatedAt: iso(now), lastWriteError };
  if (rs.approved !== undefined) next.approved = [...rs.approved].filter((c) => c === '1').length;
  const finished = finishedCount(next);
  next.startedAt ??= iso(now);
  next.samples = [...status.samples, [now, finished] as [number, number]].filter(([t]) => t >= now - ETA_WINDOW_MS).slice(-30);
  // A batch is DONE only once its last rows are in the sheet too.
  if (finished >= m.rowCount && transientWriteFailure === null) {
    next.state = m.cancelled && counts.CANCELLED > 0 ? 'CANCELLED' : 'DONE';
    next.finishedAt ??= iso(now);
  } else {
    next.state = 'RUNNING';
    next.finishedAt = null;
  }

  if ((await putJson(store, layout.rowStates(tenant, batchId), rs, statesRec.generation)) === null) {
    return retryLater(409, 'row states changed during the flush');
  }
  // Conditional too: a retry or revision that re-queued rows since this flush read the status
  // must not be overwritten with a DONE counted from the old states (the flush runs again).
  if ((await putJson(store, layout.status(tenant, batchId), next, statusRec.generation)) === null) {
    return retryLater(409, 'the batch status changed during the flush');
  }
  if (transientWriteFailure !== null) {
    // Keep the outbox: the retried flush writes these rows again.
    return retryLater(503, `sheet write failed: ${transientWriteFailure}`);
  }
  await mapLimit(page.keys, 32, (k) => store.delete(k));
  if (page.nextPageToken !== null) {
    await deps.queues.control.enqueue({ name: taskName('flush-more', tenant, batchId, now), path: '/tasks/flush', body: { tenant, batchId } });
  }
  if (next.state !== status.state) deps.log.info({ tenant, batchId, state: next.state, counts }, 'batch state changed');
  return done(`flushed ${latest.size} rows`);
}

function imageWrite(i: StoredImage, link: LinkFor): RowImageWrite {
  return {
    size: i.size ?? i.aspectRatio.replace(':', 'x'), aspectRatio: i.aspectRatio, variant: i.variant,
    image: { key: i.key, url: link(i.key) }, thumbnail: { key: i.thumbKey, url: link(i.thumbKey) },
    ...(i.provenanceKey ? { provenance: { key: i.provenanceKey, url: link(i.provenanceKey) } } : {}),
  };
}

async function writeToSheet(
  deps: CoreDeps, m: Manifest, rows: RowRecord[], link: LinkFor,
): Promise<{ ok: true; warning: string | null } | { ok: false; kind: 'transient' | 'permanent'; reason: string }> {
  const adapter = deps.targets.find((t) => t.kinds.includes(m.target.kind));
  if (!adapter) return { ok: false, kind: 'permanent', reason: `this server cannot write to ${m.target.kind} targets` };
  const writes: RowWrite[] = rows
    .sort((a, b) => a.index - b.index)
    .map((r) => ({
      rowId: r.rowId,
      state: r.state,
      reason: r.reason,
      images: r.images.map((i) => imageWrite(i, link)),
      provider: r.provider,
      costUsd: fromMicros(r.costMicros),
      batchId: m.id,
      updatedAt: r.updatedAt,
      version: r.gen + 1,
      approved: r.approved ? { version: r.approved.version, images: r.approved.images.map((i) => imageWrite(i, link)) } : null,
    }));
  const outcome = await adapter.write(m.target, m.tenant, writes, m.columns);
  deps.metrics.sheetWrite(outcome.ok ? 'ok' : outcome.kind, writes.length);
  if (!outcome.ok) {
    deps.log.warn({ tenant: m.tenant, batchId: m.id, reason: outcome.reason, kind: outcome.kind }, 'sheet write failed');
    return outcome;
  }
  const missing = outcome.missingRowIds.length;
  return { ok: true, warning: missing === 0 ? null : `${missing} row(s) were not found in the sheet by Row ID (deleted?): ${outcome.missingRowIds.slice(0, 5).join(', ')}` };
}
