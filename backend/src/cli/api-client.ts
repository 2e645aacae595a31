// A small client for the v1 API, used by the CLI (against the in-process server or --server).
import type { VerifyReport } from '../core/provenance/verify';
import type { ReviseResult } from '../core/batches/revise-batch';
import type { ApproveResult } from '../core/batches/approve-rows';
import type { ApproveRowsRequest, BatchCheckResponse, BatchStatus, CreateBatchRequest, CreateBatchResponse, Estimate, Pack, PatchPackRequest, PreviewRequest, PreviewResponse, Problem, ReviseBatchRequest, RowsPage, RowState } from '../../../shared/index';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: Partial<Problem>) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }
  /** One readable line, with the invalid fields if any. */
  describe(): string {
    const fields = (this.problem.invalidFields ?? []).slice(0, 5).map((f) => `${f.field}: ${f.message}`);
    return [this.message, ...fields].join('\n  ');
  }
}

export class ApiClient {
  constructor(private readonly baseUrl: string, private readonly apiKey: string) {}

  private async call<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.apiKey}`,
          ...(body !== undefined && !(body instanceof FormData) && !(body instanceof Uint8Array) ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body === undefined ? {} : { body: body instanceof FormData ? body : body instanceof Uint8Array ? new Uint8Array(body) : JSON.stringify(body) }),
      });
    } catch (err) {
      throw new ApiError(0, { detail: `cannot reach the Rowshot server at ${this.baseUrl} (${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message})` });
    }
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, (parsed ?? {}) as Partial<Problem>);
    return parsed as T;
  }

  createBatch(req: CreateBatchRequest, idempotencyKey: string): Promise<CreateBatchResponse> {
    return this.call('POST', '/v1/batches', req, { 'idempotency-key': idempotencyKey });
  }
  preview(req: PreviewRequest): Promise<PreviewResponse> {
    return this.call('POST', '/v1/preview', req);
  }
  /** Every refusal createBatch would give, creating nothing (the file is prepared only after this). */
  checkBatch(req: CreateBatchRequest): Promise<BatchCheckResponse> {
    return this.call('POST', '/v1/batches/check', req);
  }
  estimate(req: Pick<CreateBatchRequest, 'rows' | 'columns'>): Promise<Estimate> {
    return this.call('POST', '/v1/estimate', req);
  }
  revise(id: string, req: ReviseBatchRequest): Promise<ReviseResult> {
    return this.call('POST', `/v1/batches/${encodeURIComponent(id)}/revise`, req);
  }

  approve(id: string, req: ApproveRowsRequest): Promise<ApproveResult> {
    return this.call('POST', `/v1/batches/${encodeURIComponent(id)}/approve`, req);
  }

  getBatch(id: string): Promise<BatchStatus> {
    return this.call('GET', `/v1/batches/${encodeURIComponent(id)}`);
  }
  listRows(id: string, opts: { state?: RowState; pageToken?: string; pageSize?: number } = {}): Promise<RowsPage> {
    const q = new URLSearchParams();
    if (opts.state) q.set('state', opts.state);
    if (opts.pageToken) q.set('pageToken', opts.pageToken);
    q.set('pageSize', String(opts.pageSize ?? 500));
    return this.call('GET', `/v1/batches/${encodeURIComponent(id)}/rows?${q}`);
  }
  listPacks(): Promise<{ packs: Pack[] }> {
    return this.call('GET', '/v1/packs');
  }
  createPack(form: FormData): Promise<Pack> {
    return this.call('POST', '/v1/packs', form);
  }
  verify(image: Uint8Array): Promise<VerifyReport> {
    return this.call('POST', '/v1/verify', image, { 'content-type': 'application/octet-stream' });
  }
  patchPack(id: string, patch: PatchPackRequest): Promise<Pack> {
    return this.call('PATCH', `/v1/packs/${encodeURIComponent(id)}`, patch);
  }
  renamePack(id: string, name: string): Promise<Pack> {
    return this.call('PATCH', `/v1/packs/${encodeURIComponent(id)}`, { name });
  }
  deletePack(id: string): Promise<void> {
    return this.call('DELETE', `/v1/packs/${encodeURIComponent(id)}`);
  }
}
