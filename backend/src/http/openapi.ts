// /openapi.json, generated from the same zod contracts the routes parse with.
import type { $ZodType } from 'zod/v4/core';
import {
  ApproveRowsRequest, DownloadLink, DownloadLinkRequest, ReviseBatchRequest, RowVersions, BatchCheckResponse, BatchList, BatchStatus, CreateBatchRequest, CreateBatchResponse, CreatePackFromUploads, EstimateRequest, FONT_UPLOAD_TYPES, ListBatchesQuery,
  ListRowsQuery, MAX_UPLOAD_BYTES, ModelsResponse, PACK_FONT_PARTS, Pack, PackList, PatchPackRequest, Problem, RowsPage, Upload, z,
} from '../../../shared/index';

type Schema = $ZodType;
const json = (s: Schema): unknown => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};
const body = (s: Schema) => ({ required: true, content: { 'application/json': { schema: json(s) } } });
const ok = (s: Schema, status = '200') => ({ [status]: { description: 'OK', content: { 'application/json': { schema: json(s) } } } });
const problems = { default: { description: 'RFC 7807 problem', content: { 'application/problem+json': { schema: json(Problem) } } } };
const queryParams = (s: Schema) => {
  const js = json(s) as { properties?: Record<string, unknown> };
  return Object.entries(js.properties ?? {}).map(([name, schema]) => ({ name, in: 'query', required: false, schema }));
};
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }];
const fontParams = [...idParam, { name: 'part', in: 'path', required: true, schema: { type: 'string', enum: [...PACK_FONT_PARTS] } }];

