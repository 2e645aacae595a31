// Spend control. A paid row reserves its estimated cost before it calls a model and settles
// to the actual cost afterwards, against the batch's maxCostUsd and the tenant's daily budget.
//
// Reserving row by row on one shared record would make every worker compare-and-swap the same
// object (Cloud Storage takes about one update per second per object). Instead each process
// leases a block of the remaining budget in one CAS and spends rows from it in memory, handing
// back what it did not use when it renews the lease or goes idle. The invariant, kept by every
// CAS: spent + all leases ≤ limit. A lease whose holder crashed expires and is counted as spent,
// so a crash can make Rowshot under-spend a budget, never over-spend it.
import { fromMicros, toMicros } from '../../../shared/index';
import type { CoreDeps } from './deps';
import { randomId } from './ids';
import { getJson, updateJson } from './json-blobs';
import { layout } from './layout';

interface LedgerRecord {
  spentMicros: number;
  leases: Record<string, { micros: number; until: number }>;
}

interface Allowance {
  key: string;
  limit: number;
  leaseId: string;
  /** Reservations taken from this lease and not yet settled: the lease is not returned meanwhile. */
  inFlight: number;
  granted: number;
  remaining: number;
  until: number;
  lastUsed: number;
}

const LEASE_MS = 10 * 60_000;
const IDLE_RETURN_MS = 5_000;
/** A lease takes at most this share of a limit, so several processes can share a budget. */
const BLOCK_SHARE = 1 / 20;

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** This instance's leases, the per-key locks that serialise their renewal, and the idle-return timer. */
export interface LedgerState {
  allowances: Map<string, Allowance>;
  locks: Map<string, Promise<unknown>>;
  idleTimer: ReturnType<typeof setInterval> | null;
}

export function createLedgerState(): LedgerState {
  return { allowances: new Map(), locks: new Map(), idleTimer: null };
}

function withLock<T>(deps: CoreDeps, key: string, fn: () => Promise<T>): Promise<T> {
  const { locks } = deps.state.ledger;
  const prev = locks.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const settled = next.catch(() => undefined);
  locks.set(key, settled);
  // Forget the lock once nothing is queued behind it, so the map does not grow with every key.
  void settled.then(() => {
    if (locks.get(key) === settled) locks.delete(key);
  });
  return next;
}

/** Folds expired leases into spent; returns the record and how much of the limit is taken. */
function normalise(rec: LedgerRecord | null, now: number): { rec: LedgerRecord; used: number } {
  const r: LedgerRecord = { spentMicros: rec?.spentMicros ?? 0, leases: { ...(rec?.leases ?? {}) } };
  let used = r.spentMicros;
  for (const [id, l] of Object.entries(r.leases)) {
    if (l.until <= now) {
      r.spentMicros += l.micros;
      delete r.leases[id];
    }
    used += l.micros;
  }
  return { rec: r, used };
}

/** Every tenant has the server's daily budget (ROWSHOT_DAILY_BUDGET_USD), so no store read is needed. */
function dailyLimitMicros(deps: CoreDeps): number | null {
  const usd = deps.config.defaultDailyBudgetUsd;
  return usd === null ? null : toMicros(usd);
}

export async function remainingDailyBudget(deps: CoreDeps, tenant: string): Promise<{ remainingUsd: number } | null> {
  const limit = dailyLimitMicros(deps);
  if (limit === null) return null;
  const rec = await getJson<LedgerRecord>(deps.store, layout.dailyLedger(tenant, day(deps.clock.now())));
  const { used } = normalise(rec?.value ?? null, deps.clock.now());
  return { remainingUsd: fromMicros(Math.max(0, limit - used)) };
}

