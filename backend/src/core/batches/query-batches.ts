// Reading batches: one status (two small reads, whatever the batch size), the history, and
// rows page by page (a page reads its own rows, never the whole batch).
import type { BatchStatus, RowResult, RowsPage, RowState } from '../../../../shared/index';
import { notFound } from '../app-error';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { getJson } from '../json-blobs';
import { BATCH_ID_PATTERN, layout } from '../layout';
import { linkerFor, queuedRow, toBatchStatus, toRowResult, type LinkFor } from './batch-view';
import { inputRows } from './input-rows';
import { CODE_STATES, type Manifest, type RowRecord, type RowStates, type StatusRecord } from './records';

export async function loadBatch(deps: CoreDeps, tenant: string, batchId: string): Promise<{ m: Manifest; s: StatusRecord }> {
  if (!BATCH_ID_PATTERN.test(batchId)) throw notFound(`Batch ${batchId}`);
  const [m, s] = await Promise.all([
    getJson<Manifest>(deps.store, layout.manifest(tenant, batchId)),
    getJson<StatusRecord>(deps.store, layout.status(tenant, batchId)),
  ]);
  if (!m || !s) throw notFound(`Batch ${batchId}`);
  return { m: m.value, s: s.value };
}

export async function getBatch(deps: CoreDeps, tenant: string, batchId: string): Promise<BatchStatus> {
  const { m, s } = await loadBatch(deps, tenant, batchId);
  return toBatchStatus(deps, m, s);
}

export interface ListBatchesFilter {
  state?: BatchStatus['state'];
  since?: string;
  until?: string;
  q?: string;
  pageSize?: number;
  pageToken?: string;
}

export async function listBatches(deps: CoreDeps, tenant: string, f: ListBatchesFilter): Promise<{ batches: BatchStatus[]; nextPageToken: string | null }> {
  const pageSize = f.pageSize ?? 20;
  const q = f.q?.toLowerCase();
  const out: BatchStatus[] = [];
  let startAfter = f.pageToken ? Buffer.from(f.pageToken, 'base64url').toString('utf8') : undefined;
  // Index keys sort newest first; filtered pages read ahead until the page is full.
  for (let scanned = 0; out.length < pageSize && scanned < 2000; ) {
    const page = await deps.store.list(layout.batchIndexPrefix(tenant), { maxResults: 100, ...(startAfter ? { startAfter } : {}) });
    if (page.keys.length === 0) return { batches: out, nextPageToken: null };
    for (const key of page.keys) {
      scanned++;
      startAfter = key;
      const entry = await getJson<{ id: string; name: string; createdAt: string }>(deps.store, key);
      if (!entry) continue;
      const e = entry.value;
      if (f.since && e.createdAt < f.since) return { batches: out, nextPageToken: null };
      if (f.until && e.createdAt > f.until) continue;
      if (q && !e.name.toLowerCase().includes(q) && !e.id.includes(q)) continue;
      let status: BatchStatus;
      try {
        status = await getBatch(deps, tenant, e.id);
      } catch {
        continue; // an index entry whose batch never finished being created
      }
      if (f.state && status.state !== f.state) continue;
      out.push(status);
      if (out.length >= pageSize) break;
    }
    if (page.nextPageToken === null && out.length < pageSize) return { batches: out, nextPageToken: null };
  }
  return { batches: out, nextPageToken: startAfter ? Buffer.from(startAfter).toString('base64url') : null };
}

export async function listRows(
  deps: CoreDeps, tenant: string, batchId: string, opts: { pageSize?: number; pageToken?: string; state?: RowState },
): Promise<RowsPage> {
  const { m } = await loadBatch(deps, tenant, batchId);
  const pageSize = opts.pageSize ?? 100;
  let start = opts.pageToken ? Number.parseInt(opts.pageToken, 10) : 0;
  if (!Number.isInteger(start) || start < 0) start = 0;
  let indices: number[];
  if (opts.state) {
    const rs = (await getJson<RowStates>(deps.store, layout.rowStates(tenant, batchId)))?.value;
    indices = [];
    for (let i = start; i < m.rowCount && indices.length < pageSize; i++) if (rs && CODE_STATES[rs.states[i] ?? 'Q'] === opts.state) indices.push(i);
  } else {
    indices = Array.from({ length: Math.max(0, Math.min(pageSize, m.rowCount - start)) }, (_, k) => start + k);
  }
  const rows = await readRows(deps, m, indices);
  const last = indices[indices.length - 1];
  const next = last !== undefined && last + 1 < m.rowCount && indices.length === pageSize ? String(last + 1) : null;
  return { rows, nextPageToken: next };
}

export interface StoredRow {
  index: number;
  rowId: string;
  /** Null while the row has not started. */
  rec: RowRecord | null;
}

/** The stored state of the given rows, in order. */
export async function readRowRecords(deps: CoreDeps, m: Manifest, indices: number[]): Promise<StoredRow[]> {
  const inputs = await inputRows(deps, m, indices);
  return mapLimit(indices, 16, async (index) => ({
    index,
    rowId: inputs.get(index)?.rowId ?? `row-${index + 1}`,
    rec: (await getJson<RowRecord>(deps.store, layout.row(m.tenant, m.id, index)))?.value ?? null,
  }));
}

/** What the API shows of a stored row: its record once started, else QUEUED. */
export const rowResultOf = (r: StoredRow, link: LinkFor): RowResult => (r.rec ? toRowResult(r.rec, link) : queuedRow(r.rowId, r.index));

/** Row results for the given indices, in order. */
export async function readRows(deps: CoreDeps, m: Manifest, indices: number[]): Promise<RowResult[]> {
  const link = await linkerFor(deps, m.tenant);
  return (await readRowRecords(deps, m, indices)).map((r) => rowResultOf(r, link));
}
