// POST /v1/estimate: the cost per row and in total, for the models this server runs.
import { estimateRows, type EstimateRequest as EstimateRequestSchema, type z } from '../../../../shared/index';

type EstimateRequest = z.infer<typeof EstimateRequestSchema>;
import type { CoreDeps } from '../deps';
import { listPacks } from '../packs/manage-packs';
import { assertKnownNames, servedModels } from './check-names';

/** Rows naming a model this server does not run or a pack the tenant does not have are flagged, not priced. */
export async function estimateBatch(deps: CoreDeps, tenant: string, body: EstimateRequest) {
  assertKnownNames(deps, body);
  const chain = body.providerChain ?? deps.config.defaultProviderChain;
  const packs = new Set<string>();
  for (const p of await listPacks(deps, tenant)) packs.add(p.id).add(p.name.trim().toLowerCase());
  const checks = {
    servedModels: servedModels(deps), packExists: (name: string) => packs.has(name) || packs.has(name.trim().toLowerCase()),
    nowMs: deps.clock.now(), allowModelSubstitution: body.allowModelSubstitution ?? false,
    ...(body.resizeDefault ? { rowDefaults: { resize: body.resizeDefault } } : {}),
  };
  return { currency: 'USD' as const, providerChain: chain, ...estimateRows(body.rows, chain, body.columns ?? {}, deps.config.imageSize, checks) };
}
