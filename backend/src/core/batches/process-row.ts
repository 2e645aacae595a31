// The row task. Under at-least-once delivery a row is generated and charged once: it is
// claimed with a conditional write before any provider call; a second delivery finds the
// claim and backs off; a crashed worker's claim expires and is taken over; images already
// stored by an earlier attempt are reused, not regenerated.
import { FINAL_ROW_STATES, fromMicros, generationsPerRow, imagesPerRow, toMicros, type RowSpec } from '../../../../shared/index';
import { iso } from '../clock';
import type { CoreDeps, Logger } from '../deps';
import { randomId } from '../ids';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { reserve, settle } from '../ledger';
import { loadPackForRow } from '../packs/pack-for-row';
import { generateImages, type GenerateResult } from './generate-images';
import { loadRowReferences } from './row-references';
import { setHeadlineFor } from './text-sets';
import { readBatchRow } from './row-text';
import type { RowTaskBody } from './fan-out';
import { chooseProvider } from './provider-choice';
import { inputRows } from './input-rows';
import type { Manifest, RevisionRecord, RowRecord } from './records';
import { cachedManifest, forgetManifest } from './manifest-cache';
import { publishRow } from './row-events';
import { done, retryLater, type TaskContext, type TaskOutcome } from './task-outcome';

/** Rows still generating after this long show RUNNING in the sheet. */
const RUNNING_AFTER_MS = 1000;

export async function processRow(deps: CoreDeps, body: RowTaskBody, ctx: TaskContext): Promise<TaskOutcome> {
  const { store, clock, config } = deps;
  const { tenant, batchId, index, gen } = body;
  const log = deps.log.child({ tenant, batchId, rowId: body.rowId, task: ctx.taskName });
  const lastAttempt = ctx.retryCount + 1 >= config.rowMaxAttempts;
  let found = await cachedManifest(deps, tenant, batchId);
  // A retry started in another process since the cache was filled: read the manifest afresh.
  if (found && gen > found.retryGen) {
    forgetManifest(deps, tenant, batchId);
    found = await cachedManifest(deps, tenant, batchId);
  }
  if (!found) return done('batch no longer exists');
  const m: Manifest = found;
  // A stale or malformed task must not create a record: a row outside the batch, or a
  // generation no retry has started, is dropped.
  if (index >= m.rowCount || gen > m.retryGen) return done('stale task: no such row or generation in this batch');

  // 1. Claim the row.
  const key = layout.row(tenant, batchId, index);
  const cur = await getJson<RowRecord>(store, key);
  const now = clock.now();
  let revision: RevisionRecord | null = null;
  if (cur) {
    const r = cur.value;
    if (r.rowId !== body.rowId) return done('stale task: the row has another Row ID');
    if (r.gen > gen) return done('superseded by a retry');
    if (r.gen === gen && FINAL_ROW_STATES.includes(r.state)) {
      // A crash can fall between writing the final record and publishing it; publishing again
      // is harmless (the flush applies each revision once), and without it the row would never
      // be counted or written to the sheet.
      await publishRow(deps, m, r);
      return done(`already ${r.state}`);
    }
    // A later generation runs a FAILED row again (retry) or a DONE one with feedback (revise).
    if (r.gen < gen && r.state === 'DONE') revision = (await getJson<RevisionRecord>(store, layout.revision(tenant, batchId, index, gen)))?.value ?? null;
    if (r.gen < gen && r.state !== 'FAILED' && revision === null) return done('only FAILED rows are retried, and DONE rows revised');
    if (r.claim && r.claim.until > now && !claimantIsDead(deps, r.claim.owner)) {
      const wait = r.claim.until - now + 25;
      if (!lastAttempt || ctx.waitedForClaim || wait > config.claimTtlMs / 2) {
        return retryLater(409, 'row is being processed by another delivery', Math.ceil((r.claim.until - now) / 1000));
      }
      // On its last attempt a task must not give up on a row whose claimant may have died:
      // wait for a short remaining claim to expire, then finish the row (or find it finished).
      // Longer waits are left to the batch watchdog.
      await new Promise((resolve) => setTimeout(resolve, wait));
      return processRow(deps, body, { ...ctx, waitedForClaim: true });
    }
  }
  const sameGen = cur?.value.gen === gen;
  // Revised rows run their revision on every attempt of the generation.
  if (sameGen && cur?.value.feedback !== undefined) revision = (await getJson<RevisionRecord>(store, layout.revision(tenant, batchId, index, gen)))?.value ?? null;
  const prev = cur?.value;
  const rec: RowRecord = {
    rowId: body.rowId,
    index,
    gen,
    state: 'RUNNING',
    reason: null,
    provider: null,
    // Money already spent on this row, by an earlier attempt or a failed generation, stays on it.
    costMicros: cur?.value.costMicros ?? 0,
    images: [],
    notes: [],
    attempts: (sameGen ? (cur?.value.attempts ?? 0) : 0) + 1,
    claim: { owner: `${config.instanceId}:${randomId(8)}`, until: now + config.claimTtlMs },
    updatedAt: iso(now),
    rev: (cur?.value.rev ?? 0) + 1,
    // A new generation of a row with images keeps them as its earlier version.
    ...versionsOf(prev, gen),
    ...(revision ? { feedback: revision.feedback } : {}),
    // An approval stays pinned to its version while a later one is made.
    ...(prev?.approved ? { approved: prev.approved } : {}),
    costAtStartMicros: sameGen ? (prev?.costAtStartMicros ?? 0) : (prev?.costMicros ?? 0),
  };
  const claimGeneration = await putJson(store, key, rec, cur ? cur.generation : 0);
  if (claimGeneration === null) return retryLater(409, 'row was claimed by another delivery');
  // RUNNING reaches the sheet only for rows that take a while; fast rows go straight to their
  // final state, which saves an outbox write per row. A late RUNNING entry is harmless: the
  // flush never lets a lower revision overwrite a newer one.
  const showRunning = setTimeout(() => {
    publishRow(deps, m, rec).catch((err: unknown) => log.warn({ err: String(err) }, 'could not publish RUNNING'));
  }, RUNNING_AFTER_MS);
  try {
    return await runClaimed(deps, { m, body, key, rec, generation: claimGeneration, lastAttempt, log, revision });
  } finally {
    clearTimeout(showRunning);
  }
}

