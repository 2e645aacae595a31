// The backend endpoints the add-on calls, each with its response checked by the shared schema.
import {
  BatchStatus, CreateBatchResponse, DownloadLink, ModelsResponse, Pack, PackList, PreviewResponse, RowsPage, Upload, z,
  type ApproveRowsRequest, type CreateBatchRequest, type DownloadLinkRequest, type ReviseBatchRequest, type PackFontPart, type CreatePackFromUploads, type PatchPackRequest, type PreviewRequest, type RetryBatchRequest, type RowResult, type RowState,
} from '../../../shared/index';
import type { BackendClient } from './backend-client';

const EstimateResponse = z.object({
  totalUsd: z.number(),
  images: z.number(),
  invalidRows: z.number(),
  flaggedRows: z.optional(z.number()),
  rows: z.array(z.object({ rowId: z.string(), images: z.number(), costUsd: z.number(), invalid: z.optional(z.string()), flag: z.optional(z.string()) })),
  /** Models that shut down within 30 days (older backends send none). */
  warnings: z.optional(z.array(z.string())),
});
export type EstimateResponse = z.infer<typeof EstimateResponse>;
export type EstimateRequest = Pick<CreateBatchRequest, 'rows' | 'columns'>;

const RetryResponse = z.extend(BatchStatus, { retriedRows: z.optional(z.number()), freshRows: z.optional(z.number()) });
export type RetryResponse = z.infer<typeof RetryResponse>;

const ReviseResponse = z.extend(BatchStatus, { revisedRows: z.number(), alreadyApplied: z.array(z.string()), estimate: z.object({ totalUsd: z.number(), images: z.number() }) });
export type ReviseResponse = z.infer<typeof ReviseResponse>;
const ApproveResponse = z.object({ rows: z.array(z.object({ rowId: z.string(), approvedVersion: z.nullable(z.number()) })) });

const id = (value: string): string => encodeURIComponent(value);

export const api = {
  estimate: (c: BackendClient, body: EstimateRequest): EstimateResponse => c.call('post', '/v1/estimate', EstimateResponse, { json: body }),

  preview: (c: BackendClient, body: PreviewRequest): PreviewResponse => c.call('post', '/v1/preview', PreviewResponse, { json: body }),

  createBatch: (c: BackendClient, body: CreateBatchRequest, idempotencyKey: string): CreateBatchResponse =>
    c.call('post', '/v1/batches', CreateBatchResponse, { json: body, headers: { 'Idempotency-Key': idempotencyKey } }),

  getBatch: (c: BackendClient, batchId: string): BatchStatus => c.call('get', `/v1/batches/${id(batchId)}`, BatchStatus),

  cancelBatch: (c: BackendClient, batchId: string): BatchStatus => c.call('post', `/v1/batches/${id(batchId)}/cancel`, BatchStatus),

  retryBatch: (c: BackendClient, batchId: string, body: RetryBatchRequest): RetryResponse =>
    c.call('post', `/v1/batches/${id(batchId)}/retry`, RetryResponse, { json: body }),

  reviseBatch: (c: BackendClient, batchId: string, body: ReviseBatchRequest): ReviseResponse =>
    c.call('post', `/v1/batches/${id(batchId)}/revise`, ReviseResponse, { json: body }),

  approveRows: (c: BackendClient, batchId: string, body: ApproveRowsRequest) =>
    c.call('post', `/v1/batches/${id(batchId)}/approve`, ApproveResponse, { json: body }),

  downloadLink: (c: BackendClient, batchId: string, body: DownloadLinkRequest): DownloadLink =>
    c.call('post', `/v1/batches/${id(batchId)}/download-link`, DownloadLink, { json: body }),

  /** Every row of a batch, 500 per request (the backend's largest page). */
  allRows(c: BackendClient, batchId: string, state?: RowState): RowResult[] {
    const rows: RowResult[] = [];
    let token: string | null = null;
    do {
      const query: string = (state === undefined ? '' : `&state=${state}`) + (token === null ? '' : `&pageToken=${encodeURIComponent(token)}`);
      const page: RowsPage = c.call('get', `/v1/batches/${id(batchId)}/rows?pageSize=500${query}`, RowsPage);
      rows.push(...page.rows);
      token = page.nextPageToken;
    } while (token !== null);
    return rows;
  },

  listModels: (c: BackendClient): ModelsResponse => c.call('get', '/v1/models', ModelsResponse),

  listPacks: (c: BackendClient): Pack[] => c.call('get', '/v1/packs', PackList).packs,

  upload: (c: BackendClient, base64: string, contentType: string): Upload =>
    c.call('post', '/v1/uploads', Upload, { bytes: { base64, contentType } }),

  createPack: (c: BackendClient, body: CreatePackFromUploads): Pack => c.call('post', '/v1/packs', Pack, { json: body }),

  patchPack: (c: BackendClient, packId: string, body: PatchPackRequest): Pack => c.call('patch', `/v1/packs/${id(packId)}`, Pack, { json: body }),

  putPackFont: (c: BackendClient, packId: string, part: PackFontPart, base64: string): Pack =>
    c.call('put', `/v1/packs/${id(packId)}/fonts/${part}`, Pack, { bytes: { base64, contentType: 'application/octet-stream' } }),

  removePackFont: (c: BackendClient, packId: string, part: PackFontPart): Pack => c.call('delete', `/v1/packs/${id(packId)}/fonts/${part}`, Pack),

  deletePack: (c: BackendClient, packId: string): void => c.call('delete', `/v1/packs/${id(packId)}`, null),
};
