// This document's runs, per sheet, in document properties: the last 20 of each sheet, newest
// first, kept under the 9 KB a property may hold. Each entry remembers the request that made it
// (so a repeated click finds its batch) and how far its results were synced into the sheet.
import type { BatchSummary } from '../rpc';
import type { PropertyStore, Services } from '../services/ports';

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
}

export const MAX_RUNS_PER_SHEET = 20;
/** A property value holds 9 KB; stay clear of it. */
const MAX_JSON_CHARS = 8_000;

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

export function saveRuns(props: PropertyStore, sheetId: number, runs: readonly RunEntry[]): void {
  let kept = runs.slice(0, MAX_RUNS_PER_SHEET).map(compact);
  let json = JSON.stringify(kept);
  while (json.length > MAX_JSON_CHARS && kept.length > 1) {
    kept = kept.slice(0, -1);
    json = JSON.stringify(kept);
  }
  props.set(key(sheetId), json);
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
export function findRun(s: Services, batchId: string): RunEntry | null {
  for (const sheet of s.spreadsheet.sheets()) {
    const found = loadRuns(s.documentProperties, sheet.id).find((r) => r.id === batchId);
    if (found) return found;
  }
  return null;
}

export const newestFirst = (a: RunEntry, b: RunEntry): number => (a.summary.createdAt < b.summary.createdAt ? 1 : a.summary.createdAt > b.summary.createdAt ? -1 : 0);

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function compact(r: RunEntry): RunEntry {
  const s = r.summary;
  return { ...r, summary: { ...s, name: clip(s.name, 100), lastWriteError: s.lastWriteError === null ? null : clip(s.lastWriteError, 300) } };
}

function isEntry(v: unknown): v is RunEntry {
  if (v === null || typeof v !== 'object') return false;
  const e = v as Partial<RunEntry>;
  return typeof e.id === 'string' && typeof e.sheetId === 'number' && e.summary !== null && typeof e.summary === 'object'
    && typeof e.summary.createdAt === 'string' && typeof e.synced === 'boolean';
}
