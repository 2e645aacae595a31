// The row task. Under at-least-once delivery a row is generated and charged once: it is
// claimed with a conditional write before any provider call; a second delivery finds the
// claim and backs off; a crashed worker's claim expires and is taken over; images already
// stored by an earlier attempt are reused, not regenerated.
import { FINAL_ROW_STATES, fromMicros, readRow, toMicros, type RowSpec } from '../../../../shared/index';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { randomId } from '../ids';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { reserve, settle } from '../ledger';
import { loadPackForRow } from '../packs/pack-for-row';
import { generateImages, type GenerateResult } from './generate-images';
import type { RowTaskBody } from './fan-out';
import { chooseProvider } from './provider-choice';
import type { InputRow, Manifest, RowRecord } from './records';
import { cachedManifest } from './manifest-cache';
import { publishRow } from './row-events';
import { done, retryLater, type TaskContext, type TaskOutcome } from './task-outcome';

/** Rows still generating after this long show RUNNING in the sheet. */
const RUNNING_AFTER_MS = 1000;

export async function processRow(deps: CoreDeps, body: RowTaskBody, ctx: TaskContext): Promise<TaskOutcome> {
  const { store, clock, config } = deps;
  const { tenant, batchId, index, gen } = body;
  const log = deps.log.child({ tenant, batchId, rowId: body.rowId, task: ctx.taskName });
  const lastAttempt = ctx.retryCount + 1 >= config.rowMaxAttempts;
  const found = await cachedManifest(deps, tenant, batchId);
  if (!found) return done('batch no longer exists');
  const m: Manifest = found;

  // 1. Claim the row.
  const key = layout.row(tenant, batchId, index);
  const cur = await getJson<RowRecord>(store, key);
  const now = clock.now();
  if (cur) {
    const r = cur.value;
    if (r.gen > gen) return done('superseded by a retry');
    if (r.gen === gen && FINAL_ROW_STATES.includes(r.state)) {
      // A crash can fall between writing the final record and publishing it; publishing again
      // is harmless (the flush applies each revision once), and without it the row would never
      // be counted or written to the sheet.
      await publishRow(deps, m, r);
      return done(`already ${r.state}`);
    }
    if (r.gen < gen && r.state !== 'FAILED') return done('only FAILED rows are retried');
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
  let rec: RowRecord = {
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
  };
  const claimGeneration = await putJson(store, key, rec, cur ? cur.generation : 0);
  if (claimGeneration === null) return retryLater(409, 'row was claimed by another delivery');
  let generation: string = claimGeneration;
  // RUNNING reaches the sheet only for rows that take a while; fast rows go straight to their
  // final state, which saves an outbox write per row. A late RUNNING entry is harmless: the
  // flush never lets a lower revision overwrite a newer one.
  const claimed = rec;
  const showRunning = setTimeout(() => {
    publishRow(deps, m, claimed).catch((err: unknown) => log.warn({ err: String(err) }, 'could not publish RUNNING'));
  }, RUNNING_AFTER_MS);
  try {
    return await work();
  } finally {
    clearTimeout(showRunning);
  }

  async function work(): Promise<TaskOutcome> {

  // 2. Everything below ends in a final state (or a transient retry) written with our claim.
  const finish = async (patch: Partial<RowRecord>): Promise<TaskOutcome> => {
    const next: RowRecord = { ...rec, ...patch, claim: null, updatedAt: iso(clock.now()), rev: rec.rev + 1 };
    const g = await putJson(store, key, next, generation);
    if (g === null) return done('claim was taken over; the other delivery finishes the row');
    rec = next;
    generation = g;
    await publishRow(deps, m, next);
    if (FINAL_ROW_STATES.includes(next.state)) deps.metrics.rowFinished(next.state, next.provider);
    return done(next.state);
  };

  if (m.cancelled) return finish({ state: 'CANCELLED' });

  const cells = body.cells ?? (await readCellsFromChunk(deps, m, index));
  if (!cells) return finish({ state: 'FAILED', reason: 'the row input could not be read' });
  const read = readRow(cells, m.columns);
  if (!read.ok) return finish({ state: 'FAILED', reason: read.reasons.join('; ') });
  const spec: RowSpec = read.spec;

  const pack = spec.referencePack === null ? null : await loadPackForRow(deps, tenant, spec.referencePack);
  if (spec.referencePack !== null && pack === null) {
    return finish({ state: 'FAILED', reason: `Reference pack "${spec.referencePack}" was not found` });
  }

  const choice = chooseProvider(deps, spec.model, m);
  if (!choice.ok && choice.busy) {
    if (lastAttempt) return finish({ state: 'FAILED', reason: `${choice.reason} (gave up after ${rec.attempts} attempts)` });
    await putJson(store, key, { ...rec, claim: null, updatedAt: iso(clock.now()) }, generation);
    return retryLater(503, choice.reason, Math.ceil(choice.retryAfterMs / 1000));
  }
  if (!choice.ok) return finish({ state: 'FAILED', reason: choice.reason });

  // 3. Reserve the cost, generate, settle.
  const images = spec.aspectRatios.length * spec.variants;
  const reservation = await reserve(deps, tenant, batchId, m.maxCostUsd, toMicros(choice.pricePerImageUsd) * images);
  if (!reservation.ok) return finish({ state: 'SKIPPED', reason: reservation.reason });

  const signal = AbortSignal.timeout(Math.max(1000, Math.floor(config.claimTtlMs * 0.8)));
  let result: GenerateResult;
  const paid = { micros: 0 };
  try {
    result = await generateImages(deps, { m, rec, spec, pack, choice, signal, log, paid });
  } catch (err) {
    // A store or image-processing failure ends the attempt like a transient provider failure
    // (FAILED on the last one); what was already paid is still settled below.
    log.error({ err: (err as Error).message }, 'row attempt failed unexpectedly');
    result = { kind: 'transient', reason: `internal error: ${(err as Error).message}`, newCostMicros: paid.micros, notes: [] };
  } finally {
    await settle(deps, reservation, paid.micros);
  }
  if (result.newCostMicros > 0) deps.metrics.costAdded(fromMicros(result.newCostMicros));
  const costMicros = rec.costMicros + result.newCostMicros;
  const notes = [...choice.notes, ...result.notes];

  if (result.kind === 'done') {
    return finish({ state: 'DONE', images: result.images, provider: choice.provider.name, costMicros, notes });
  }
  if (result.kind === 'permanent') {
    return finish({ state: 'FAILED', reason: result.reason, provider: choice.provider.name, costMicros, notes });
  }
  if (lastAttempt) {
    return finish({ state: 'FAILED', reason: `${result.reason} (gave up after ${rec.attempts} attempts)`, provider: choice.provider.name, costMicros, notes });
  }
  // Transient: release the claim so the queue's retry can take the row at once.
  const released: RowRecord = { ...rec, costMicros, claim: null, notes, updatedAt: iso(clock.now()) };
  await putJson(store, key, released, generation);
  log.warn({ reason: result.reason, attempt: rec.attempts }, 'row will be retried');
  return retryLater(503, result.reason, result.retryAfterSeconds);
  }
}

/**
 * Locally one process owns the data folder (the local queue allows no other), so a claim made
 * by any other instance belongs to a process that has died: it can be taken over at once
 * instead of after the claim TTL. In the cloud, instances run side by side and claims expire.
 */
function claimantIsDead(deps: CoreDeps, owner: string): boolean {
  return deps.config.exclusiveDataDir && !owner.startsWith(`${deps.config.instanceId}:`);
}

async function readCellsFromChunk(deps: CoreDeps, m: Manifest, index: number): Promise<InputRow['cells'] | null> {
  const chunk = await getJson<InputRow[]>(deps.store, layout.inputChunk(m.tenant, m.id, Math.floor(index / m.chunkSize)));
  return chunk?.value[index % m.chunkSize]?.cells ?? null;
}
