// POST /v1/estimate: the cost per row and in total, for the models this server runs.
import { estimateRows, type EstimateRequest as EstimateRequestSchema, type z } from '../../../../shared/index';

type EstimateRequest = z.infer<typeof EstimateRequestSchema>;
import type { CoreDeps } from '../deps';
import { assertKnownNames } from './check-names';

export function estimateBatch(deps: CoreDeps, body: EstimateRequest) {
  assertKnownNames(deps, body);
  const chain = body.providerChain ?? deps.config.defaultProviderChain;
  return { currency: 'USD' as const, providerChain: chain, ...estimateRows(body.rows, chain, body.columns ?? {}, deps.config.imageSize) };
}
