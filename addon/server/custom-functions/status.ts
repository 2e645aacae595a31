// =ROWSHOT_STATUS(batch_id): one line about a batch from the backend, e.g.
// "RUNNING 12/20 done, 1 failed, $0.47, ETA 1 min", cached 30 s in CacheService so a sheet
// full of them does not call the backend on every recalculation. The cache is the document's,
// shared by its editors: the key holds a hash of the backend URL and API key (never the key),
// so an editor with another key never sees a line fetched with someone else's.
import { api } from '../api/endpoints';
import { BackendClient } from '../api/backend-client';
import { isFinalBatch, type BatchStatus } from '../../../shared/index';
import { AddonError, messageOf } from '../result';
import type { Services } from '../services/ports';
import { missingSettings, readSettings } from '../settings/settings-store';
import { argText, cellsOf } from './args';

export const STATUS_CACHE_SECONDS = 30;

export function rowshotStatus(s: Services, batchId: unknown): string {
  const id = argText(cellsOf(batchId)[0] ?? '', () => s.spreadsheet.timeZone()).trim();
  if (id === '') return 'ROWSHOT_STATUS: give a batch id, e.g. =ROWSHOT_STATUS("b_…")';
  try {
    const settings = readSettings(s.userProperties);
    const missing = missingSettings(settings);
    if (missing !== null) return `ROWSHOT_STATUS: ${missing}`;
    const key = `rowshot.status.${fnv1a(`${settings.backendUrl}\n${settings.apiKey}`)}.${id}`.slice(0, 250);
    const cached = s.cache.get(key);
    if (cached !== null) return cached;
    const line = statusLine(api.getBatch(new BackendClient(s.http, settings), id));
    s.cache.put(key, line, STATUS_CACHE_SECONDS);
    return line;
  } catch (e) {
    if (e instanceof AddonError && e.code === 'not_found') return `ROWSHOT_STATUS: no batch '${id}' for this API key`;
    return `ROWSHOT_STATUS: ${e instanceof AddonError ? e.message : messageOf(e)}`;
  }
}

export function statusLine(b: BatchStatus): string {
  const parts = [`${b.state} ${b.counts.DONE}/${b.rowCount} done`, `${b.counts.FAILED} failed`];
  if (b.counts.SKIPPED > 0) parts.push(`${b.counts.SKIPPED} skipped`);
  if (b.counts.CANCELLED > 0) parts.push(`${b.counts.CANCELLED} cancelled`);
  parts.push(`$${b.cost.actualUsd.toFixed(2)}`);
  if (!isFinalBatch(b.state) && b.etaSeconds !== null) parts.push(`ETA ${eta(b.etaSeconds)}`);
  return parts.join(', ');
}

function eta(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes < 90 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`;
}

/** 32-bit FNV-1a of the UTF-16 code units, as 8 hex digits: a cache partition, not a secret. */
export function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
