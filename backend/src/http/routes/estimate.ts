import { Router } from 'express';
import { EstimateRequest } from '../../../../shared/index';
import type { CoreDeps } from '../../core/deps';
import { estimateBatch } from '../../core/batches/estimate-batch';
import { tenantOf } from '../auth';
import { parseOr400 } from '../parse';

export function estimateRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.post('/v1/estimate', async (req, res) => {
    res.json(await estimateBatch(deps, tenantOf(res), parseOr400(EstimateRequest, req.body)));
  });
  return r;
}
