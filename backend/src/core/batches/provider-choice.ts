// Which provider serves a row: its own model, or for `auto` the first available model of the
// batch's chain; the template renderer only when the batch allows falling back to it.
import { findModel, pricePerImage } from '../../../../shared/index';
import type { ImageProvider } from '../../ports/image-provider';
import type { CoreDeps } from '../deps';
import type { Manifest } from './records';

export type ProviderChoice =
  | { ok: true; provider: ImageProvider; model: string; pricePerImageUsd: number; maxReferenceImages: number; notes: string[] }
  | { ok: false; busy: false; reason: string }
  /** Every model the row may use is failing right now (circuit open): try the row again later. */
  | { ok: false; busy: true; reason: string; retryAfterMs: number };

export function chooseProvider(deps: CoreDeps, model: string, m: Manifest): ProviderChoice {
  const candidates = model === 'auto' ? m.providerChain : [model];
  const failing: string[] = [];
  for (const id of candidates) {
    const provider = deps.providers.find((p) => p.models.includes(id));
    if (!provider) continue;
    // A model without a price cannot be budgeted, so it is never run.
    if (pricePerImage(id, deps.config.imageSize) === undefined) return { ok: false, busy: false, reason: `Model "${id}" has no price in the price table, so it cannot be budgeted` };
    if (!deps.breakers.tryAcquire(id)) {
      failing.push(id);
      continue;
    }
    return chosen(deps, provider, id, failing.length > 0 ? [`${failing.join(', ')} failing right now; served by ${id}`] : []);
  }
  if (failing.length > 0) {
    const template = deps.providers.find((p) => p.models.includes('template'));
    if (m.allowTemplateFallback && template) return chosen(deps, template, 'template', [`${failing.join(', ')} failing right now; rendered with the template renderer`]);
    const retryAfterMs = Math.max(1000, Math.min(...failing.map((id) => deps.breakers.retryInMs(id))));
    return { ok: false, busy: true, reason: `${failing.join(', ')} ${failing.length === 1 ? 'is' : 'are'} failing right now`, retryAfterMs };
  }
  const unavailable = model === 'auto'
    ? `None of the models ${candidates.join(', ')} is available on this server`
    : `Model "${model}" is not available on this server`;
  const template = deps.providers.find((p) => p.models.includes('template'));
  if (m.allowTemplateFallback && template) return chosen(deps, template, 'template', [`${unavailable}; rendered with the template renderer`]);
  return { ok: false, busy: false, reason: unavailable };
}

function chosen(deps: CoreDeps, provider: ImageProvider, model: string, notes: string[]): ProviderChoice {
  return {
    ok: true,
    provider,
    model,
    pricePerImageUsd: pricePerImage(model, deps.config.imageSize) ?? 0,
    maxReferenceImages: findModel(model)?.maxReferenceImages ?? 14,
    notes,
  };
}
