// Which provider serves a row: its own model, or for `auto` the first available model of the
// batch's chain; the template renderer only when the batch allows falling back to it.
import { findModel, pricePerImage } from '../../../../shared/index';
import type { ImageProvider } from '../../ports/image-provider';
import type { CoreDeps } from '../deps';
import type { Manifest } from './records';

export type ProviderChoice =
  | { ok: true; provider: ImageProvider; model: string; pricePerImageUsd: number; maxReferenceImages: number; notes: string[] }
  | { ok: false; reason: string };

export function chooseProvider(deps: CoreDeps, model: string, m: Manifest): ProviderChoice {
  const candidates = model === 'auto' ? m.providerChain : [model];
  for (const id of candidates) {
    const provider = deps.providers.find((p) => p.models.includes(id));
    // A model without a price cannot be budgeted, so it is never run.
    if (provider && pricePerImage(id) === undefined) return { ok: false, reason: `Model "${id}" has no price in the price table, so it cannot be budgeted` };
    if (provider) return chosen(provider, id, []);
  }
  const unavailable = model === 'auto'
    ? `None of the models ${candidates.join(', ')} is available on this server`
    : `Model "${model}" is not available on this server`;
  const template = deps.providers.find((p) => p.models.includes('template'));
  if (m.allowTemplateFallback && template) return chosen(template, 'template', [`${unavailable}; rendered with the template renderer`]);
  return { ok: false, reason: unavailable };
}

function chosen(provider: ImageProvider, model: string, notes: string[]): ProviderChoice {
  return {
    ok: true,
    provider,
    model,
    pricePerImageUsd: pricePerImage(model) ?? 0,
    maxReferenceImages: findModel(model)?.maxReferenceImages ?? 14,
    notes,
  };
}