/** Takes `micros` from this process's lease on `key`, renewing the lease if needed. */
function take(deps: CoreDeps, key: string, limit: number, micros: number): Promise<Allowance | null> {
  const { allowances } = deps.state.ledger;
  return withLock(deps, key, async () => {
    const now = deps.clock.now();
    const mine = allowances.get(key);
    if (mine && mine.until - 60_000 > now && mine.remaining >= micros) {
      mine.remaining -= micros;
      mine.inFlight++;
      mine.lastUsed = now;
      return mine;
    }
    const leaseId = `${deps.config.instanceId}-${randomId(6)}`;
    let granted = 0;
    await updateJson<LedgerRecord>(deps.store, key, (cur) => {
      const { rec, used } = normalise(cur, now);
      let available = limit - used;
      if (mine && rec.leases[mine.leaseId]) {
        // Hand back the old lease in the same write: what was used (or is still in flight) is spent.
        rec.spentMicros += mine.granted - mine.remaining;
        available += mine.remaining;
        delete rec.leases[mine.leaseId];
      }
      granted = Math.min(available, Math.max(micros, Math.floor(limit * BLOCK_SHARE)));
      if (granted < micros) {
        granted = 0;
        return mine && cur?.leases[mine.leaseId] ? rec : undefined;
      }
      rec.leases[leaseId] = { micros: granted, until: now + LEASE_MS };
      return rec;
    });
    if (mine) mine.remaining = 0; // handed back: later refunds to it are dropped (counted as spent)
    allowances.delete(key);
    if (granted < micros) return null;
    const a: Allowance = { key, limit, leaseId, inFlight: 1, granted, remaining: granted - micros, until: now + LEASE_MS, lastUsed: now };
    allowances.set(key, a);
    scheduleIdleReturn(deps);
    return a;
  });
}

function release(deps: CoreDeps, a: Allowance, refundMicros: number): void {
  a.inFlight = Math.max(0, a.inFlight - 1);
  if (deps.state.ledger.allowances.get(a.key) === a && refundMicros > 0) a.remaining = Math.min(a.granted, a.remaining + refundMicros);
}

/** Returns leases not used for a while, so other processes (and the accept check) see the budget. */
function scheduleIdleReturn(deps: CoreDeps): void {
  const s = deps.state.ledger;
  if (s.idleTimer) return;
  s.idleTimer = setInterval(() => void returnIdleLeases(deps, IDLE_RETURN_MS), IDLE_RETURN_MS);
  s.idleTimer.unref();
}

export async function returnIdleLeases(deps: CoreDeps, idleMs = 0): Promise<void> {
  const s = deps.state.ledger;
  const { allowances } = s;
  const now = deps.clock.now();
  for (const [key, a] of [...allowances]) {
    if (now - a.lastUsed < idleMs || (idleMs > 0 && a.inFlight > 0)) continue;
    await withLock(deps, key, async () => {
      if (allowances.get(key) !== a) return;
      allowances.delete(key);
      await updateJson<LedgerRecord>(deps.store, key, (cur) => {
        if (!cur?.leases[a.leaseId]) return undefined;
        const rec: LedgerRecord = { spentMicros: cur.spentMicros + (a.granted - a.remaining), leases: { ...cur.leases } };
        delete rec.leases[a.leaseId];
        return rec;
      });
    });
  }
  if (allowances.size === 0 && s.idleTimer) {
    clearInterval(s.idleTimer);
    s.idleTimer = null;
  }
}

export type Reservation = { ok: true; micros: number; held: Allowance[] } | { ok: false; reason: string };

export async function reserve(deps: CoreDeps, tenant: string, batchId: string, maxCostUsd: number | null, micros: number): Promise<Reservation> {
  if (micros === 0) return { ok: true, micros, held: [] };
  const held: Allowance[] = [];
  const dailyLimit = dailyLimitMicros(deps);
  if (dailyLimit !== null) {
    const a = await take(deps, layout.dailyLedger(tenant, day(deps.clock.now())), dailyLimit, micros);
    if (!a) return { ok: false, reason: "budget (the tenant's daily budget is used up)" };
    held.push(a);
  }
  if (maxCostUsd !== null) {
    const a = await take(deps, layout.ledger(tenant, batchId), toMicros(maxCostUsd), micros);
    if (!a) {
      for (const h of held) release(deps, h, micros);
      return { ok: false, reason: "budget (the batch's maxCostUsd is reached)" };
    }
    held.push(a);
  }
  return { ok: true, micros, held };
}

/**
 * Settles a reservation to what was actually paid. Unused money goes back to the lease. A
 * provider that charged more than its listed price is recorded as spent at once, so the
 * following rows see it (the one row cannot be un-paid).
 */
export async function settle(deps: CoreDeps, r: { micros: number; held: Allowance[] }, actualMicros: number): Promise<void> {
  const overrun = Math.max(0, actualMicros - r.micros);
  for (const a of r.held) {
    release(deps, a, r.micros - Math.min(actualMicros, r.micros));
    if (overrun > 0) {
      await updateJson<LedgerRecord>(deps.store, a.key, (cur) => {
        const { rec } = normalise(cur, deps.clock.now());
        return { ...rec, spentMicros: rec.spentMicros + overrun };
      });
    }
  }
}
