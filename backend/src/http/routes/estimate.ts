import { Router } from 'express';
import { EstimateRequest, estimateRows } from '../../../../shared/index';
import type { CoreDeps } from '../../core/deps';
import { parseOr400 } from '../parse';

export function estimateRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.post('/v1/estimate', (req, res) => {
    const body = parseOr400(EstimateRequest, req.body);
    const chain = body.providerChain ?? deps.config.defaultProviderChain;
    res.json({ currency: 'USD', providerChain: chain, ...estimateRows(body.rows, chain, body.columns ?? {}, deps.config.imageSize) });
  });
  return r;
}
