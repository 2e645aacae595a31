// This document's runs, per sheet, in document properties: the last 20 of each sheet, newest
// first, kept under the 9 KB (of UTF-8) a property may hold. Each entry remembers the request
// that made it (so a repeated click finds its batch) and how far its results were synced into
// the sheet. When something must go, runs already final-and-synced go first, oldest first.
import type { BatchSummary } from '../rpc';
import type { PropertyStore, Services } from '../services/ports';
import { MAX_VALUE_BYTES, utf8Bytes } from '../services/property-limits';

export interface RunEntry {
  id: string;
  sheetId: number;
  /** The Run click's requestId (the Idempotency-Key), or null for a scheduled run. */
  requestId: string | null;
  /** The batch as last seen. */
  summary: BatchSummary;
  /** Final and every row written: nothing left to sync. */
  synced: boolean;
  /** `progressSignature` at the last sync, and when (ISO). */
  syncedSignature: string | null;
  lastSyncAt: string | null;
  /** `currentUserId` of whoever started it (absent in runs recorded before owners existed). */
  ownerId?: string;
  /**
   * A schedule's run (the hourly trigger's or Run now): once it is final and synced, its owner's
   * trigger decides on the e-mail (notify/finish-notices.ts) and sets `notified`.
   */
  schedule?: { id: string; notified: boolean };
}

export const MAX_RUNS_PER_SHEET = 20;

const key = (sheetId: number): string => `rowshot.runs.${sheetId}`;

export function loadRuns(props: PropertyStore, sheetId: number): RunEntry[] {
  const raw = props.get(key(sheetId));
  if (raw === null) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.filter(isEntry) : [];
  } catch {
    return [];
  }
}

/** `runs` newest first. Throws only when the store itself refuses (e.g. the document's quota). */
export function saveRuns(props: PropertyStore, sheetId: number, runs: readonly RunEntry[]): void {
  const kept = runs.map(compact);
  let json = JSON.stringify(kept);
  while ((kept.length > MAX_RUNS_PER_SHEET || utf8Bytes(json) > MAX_VALUE_BYTES) && kept.length > 1) {
    kept.splice(dropIndex(kept), 1);
    json = JSON.stringify(kept);
  }
  props.set(key(sheetId), json);
}

/** The oldest run with nothing left to sync, else the oldest run. */
function dropIndex(runs: readonly RunEntry[]): number {
  for (let i = runs.length - 1; i >= 0; i--) if (runs[i]?.synced) return i;
  return runs.length - 1;
}

/** Adds a run at the top of its sheet's history, or replaces the entry with the same id. */
export function recordRun(props: PropertyStore, entry: RunEntry): void {
  const runs = loadRuns(props, entry.sheetId).filter((r) => r.id !== entry.id);
  saveRuns(props, entry.sheetId, [entry, ...runs].sort(newestFirst));
}

/** Changes one entry in place; returns the updated entry, or null when it is not there. */
export function updateRun(props: PropertyStore, sheetId: number, id: string, change: (r: RunEntry) => RunEntry): RunEntry | null {
  const runs = loadRuns(props, sheetId);
  const i = runs.findIndex((r) => r.id === id);
  const found = runs[i];
  if (found === undefined) return null;
  const updated = change(found);
  runs[i] = updated;
  saveRuns(props, sheetId, runs);
  return updated;
}

/** A run of any sheet of this document. */
export function findRun(s: Pick<Services, 'spreadsheet' | 'documentProperties'>, batchId: string): RunEntry | null {
  for (const sheet of s.spreadsheet.sheets()) {
    const found = loadRuns(s.documentProperties, sheet.id).find((r) => r.id === batchId);
    if (found) return found;
  }
  return null;
}

/** Every run of this document not final-and-synced, oldest first (a re-run's results land last). */
export function pendingRuns(s: Services): RunEntry[] {
  return s.spreadsheet.sheets()
    .flatMap((sheet) => loadRuns(s.documentProperties, sheet.id))
    .filter((r) => !r.synced)
    .sort(newestFirst)
    .reverse();
}

/** A run this user started, or one recorded before runs had owners. */
export const isMine = (r: RunEntry, userId: string): boolean => r.ownerId === undefined || r.ownerId === userId;

export const newestFirst = (a: RunEntry, b: RunEntry): number => (a.summary.createdAt < b.summary.createdAt ? 1 : a.summary.createdAt > b.summary.createdAt ? -1 : 0);

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function compact(r: RunEntry): RunEntry {
  // A start's warning is for the one answer that carried it, not for the history.
  const { warning: _warning, ...s } = r.summary;
  return { ...r, summary: { ...s, name: clip(s.name, 100), lastWriteError: s.lastWriteError === null ? null : clip(s.lastWriteError, 300) } };
}

function isEntry(v: unknown): v is RunEntry {
  if (v === null || typeof v !== 'object') return false;
  const e = v as Partial<RunEntry>;
  return typeof e.id === 'string' && typeof e.sheetId === 'number' && e.summary !== null && typeof e.summary === 'object'
    && typeof e.summary.createdAt === 'string' && typeof e.synced === 'boolean' && (e.ownerId === undefined || typeof e.ownerId === 'string');
}
