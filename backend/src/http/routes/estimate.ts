import { Router } from 'express';
import { EstimateRequest } from '../../../../shared/index';
import type { CoreDeps } from '../../core/deps';
import { estimateBatch } from '../../core/batches/estimate-batch';
import { parseOr400 } from '../parse';

export function estimateRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.post('/v1/estimate', (req, res) => {
    res.json(estimateBatch(deps, parseOr400(EstimateRequest, req.body)));
  });
  return r;
}
