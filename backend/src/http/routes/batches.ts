// /v1/batches: each route parses with the shared schema, calls one use case, maps the result.
import { Router } from 'express';
import { ApproveRowsRequest, CreateBatchRequest, DownloadLinkRequest, ExportQuery, RetryBatchRequest, ListBatchesQuery, ListRowsQuery, ReviseBatchRequest } from '../../../../shared/index';
import { AppError } from '../../core/app-error';
import { cancelBatch, retryBatch } from '../../core/batches/control-batch';
import { checkBatch } from '../../core/batches/check-batch';
import { approveRows } from '../../core/batches/approve-rows';
import { downloadLink } from '../../core/batches/download-links';
import { listRowVersions, reviseBatch } from '../../core/batches/revise-batch';
import { createBatch } from '../../core/batches/create-batch';
import { exportBatch } from '../../core/batches/export-batch';
import { getBatch, listBatches, listRows } from '../../core/batches/query-batches';
import type { CoreDeps } from '../../core/deps';
import { actorOf, tenantOf } from '../auth';
import { parseOr400 } from '../parse';

export function batchRoutes(deps: CoreDeps): Router {
  const r = Router();

  r.post('/v1/batches', async (req, res) => {
    const body = parseOr400(CreateBatchRequest, req.body);
    const idem = req.get('idempotency-key') ?? null;
    if (idem !== null && (idem.length === 0 || idem.length > 255)) {
      throw new AppError('invalid_request', 'Idempotency-Key must be 1 to 255 characters', { invalidFields: [{ field: 'Idempotency-Key', message: 'must be 1 to 255 characters' }] });
    }
    const { response, replayed } = await createBatch(deps, tenantOf(res), body, idem, actorOf(res));
    if (replayed) res.setHeader('Idempotent-Replayed', 'true');
    res.status(202).location(response.statusUrl).json(response);
  });

  r.post('/v1/batches/check', async (req, res) => {
    res.json(await checkBatch(deps, tenantOf(res), parseOr400(CreateBatchRequest, req.body)));
  });

  r.get('/v1/batches', async (req, res) => {
    const q = parseOr400(ListBatchesQuery, req.query, 'query');
    res.json(await listBatches(deps, tenantOf(res), q));
  });

  r.get('/v1/batches/:id', async (req, res) => {
    res.json(await getBatch(deps, tenantOf(res), req.params.id));
  });

  r.get('/v1/batches/:id/rows', async (req, res) => {
    const q = parseOr400(ListRowsQuery, req.query, 'query');
    res.json(await listRows(deps, tenantOf(res), req.params.id, q));
  });

  r.post('/v1/batches/:id/cancel', async (req, res) => {
    res.json(await cancelBatch(deps, tenantOf(res), req.params.id));
  });

  r.post('/v1/batches/:id/retry', async (req, res) => {
    // A body is optional: without one, the FAILED rows run again with their stored cells.
    const body = parseOr400(RetryBatchRequest, req.body ?? {});
    res.status(202).json(await retryBatch(deps, tenantOf(res), req.params.id, body.rows ?? []));
  });

  r.post('/v1/batches/:id/revise', async (req, res) => {
    const body = parseOr400(ReviseBatchRequest, req.body);
    res.status(202).json(await reviseBatch(deps, tenantOf(res), req.params.id, body));
  });

  r.post('/v1/batches/:id/approve', async (req, res) => {
    res.json(await approveRows(deps, tenantOf(res), req.params.id, parseOr400(ApproveRowsRequest, req.body)));
  });

  r.get('/v1/batches/:id/rows/:rowId/versions', async (req, res) => {
    res.json(await listRowVersions(deps, tenantOf(res), req.params.id, req.params.rowId));
  });

  r.post('/v1/batches/:id/download-link', async (req, res) => {
    res.json(await downloadLink(deps, tenantOf(res), req.params.id, parseOr400(DownloadLinkRequest, req.body ?? {})));
  });

  r.get('/v1/batches/:id/export', async (req, res) => {
    const q = parseOr400(ExportQuery, req.query, 'query');
    const out = await exportBatch(deps, tenantOf(res), req.params.id, q.format, { approvedOnly: q.approved === 'true', allVersions: q.versions === 'all' });
    res.status(200).type(out.contentType).attachment(out.filename);
    for await (const chunk of out.chunks) {
      if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  return r;
}
