// A stand-in for the Rowshot backend behind the HttpPort, for unit tests that need many
// canned answers (call counting, write planning). Prices come from the shared estimate, errors
// are RFC 7807 problems. The real backend is exercised in run-against-backend.test.ts.
import {
  estimateRows, MODELS, pricePerImage, type BatchStatus, type CreateBatchRequest, type Pack, type RowResult, type RowState,
} from '../../../../shared/index';
import type { HttpPort, HttpRequest, HttpResponse } from '../../../../addon/server/services/ports';

interface FakeBatch {
  status: BatchStatus;
  rows: RowResult[];
  request: CreateBatchRequest;
}

const json = (status: number, body: unknown): HttpResponse => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
export const problem = (status: number, code: string, detail: string, invalidFields?: { field: string; message: string }[]): HttpResponse => ({
  status, headers: { 'content-type': 'application/problem+json' },
  body: JSON.stringify({ type: `https://rowshot.dev/problems/${code}`, title: code, status, detail, code, ...(invalidFields ? { invalidFields } : {}) }),
});

export class FakeBackend implements HttpPort {
  readonly requests: HttpRequest[] = [];
  readonly batches = new Map<string, FakeBatch>();
  readonly packs: Pack[] = [];
  private readonly idem = new Map<string, string>();
  private n = 0;
  /** Set to make every call fail as a network error (UrlFetchApp throws). */
  down = false;
  /** API keys accepted besides `key` (other editors of a document). */
  readonly otherKeys: string[] = [];
  /**
   * Runs before each answer: may answer instead (a 500), throw (a network failure), or re-enter
   * the add-on while this request is in flight (an overlapping execution).
   */
  onRequest: ((req: HttpRequest, path: string) => HttpResponse | undefined) | null = null;

  constructor(readonly base = 'https://rowshot.test', readonly key = 'rs_test_key_1234', readonly chain = ['gemini-2.5-flash-image']) {}

  fetch(req: HttpRequest): HttpResponse {
    this.requests.push(req);
    if (this.down || !req.url.startsWith(this.base)) throw new Error(`Address unavailable: ${req.url}`);
    const instead = this.onRequest?.(req, req.url.slice(this.base.length).split('?')[0] ?? '');
    if (instead) return instead;
    const keys = [this.key, ...this.otherKeys].map((k) => `Bearer ${k}`);
    if (!keys.includes(req.headers?.authorization ?? '')) return problem(401, 'unauthenticated', 'The API key is not valid');
    const url = req.url.slice(this.base.length);
    const [path = '', query = ''] = url.split('?');
    const params = new URLSearchParams(query);
    const body = typeof req.payload === 'string' ? (JSON.parse(req.payload) as unknown) : undefined;
    const m = /^\/v1\/batches\/([^/]+)(\/rows|\/cancel|\/retry)?$/.exec(path);
    if (req.method === 'post' && path === '/v1/estimate') {
      const b = body as CreateBatchRequest;
      return json(200, { currency: 'USD', providerChain: this.chain, ...estimateRows(b.rows, this.chain, b.columns ?? {}) });
    }
    if (req.method === 'post' && path === '/v1/batches') return this.create(body as CreateBatchRequest, req.headers?.['Idempotency-Key'] ?? null);
    if (req.method === 'get' && path === '/v1/packs') return json(200, { packs: this.packs });
    if (req.method === 'get' && path === '/v1/models') {
      // As the backend answers: the chain's models and the template renderer every server has.
      const served = MODELS.filter((m) => m.id === 'template' || this.chain.includes(m.id));
      return json(200, { models: served.map((m) => ({ id: m.id, label: m.label, priceUsd: pricePerImage(m.id) ?? 0 })), defaultProviderChain: this.chain });
    }
    if (m) {
      const batch = this.batches.get(decodeURIComponent(m[1]!));
      if (!batch) return problem(404, 'not_found', `Batch ${m[1]} was not found`);
      if (req.method === 'get' && m[2] === undefined) return json(200, batch.status);
      if (req.method === 'get' && m[2] === '/rows') {
        const size = Number(params.get('pageSize') ?? 100);
        const start = Number(params.get('pageToken') ?? 0);
        const rows = batch.rows.slice(start, start + size);
        return json(200, { rows, nextPageToken: start + size < batch.rows.length ? String(start + size) : null });
      }
      if (req.method === 'post' && m[2] === '/retry') {
        const failed = batch.rows.filter((r) => r.state === 'FAILED');
        if (failed.length === 0) return problem(409, 'conflict', `Batch ${batch.status.id} has no FAILED rows to retry`);
        for (const r of failed) Object.assign(r, { state: 'QUEUED', reason: null });
        batch.status.state = 'RUNNING';
        batch.status.counts = { ...batch.status.counts, FAILED: 0, QUEUED: batch.status.counts.QUEUED + failed.length };
        const fresh = (body as { rows?: unknown[] } | undefined)?.rows?.length ?? 0;
        return json(202, { ...batch.status, retriedRows: failed.length, freshRows: fresh });
      }
      if (req.method === 'post' && m[2] === '/cancel') {
        batch.status.state = 'CANCELLED';
        return json(200, batch.status);
      }
    }
    return problem(404, 'not_found', `No route for ${req.method.toUpperCase()} ${path}`);
  }

