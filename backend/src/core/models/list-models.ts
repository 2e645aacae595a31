// GET /v1/models: each registry model that a provider of this server serves, priced at the
// server's image size.
import { MODELS, pricePerImage, type ModelsResponse } from '../../../../shared/index';
import type { CoreDeps } from '../deps';

export function listModels(deps: Pick<CoreDeps, 'providers' | 'config'>): ModelsResponse {
  const served = new Set(deps.providers.flatMap((p) => p.models));
  return {
    models: MODELS.filter((m) => m.kind !== 'test' && served.has(m.id)).map((m) => ({
      id: m.id, label: m.label, priceUsd: pricePerImage(m.id, deps.config.imageSize) ?? 0,
    })),
    defaultProviderChain: deps.config.defaultProviderChain,
  };
}
