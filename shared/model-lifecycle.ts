// Models that retire: past its shutdown day a model is never called; `auto` chains replace it by
// its successor; a row naming it runs on the successor only when the batch allows substitution.
// Dates are compared in UTC against the caller's clock (the backend's injected one).
import { findModel } from './models';

const DAY_MS = 86_400_000;
/** A batch using a model that shuts down within this many days is warned. */
export const RETIREMENT_WARNING_DAYS = 30;

function shutdownMs(id: string): number | undefined {
  const day = findModel(id)?.shutdownDate;
  return day === undefined ? undefined : Date.parse(`${day}T00:00:00Z`);
}

export function isRetired(id: string, nowMs: number): boolean {
  const at = shutdownMs(id);
  return at !== undefined && nowMs >= at;
}

/** The first live model down the successor line, or undefined when there is none. */
export function liveSuccessor(id: string, nowMs: number): string | undefined {
  let next = findModel(id)?.successor;
  for (let hops = 0; next !== undefined && hops < 5; hops++) {
    if (!isRetired(next, nowMs)) return next;
    next = findModel(next)?.successor;
  }
  return undefined;
}

/** A chain with each retired model replaced by its live successor (or dropped), without repeats. */
export function liveChain(chain: readonly string[], nowMs: number): string[] {
  const out: string[] = [];
  for (const id of chain) {
    const live = isRetired(id, nowMs) ? liveSuccessor(id, nowMs) : id;
    if (live !== undefined && !out.includes(live)) out.push(live);
  }
  return out;
}

/** Why a row naming a retired model cannot run, naming what to use instead. */
export function retiredReason(id: string, nowMs: number): string {
  const successor = liveSuccessor(id, nowMs);
  return `Model "${id}" was shut down on ${findModel(id)?.shutdownDate ?? 'an earlier date'}${successor ? `; use ${successor} instead (or allow model substitution for the batch)` : ''}`;
}

/** The note on a row that ran on the successor of the model it names. */
export function substitutedNote(id: string, successor: string): string {
  return `${id} was shut down on ${findModel(id)?.shutdownDate ?? 'an earlier date'}; made with its successor ${successor}`;
}

/** One warning per model of `ids` that shuts down within RETIREMENT_WARNING_DAYS of now. */
export function retirementWarnings(ids: Iterable<string>, nowMs: number): string[] {
  const out: string[] = [];
  for (const id of new Set(ids)) {
    const at = shutdownMs(id);
    if (at === undefined || nowMs >= at || at - nowMs > RETIREMENT_WARNING_DAYS * DAY_MS) continue;
    const days = Math.ceil((at - nowMs) / DAY_MS);
    const successor = findModel(id)?.successor;
    out.push(`${id} shuts down on ${findModel(id)?.shutdownDate} (in ${days} day${days === 1 ? '' : 's'})${successor ? `; switch to ${successor}` : ''}`);
  }
  return out;
}
