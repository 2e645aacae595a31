// A canned Rowshot backend for the bundle tests, answering UrlFetchApp synchronously: estimate,
// create (idempotent by key), status and paged rows of batches whose rows are all DONE at once.
// Requests are checked against the shared contracts, and answers are parsed with them before
// they go out, so the add-on is tested against what the real backend accepts and returns.
import {
  BatchStatus, CreateBatchRequest, CreateBatchResponse, EstimateRequest, PackList, RowsPage, estimateRows,
  type RowResult,
} from '../../../shared/index';
import type { FetchHandler, FetchRequest, FetchResponse } from '../../../addon/dev/fake-apps-script/index';

export const BACKEND_URL = 'https://backend.rowshot.test';
export const API_KEY = 'rs_test_0123456789';

interface FakeBatch {
  id: string;
  name: string;
  rowIds: string[];
  createdAt: string;
}

export interface FakeBackend {
  handler: FetchHandler;
  batches: FakeBatch[];
  /** Every request, as `METHOD /path?query`. */
  log: string[];
  /** Runs before each answer, e.g. to re-enter the bundle while a request is in flight. */
  onRequest: ((req: FetchRequest, path: string) => void) | null;
}

const PRICE = 0.039;

export function createFakeBackend(now: () => number): FakeBackend {
  const batches: FakeBatch[] = [];
  const byKey = new Map<string, FakeBatch>();
  const backend: FakeBackend = { handler, batches, log: [], onRequest: null };

  function handler(req: FetchRequest): FetchResponse {
    const url = new URL(req.url);
    const route = `${req.method.toUpperCase()} ${url.pathname}`;
    backend.log.push(`${req.method.toUpperCase()} ${url.pathname}${url.search}`);
    backend.onRequest?.(req, url.pathname);
    if (!url.href.startsWith(`${BACKEND_URL}/`)) return problem(404, 'not_found', `No such host: ${url.host}`);
    if (req.headers.authorization !== `Bearer ${API_KEY}`) return problem(401, 'unauthenticated', 'Bad API key');

    if (route === 'POST /v1/estimate') {
      const body = EstimateRequest.parse(JSON.parse(String(req.payload)));
      const estimate = estimateRows(body.rows, ['gemini-2.5-flash-image'], body.columns ?? {});
      return json(200, { totalUsd: estimate.totalUsd, images: estimate.images, invalidRows: estimate.invalidRows, rows: estimate.rows });
    }
    if (route === 'POST /v1/batches') {
      const body = CreateBatchRequest.parse(JSON.parse(String(req.payload)));
      const key = req.headers['Idempotency-Key'] ?? req.headers['idempotency-key'] ?? '';
      let batch = byKey.get(key);
      if (!batch) {
        batch = { id: `b_${batches.length + 1}`, name: body.name ?? 'Batch', rowIds: body.rows.map((r) => r.rowId), createdAt: iso(now()) };
        batches.push(batch);
        if (key !== '') byKey.set(key, batch);
      }
      return json(201, CreateBatchResponse.parse({ id: batch.id, statusUrl: `${BACKEND_URL}/v1/batches/${batch.id}`, state: 'DONE', rowCount: batch.rowIds.length }));
    }
    const rowsMatch = /^GET \/v1\/batches\/([^/]+)\/rows$/.exec(route);
    if (rowsMatch) {
      const batch = batches.find((b) => b.id === decodeURIComponent(rowsMatch[1] ?? ''));
      if (!batch) return problem(404, 'not_found', 'No such batch');
      const pageSize = Math.min(500, Number(url.searchParams.get('pageSize') ?? '100'));
      const start = Number(url.searchParams.get('pageToken') ?? '0');
      const rows = batch.rowIds.slice(start, start + pageSize).map((rowId, i) => rowResult(batch, rowId, start + i));
      const next = start + pageSize < batch.rowIds.length ? String(start + pageSize) : null;
      return json(200, RowsPage.parse({ rows, nextPageToken: next }));
    }
    const statusMatch = /^GET \/v1\/batches\/([^/]+)$/.exec(route);
    if (statusMatch) {
      const batch = batches.find((b) => b.id === decodeURIComponent(statusMatch[1] ?? ''));
      return batch ? json(200, status(batch)) : problem(404, 'not_found', 'No such batch');
    }
    if (route === 'GET /v1/packs') return json(200, PackList.parse({ packs: [] }));
    return problem(404, 'not_found', `No route ${route}`);
  }

  function status(batch: FakeBatch): BatchStatus {
    const n = batch.rowIds.length;
    const cost = Math.round(n * PRICE * 1e6) / 1e6;
    return BatchStatus.parse({
      id: batch.id, name: batch.name, state: 'DONE', createdAt: batch.createdAt, updatedAt: batch.createdAt, finishedAt: batch.createdAt,
      rowCount: n, counts: { QUEUED: 0, RUNNING: 0, DONE: n, FAILED: 0, SKIPPED: 0, CANCELLED: 0 },
      cost: { estimatedUsd: cost, actualUsd: cost, maxUsd: null }, etaSeconds: null, progress: 1,
      statusUrl: `${BACKEND_URL}/v1/batches/${batch.id}`, target: { kind: 'none' }, lastWriteError: null,
    });
  }

  function rowResult(batch: FakeBatch, rowId: string, index: number): RowResult {
    const url = `${BACKEND_URL}/files/${batch.id}/${encodeURIComponent(rowId)}.png`;
    return {
      rowId, index, state: 'DONE', reason: null, provider: 'gemini-2.5-flash-image', costUsd: PRICE,
      images: [{ size: '1080x1080', aspectRatio: '1:1', variant: 1, url, thumbnailUrl: `${url}?thumb=1` }], notes: [], attempts: 1, updatedAt: batch.createdAt,
    };
  }

  return backend;
}

function json(status: number, body: unknown): FetchResponse {
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) };
}

function problem(status: number, code: string, detail: string): FetchResponse {
  return {
    status,
    headers: { 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({ type: `https://rowshot.dev/problems/${code}`, title: detail, status, detail, code }),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