interface Claimed {
  m: Manifest;
  body: RowTaskBody;
  key: string;
  rec: RowRecord;
  /** Generation of our claim on the row record: every write below is conditional on it. */
  generation: string;
  lastAttempt: boolean;
  log: Logger;
  /** Set when this generation applies a reviewer's feedback to the row's images. */
  revision: RevisionRecord | null;
}

/** The row's versions once a new generation starts: the one before is kept if it made images. */
function versionsOf(prev: RowRecord | undefined, gen: number): Pick<RowRecord, 'versions'> {
  if (!prev) return {};
  const kept = prev.versions ?? [];
  if (prev.gen === gen || prev.images.length === 0) return kept.length > 0 ? { versions: kept } : {};
  return {
    versions: [...kept, {
      version: prev.gen + 1, gen: prev.gen, state: prev.state, images: prev.images, feedback: prev.feedback ?? null,
      costMicros: prev.costMicros - (prev.costAtStartMicros ?? 0), finishedAt: prev.updatedAt,
    }],
  };
}

/** Everything after the claim ends in a final state, or releases the claim for a retry. */
async function runClaimed(deps: CoreDeps, c: Claimed): Promise<TaskOutcome> {
  const { store, clock } = deps;
  const { m, key, rec, lastAttempt, log } = c;
  const finish = async (patch: Partial<RowRecord>): Promise<TaskOutcome> => {
    const next: RowRecord = { ...rec, ...patch, claim: null, updatedAt: iso(clock.now()), rev: rec.rev + 1 };
    if ((await putJson(store, key, next, c.generation)) === null) return done('claim was taken over; the other delivery finishes the row');
    await publishRow(deps, m, next);
    if (FINAL_ROW_STATES.includes(next.state)) deps.metrics.rowFinished(next.state, next.provider);
    return done(next.state);
  };
  /** A passing failure: release the claim so the queue's retry can take the row at once. */
  const retry = async (reason: string, retryAfterSeconds: number | undefined, patch: Partial<RowRecord> = {}): Promise<TaskOutcome> => {
    if (lastAttempt) return finish({ ...patch, state: 'FAILED', reason: `${reason} (gave up after ${rec.attempts} attempts)` });
    await putJson(store, key, { ...rec, ...patch, claim: null, updatedAt: iso(clock.now()) }, c.generation);
    log.warn({ reason, attempt: rec.attempts }, 'row will be retried');
    return retryLater(503, reason, retryAfterSeconds);
  };

  if (m.cancelled) return finish({ state: 'CANCELLED' });

  const cells = c.body.cells ?? (await inputRows(deps, m, [rec.index])).get(rec.index)?.cells;
  if (!cells) return finish({ state: 'FAILED', reason: 'the row input could not be read' });
  const read = readBatchRow(m, cells);
  if (!read.ok) return finish({ state: 'FAILED', reason: read.reasons.join('; ') });
  const spec: RowSpec = read.spec;

  const pack = spec.referencePack === null ? null : await loadPackForRow(deps, m.tenant, spec.referencePack);
  if (spec.referencePack !== null && pack === null) {
    return finish({ state: 'FAILED', reason: `Reference pack "${spec.referencePack}" was not found` });
  }

  const choice = chooseProvider(deps, spec.model, m);
  if (!choice.ok && choice.busy) return retry(choice.reason, Math.ceil(choice.retryAfterMs / 1000));
  if (!choice.ok) return finish({ state: 'FAILED', reason: choice.reason });

  // The row's own images, before anything is reserved: a link that cannot be had fails (or, if
  // it may pass, retries) this row only.
  const own = await loadRowReferences(deps, m.tenant, spec.referenceImages, AbortSignal.timeout(60_000));
  if (!own.ok && own.kind === 'permanent') return finish({ state: 'FAILED', reason: own.reason });
  if (!own.ok) return retry(own.reason, undefined);

  // Reserve the cost, generate, settle to what was actually paid.
  // A revision edits every image (one call each); otherwise Resize `crop` makes one per variant.
  const calls = c.revision ? imagesPerRow(spec) : generationsPerRow(spec);
  const reservation = await reserve(deps, m.tenant, m.id, m.maxCostUsd, toMicros(choice.pricePerImageUsd) * calls);
  if (!reservation.ok) return finish({ state: 'SKIPPED', reason: reservation.reason });

  const signal = AbortSignal.timeout(Math.max(1000, Math.floor(deps.config.claimTtlMs * 0.8)));
  const paid = { micros: 0 };
  let result: GenerateResult;
  try {
    const setHeadline = spec.headline === '' ? undefined : await setHeadlineFor(deps, m, pack);
    result = await generateImages(deps, { m, rec, spec, pack, choice, signal, log, paid, rowReferences: own.images, ...(c.revision ? { revision: c.revision } : {}), ...(setHeadline === undefined ? {} : { setHeadline }) });
  } catch (err) {
    // A store or image-processing failure ends the attempt like a transient provider failure.
    log.error({ err: (err as Error).message }, 'row attempt failed unexpectedly');
    result = { kind: 'transient', reason: `internal error: ${(err as Error).message}`, notes: [] };
  } finally {
    await settle(deps, reservation, paid.micros);
  }
  if (paid.micros > 0) deps.metrics.costAdded(fromMicros(paid.micros));
  const provider = result.kind === 'done' && result.overlaid ? `${choice.provider.name} + overlay` : choice.provider.name;
  const outcome = { provider, costMicros: rec.costMicros + paid.micros, notes: [...choice.notes, ...result.notes] };

  if (result.kind === 'done') return finish({ ...outcome, state: 'DONE', images: result.images });
  if (result.kind === 'permanent') return finish({ ...outcome, state: 'FAILED', reason: result.reason });
  return retry(result.reason, result.retryAfterSeconds, outcome);
}

/**
 * Locally one process owns the data folder (the local queue allows no other), so a claim made
 * by any other instance belongs to a process that has died: it can be taken over at once
 * instead of after the claim TTL. In the cloud, instances run side by side and claims expire.
 */
function claimantIsDead(deps: CoreDeps, owner: string): boolean {
  return deps.config.exclusiveDataDir && !owner.startsWith(`${deps.config.instanceId}:`);
}
