// POST /v1/preview: one row, synchronous, behind its own per-key rate limit.
import { Router, type RequestHandler } from 'express';
import { PreviewRequest } from '../../../../shared/index';
import type { CoreDeps } from '../../core/deps';
import { previewRow } from '../../core/preview/preview-row';
import { tenantOf } from '../auth';
import { parseOr400 } from '../parse';

export function previewRoutes(deps: CoreDeps, limit: RequestHandler): Router {
  const r = Router();
  r.post('/v1/preview', limit, async (req, res) => {
    res.json(await previewRow(deps, tenantOf(res), parseOr400(PreviewRequest, req.body)));
  });
  return r;
}
