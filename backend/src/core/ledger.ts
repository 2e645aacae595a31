// Spend control. Before a paid row calls a provider it reserves its estimated cost against
// the batch's maxCostUsd and the tenant's daily budget (compare-and-swap, so concurrent
// workers cannot both take the last dollar); afterwards the reservation is settled to the
// actual cost. Spend therefore never passes a budget. Amounts are integer micro-dollars.
import { fromMicros, toMicros } from '../../../shared/index';
import type { CoreDeps } from './deps';
import { getJson, updateJson } from './json-blobs';
import { layout } from './layout';
import { getTenant } from './tenants/tenants';

interface LedgerRecord {
  reservedMicros: number;
  spentMicros: number;
}

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

async function dailyLimitMicros(deps: CoreDeps, tenant: string): Promise<number | null> {
  const t = await getTenant(deps.store, tenant);
  const usd = t?.dailyBudgetUsd ?? deps.config.defaultDailyBudgetUsd;
  return usd === null ? null : toMicros(usd);
}

export async function remainingDailyBudget(deps: CoreDeps, tenant: string): Promise<{ remainingUsd: number } | null> {
  const limit = await dailyLimitMicros(deps, tenant);
  if (limit === null) return null;
  const rec = await getJson<LedgerRecord>(deps.store, layout.dailyLedger(tenant, day(deps.clock.now())));
  const used = rec ? rec.value.reservedMicros + rec.value.spentMicros : 0;
  return { remainingUsd: fromMicros(Math.max(0, limit - used)) };
}

export type Reservation = { ok: true; micros: number; day: string } | { ok: false; reason: string };

export async function reserve(deps: CoreDeps, tenant: string, batchId: string, maxCostUsd: number | null, micros: number): Promise<Reservation> {
  const today = day(deps.clock.now());
  if (micros === 0) return { ok: true, micros, day: today };
  const limit = await dailyLimitMicros(deps, tenant);
  let dailyOk = true;
  await updateJson<LedgerRecord>(deps.store, layout.dailyLedger(tenant, today), (cur) => {
    const rec = cur ?? { reservedMicros: 0, spentMicros: 0 };
    dailyOk = limit === null || rec.reservedMicros + rec.spentMicros + micros <= limit;
    return dailyOk ? { ...rec, reservedMicros: rec.reservedMicros + micros } : undefined;
  });
  if (!dailyOk) return { ok: false, reason: "budget: the tenant's daily budget is used up" };

  let batchOk = true;
  const cap = maxCostUsd === null ? null : toMicros(maxCostUsd);
  await updateJson<LedgerRecord>(deps.store, layout.ledger(tenant, batchId), (cur) => {
    const rec = cur ?? { reservedMicros: 0, spentMicros: 0 };
    batchOk = cap === null || rec.reservedMicros + rec.spentMicros + micros <= cap;
    return batchOk ? { ...rec, reservedMicros: rec.reservedMicros + micros } : undefined;
  });
  if (!batchOk) {
    await settleOne(deps, layout.dailyLedger(tenant, today), micros, 0);
    return { ok: false, reason: "budget: the batch's maxCostUsd is reached" };
  }
  return { ok: true, micros, day: today };
}

/** Turns a reservation into actual spend (actual ≤ reserved; the rest is released). */
export async function settle(deps: CoreDeps, tenant: string, batchId: string, r: { micros: number; day: string }, actualMicros: number): Promise<void> {
  if (r.micros === 0 && actualMicros === 0) return;
  await settleOne(deps, layout.dailyLedger(tenant, r.day), r.micros, actualMicros);
  await settleOne(deps, layout.ledger(tenant, batchId), r.micros, actualMicros);
}

async function settleOne(deps: CoreDeps, key: string, reserved: number, actual: number): Promise<void> {
  await updateJson<LedgerRecord>(deps.store, key, (cur) => {
    const rec = cur ?? { reservedMicros: 0, spentMicros: 0 };
    return { reservedMicros: Math.max(0, rec.reservedMicros - reserved), spentMicros: rec.spentMicros + actual };
  });
}