export function buildOpenApi(serverUrl: string): object {
  return {
    openapi: '3.1.0',
    info: { title: 'Rowshot API', version: '1.0.0', description: 'Bulk image production from spreadsheet rows.' },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' } } },
    security: [{ bearer: [] }, { apiKey: [] }],
    paths: {
      '/v1/batches': {
        post: {
          summary: 'Start a batch (answers 202 at once; rows are queued behind the response)',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 } }],
          requestBody: body(CreateBatchRequest), responses: { ...ok(CreateBatchResponse, '202'), ...problems },
        },
        get: { summary: 'Batch history (newest first)', parameters: queryParams(ListBatchesQuery), responses: { ...ok(BatchList), ...problems } },
      },
      '/v1/batches/check': {
        post: {
          summary: 'Would this batch be accepted? Every refusal of POST /v1/batches (rows, names, target, budgets), creating nothing',
          requestBody: body(CreateBatchRequest), responses: { ...ok(BatchCheckResponse), ...problems },
        },
      },
      '/v1/batches/{id}': { get: { summary: 'Batch status: counts by state, cost, ETA', parameters: idParam, responses: { ...ok(BatchStatus), ...problems } } },
      '/v1/batches/{id}/rows': { get: { summary: 'Row results, paginated', parameters: [...idParam, ...queryParams(ListRowsQuery)], responses: { ...ok(RowsPage), ...problems } } },
      '/v1/batches/{id}/cancel': { post: { summary: 'Cancel rows not yet started', parameters: idParam, responses: { ...ok(BatchStatus), ...problems } } },
      '/v1/batches/{id}/retry': { post: { summary: 'Re-run FAILED rows', parameters: idParam, responses: { ...ok(BatchStatus, '202'), ...problems } } },
      '/v1/batches/{id}/revise': {
        post: { summary: 'Apply feedback: make DONE rows again as a new version (AI rows as an edit of their image)', parameters: idParam, requestBody: body(ReviseBatchRequest), responses: { ...ok(BatchStatus, '202'), ...problems } },
      },
      '/v1/batches/{id}/download-link': {
        post: { summary: "Download all: a capability link (/d/<token>) to the batch's zip, no login needed to open it", parameters: idParam, requestBody: body(DownloadLinkRequest), responses: { ...ok(DownloadLink), ...problems } },
      },
      '/v1/batches/{id}/approve': {
        post: { summary: "Approve rows (pins each row's current version) or withdraw approvals", parameters: idParam, requestBody: body(ApproveRowsRequest), responses: { 200: { description: 'The approved version of each row' }, ...problems } },
      },
      '/v1/batches/{id}/rows/{rowId}/versions': {
        get: {
          summary: "A row's versions, oldest first", responses: { ...ok(RowVersions), ...problems },
          parameters: [...idParam, { name: 'rowId', in: 'path', required: true, schema: { type: 'string' } }],
        },
      },
      '/v1/batches/{id}/export': {
        get: {
          summary: 'Export rows as CSV, JSON or a ZIP with the images',
          parameters: [
            ...idParam, { name: 'format', in: 'query', schema: { type: 'string', enum: ['csv', 'json', 'zip'] } },
            { name: 'approved', in: 'query', description: 'zip: only approved rows, at their approved version', schema: { type: 'string', enum: ['true', 'false'] } },
            { name: 'versions', in: 'query', description: 'zip: latest (default) or all versions', schema: { type: 'string', enum: ['latest', 'all'] } },
          ],
          responses: { 200: { description: 'The export' }, ...problems },
        },
      },
      '/v1/estimate': { post: { summary: 'Cost per row and in total, before running', requestBody: body(EstimateRequest), responses: { 200: { description: 'Estimate' }, ...problems } } },
      '/v1/models': { get: { summary: 'The image models this server can run, and its default chain', responses: { ...ok(ModelsResponse), ...problems } } },
      '/v1/packs': {
        post: {
          summary: 'Create a reference pack (multipart: name, images[≤6], modes, logo; or JSON naming earlier uploads)',
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: json(CreatePackFromUploads) },
              'multipart/form-data': {
                schema: {
                  type: 'object', required: ['name', 'images'],
                  properties: {
                    name: { type: 'string' }, modes: { type: 'string', description: 'style_only | style_and_composition per image, comma-separated' },
                    images: { type: 'array', items: { type: 'string', format: 'binary' }, maxItems: 6 }, logo: { type: 'string', format: 'binary' },
                  },
                },
              },
            },
          },
          responses: { ...ok(Pack, '201'), ...problems },
        },
        get: { summary: 'List packs', responses: { ...ok(PackList), ...problems } },
      },
      '/v1/uploads': {
        post: {
          summary: 'Upload one image (the raw bytes as the body) for a later JSON POST /v1/packs',
          requestBody: {
            required: true,
            content: Object.fromEntries(['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream']
              .map((type) => [type, { schema: { type: 'string', format: 'binary', maxLength: MAX_UPLOAD_BYTES } }])),
          },
          responses: { ...ok(Upload, '201'), ...problems },
        },
      },
      '/v1/packs/{id}': {
        get: { summary: 'A pack', parameters: idParam, responses: { ...ok(Pack), ...problems } },
        patch: { summary: 'Rename, reorder, change modes', parameters: idParam, requestBody: body(PatchPackRequest), responses: { ...ok(Pack), ...problems } },
        delete: { summary: 'Delete a pack', parameters: idParam, responses: { 204: { description: 'Deleted' }, ...problems } },
      },
      '/v1/packs/{id}/fonts/{part}': {
        put: {
          summary: 'Set a brand font (the TTF, OTF, WOFF or WOFF2 bytes as the body) for the headline, the subline or both; a new kit version',
          parameters: fontParams,
          requestBody: { required: true, content: Object.fromEntries(FONT_UPLOAD_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary', maxLength: MAX_UPLOAD_BYTES } }])) },
          responses: { ...ok(Pack), ...problems },
        },
        delete: { summary: "Remove a brand font (that part uses Rowshot's fonts again); a new kit version", parameters: fontParams, responses: { ...ok(Pack), ...problems } },
      },
      '/a/{token}': { get: { summary: 'An image by capability link (no login)', security: [], parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }], responses: { 200: { description: 'The image' }, 404: { description: 'Unknown or revoked link' } } } },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'alive' } } } },
      '/readyz': { get: { summary: 'Readiness (storage reachable)', security: [], responses: { 200: { description: 'ready' }, 503: { description: 'not ready' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { 200: { description: 'metrics' } } } },
    },
  };
}