  private create(body: CreateBatchRequest, key: string | null): HttpResponse {
    const hash = JSON.stringify(body);
    if (key !== null && this.idem.has(key)) {
      const existing = this.batches.get(this.idem.get(key)!)!;
      if (JSON.stringify(existing.request) !== hash) return problem(409, 'conflict', 'This Idempotency-Key was already used for a different request');
      return json(202, { id: existing.status.id, statusUrl: existing.status.statusUrl, state: existing.status.state, rowCount: existing.status.rowCount });
    }
    const estimate = estimateRows(body.rows, this.chain, body.columns ?? {});
    if (body.maxCostUsd !== undefined && estimate.totalUsd > body.maxCostUsd) {
      return problem(422, 'over_budget', `The estimate of $${estimate.totalUsd.toFixed(2)} is over this batch's maxCostUsd of $${body.maxCostUsd.toFixed(2)}`);
    }
    const id = `b_fake${String(++this.n).padStart(8, '0')}`;
    const now = new Date(Date.UTC(2026, 2, 1, 10, 0, this.n)).toISOString();
    const n = body.rows.length;
    const status: BatchStatus = {
      id, name: body.name ?? `Batch of ${n} rows`, state: 'ACCEPTED', createdAt: now, updatedAt: now, finishedAt: null, rowCount: n,
      counts: { QUEUED: n, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 },
      cost: { estimatedUsd: estimate.totalUsd, actualUsd: 0, maxUsd: body.maxCostUsd ?? null }, etaSeconds: null, progress: 0,
      statusUrl: `${this.base}/v1/batches/${id}`, target: body.target ?? { kind: 'none' }, lastWriteError: null,
    };
    const rows: RowResult[] = body.rows.map((r, index) => ({
      rowId: r.rowId, index, state: 'QUEUED', reason: null, provider: null, costUsd: 0, images: [], notes: [], attempts: 0, updatedAt: null,
    }));
    this.batches.set(id, { status, rows, request: body });
    if (key !== null) this.idem.set(key, id);
    return json(202, { id, statusUrl: status.statusUrl, state: 'ACCEPTED', rowCount: n });
  }

  /** Finishes a batch: each row DONE with one image (or what `outcome` says). */
  finish(batchId: string, outcome: (row: RowResult) => { state: RowState; reason?: string | null } = () => ({ state: 'DONE' })): void {
    const batch = this.batches.get(batchId);
    if (!batch) throw new Error(`no batch ${batchId}`);
    const counts = { QUEUED: 0, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 };
    let micros = 0;
    for (const row of batch.rows) {
      const o = outcome(row);
      row.state = o.state;
      row.reason = o.reason ?? null;
      row.updatedAt = '2026-03-01T10:05:00.000Z';
      if (o.state === 'DONE') {
        row.provider = 'gemini-2.5-flash-image';
        row.costUsd = 0.039;
        micros += 39_000;
        row.images = [{ size: '1080x1080', aspectRatio: '1:1', variant: 1, url: `https://cdn.test/${row.rowId}.png`, thumbnailUrl: `https://cdn.test/${row.rowId}_t.png` }];
      }
      counts[o.state]++;
    }
    Object.assign(batch.status, { state: 'DONE', counts, progress: 1, etaSeconds: 0, cost: { ...batch.status.cost, actualUsd: micros / 1e6 } });
  }

  /** Marks rows RUNNING (a batch in progress). */
  start(batchId: string, running: number): void {
    const batch = this.batches.get(batchId)!;
    batch.rows.slice(0, running).forEach((r) => (r.state = 'RUNNING'));
    batch.status.state = 'RUNNING';
    batch.status.counts = { ...batch.status.counts, QUEUED: batch.rows.length - running, RUNNING: running };
  }

  /** The only batch created so far. */
  onlyBatch(): FakeBatch {
    if (this.batches.size !== 1) throw new Error(`expected one batch, there are ${this.batches.size}`);
    return [...this.batches.values()][0]!;
  }
}

/** An HttpPort answering every request with `respond` (for the client's error mapping). */
export function stubHttp(respond: (req: HttpRequest) => HttpResponse): HttpPort & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  return {
    requests,
    fetch(req) {
      requests.push(req);
      return respond(req);
    },
  };
}
