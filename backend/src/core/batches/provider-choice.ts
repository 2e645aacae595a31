// Which provider serves a row: its own model, or for `auto` the first available model of the
// batch's chain; the template renderer only when the batch allows falling back to it. A model
// past its shutdown day is never called: `auto` chains use its successor, a row naming it runs
// on the successor only when the batch allows substitution (shared/model-lifecycle.ts).
import { findModel, isRetired, liveChain, liveSuccessor, pricePerImage, retiredReason, substitutedNote } from '../../../../shared/index';
import type { ImageProvider } from '../../ports/image-provider';
import type { CoreDeps } from '../deps';
import type { Manifest } from './records';

export type ProviderChoice =
  | { ok: true; provider: ImageProvider; model: string; pricePerImageUsd: number; maxReferenceImages: number; notes: string[] }
  | { ok: false; busy: false; reason: string }
  /** Every model the row may use is failing right now (circuit open): try the row again later. */
  | { ok: false; busy: true; reason: string; retryAfterMs: number };

/** The models a row may use, in order, and the notes that say why they differ from what it names. */
function candidatesFor(model: string, m: Manifest, nowMs: number): { ok: true; ids: string[]; notes: string[] } | { ok: false; reason: string } {
  if (model === 'auto') return { ok: true, ids: liveChain(m.providerChain, nowMs), notes: [] };
  const successor = liveSuccessor(model, nowMs);
  const substitute = m.allowModelSubstitution === true && successor !== undefined;
  if (isRetired(model, nowMs)) {
    return substitute ? { ok: true, ids: [successor], notes: [substitutedNote(model, successor)] } : { ok: false, reason: retiredReason(model, nowMs) };
  }
  // A model that fails (its breaker is open, e.g. after a 404) hands over to its successor when allowed.
  return { ok: true, ids: substitute ? [model, successor] : [model], notes: [] };
}

export function chooseProvider(deps: CoreDeps, model: string, m: Manifest): ProviderChoice {
  const found = candidatesFor(model, m, deps.clock.now());
  if (!found.ok) return { ok: false, busy: false, reason: found.reason };
  const candidates = found.ids;
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
    return chosen(deps, provider, id, [...found.notes, ...(failing.length > 0 ? [`${failing.map((f) => failingText(deps, f)).join(', ')} failing right now; served by ${id}`] : [])]);
  }
  if (failing.length > 0) {
    const template = deps.providers.find((p) => p.models.includes('template'));
    const what = failing.map((f) => failingText(deps, f)).join(', ');
    if (m.allowTemplateFallback && template) return chosen(deps, template, 'template', [`${what} failing right now; rendered with the template renderer`]);
    const retryAfterMs = Math.max(1000, Math.min(...failing.map((id) => deps.breakers.retryInMs(id))));
    return { ok: false, busy: true, reason: `${what} ${failing.length === 1 ? 'is' : 'are'} failing right now`, retryAfterMs };
  }
  const unavailable = model === 'auto'
    ? `None of the models ${candidates.join(', ') || m.providerChain.join(', ')} is available on this server`
    : `Model "${model}" is not available on this server`;
  const template = deps.providers.find((p) => p.models.includes('template'));
  if (m.allowTemplateFallback && template) return chosen(deps, template, 'template', [`${unavailable}; rendered with the template renderer`]);
  return { ok: false, busy: false, reason: unavailable };
}

/** A failing model, with why when the provider said (e.g. "Gemini does not know this model (404)"). */
function failingText(deps: CoreDeps, id: string): string {
  const why = deps.breakers.reasonOf(id);
  return why ? `${id} (${why})` : id;
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
