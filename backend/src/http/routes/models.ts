import { Router } from 'express';
import type { CoreDeps } from '../../core/deps';
import { listModels } from '../../core/models/list-models';

export function modelRoutes(deps: CoreDeps): Router {
  const r = Router();
  r.get('/v1/models', (_req, res) => void res.json(listModels(deps)));
  return r;
}
