// Generates a row's images (each size × variant, in a stable order), storing each as soon as
// it exists. Every image has exactly the pixels of its size: a model's image (made at its nearest
// ratio) is cropped and scaled to them before text is laid out on it. Images stored by an earlier attempt of the same generation are reused,
// so a retry or a takeover never pays for an image twice.
import type { RowSpec } from '../../../../shared/index';
import { nearestAspectRatio, reducedRatio, toMicros } from '../../../../shared/index';
import type { GenerateOutcome, ReferenceImage } from '../../ports/image-provider';
import type { CoreDeps, Logger } from '../deps';
import { extFor, layout } from '../layout';
import type { PackForRow } from '../packs/pack-for-row';
import type { Appended } from '../provenance/chain-log';
import { extractProvenance } from '../provenance/embed';
import { parseRecordId } from '../provenance/record';
import { rowRecorder } from '../provenance/row-records';
import { linkerFor } from './batch-view';
import type { ProviderChoice } from './provider-choice';
import type { Manifest, RowRecord, StoredImage } from './records';
import { minTextPxOf } from './row-text';

/** How long a model that answered "not found" is skipped before it is probed again. */
const MODEL_UNAVAILABLE_MS = 10 * 60_000;

/** What was paid is not part of the result: it is kept in `paid` as it happens, so a throw cannot lose it. */
export type GenerateResult =
  /** `overlaid`: Rowshot composited the text and logo over the model's images (text mode overlay). */
  | { kind: 'done'; images: StoredImage[]; notes: string[]; overlaid: boolean }
  | { kind: 'permanent'; reason: string; notes: string[] }
  | { kind: 'transient'; reason: string; retryAfterSeconds?: number; notes: string[] };

interface Input {
  m: Manifest;
  rec: RowRecord;
  spec: RowSpec;
  pack: PackForRow | null;
  choice: Extract<ProviderChoice, { ok: true }>;
  signal: AbortSignal;
  log: Logger;
  /** Money paid so far in this attempt, kept up to date as images are made (survives a throw). */
  paid: { micros: number };
  /** The row's set's shared headline size (text-sets.ts), or undefined to fit each image alone. */
  setHeadline?: number;
}

export async function generateImages(deps: CoreDeps, { m, rec, spec, pack, choice, signal, log, paid, setHeadline }: Input): Promise<GenerateResult> {
  const notes: string[] = [];
  if (pack && pack.brandKitVersion > 0) notes.push(`brand kit v${pack.brandKitVersion}`);
  let references: ReferenceImage[] = pack?.references ?? [];
  if (references.length > choice.maxReferenceImages) {
    notes.push(`${choice.model} takes ${choice.maxReferenceImages} reference images; used the first ${choice.maxReferenceImages} of ${references.length}`);
    references = references.slice(0, choice.maxReferenceImages);
  }
  let logo: ReferenceImage | null = null;
  if (spec.logo) {
    if (pack?.logo) logo = pack.logo;
    else notes.push(pack ? 'Logo requested but the pack has no logo' : 'Logo requested but the row has no reference pack');
  }

  // Text mode overlay on a model's image: Rowshot typesets the text and places the logo itself.
  const overlay = choice.model !== 'template' && spec.text === 'overlay' && (spec.headline !== '' || spec.subline !== '' || logo !== null);

  // Only a row taken over from an earlier attempt of the same generation can have stored images.
  const existing = new Set(rec.attempts > 1 ? (await deps.store.list(layout.assets(m.tenant, m.id, rec.rowId, rec.gen), { maxResults: 1000 })).keys : []);
  const images: StoredImage[] = [];
  const minTextPx = minTextPxOf(deps, m);
  const shared = { ...(setHeadline === undefined ? {} : { setHeadline }), ...(minTextPx ? { minTextPx } : {}), ...(pack?.kit ? { kit: pack.kit } : {}) };
  const recorder = rowRecorder(deps, { m, rec, spec, pack, model: choice.model, referencesUsed: references.length, logoUsed: logo !== null, link: await linkerFor(deps, m.tenant) });

  for (const { id, width, height, ratio } of spec.sizes) {
    const aspectRatio = nearestAspectRatio(width, height);
    for (let variant = 1; variant <= spec.variants; variant++) {
      const reused = findStored(existing, m, rec, id, variant);
      if (reused) {
        images.push(await withProvenanceKey(deps, m.tenant, reused));
        continue;
      }
      const started = performance.now();
      const startedAt = deps.clock.now();
      let outcome: GenerateOutcome;
      try {
        outcome = await choice.provider.generate(
          { model: choice.model, prompt: spec.prompt, negativePrompt: spec.negativePrompt, aspectRatio, width, height, variant, seedKey: rec.rowId, rotation: rec.index,
            headline: spec.headline, subline: spec.subline, references, logo, palette: pack?.palette ?? [], text: spec.text, fonts: pack?.fonts ?? null, ...shared },
          signal,
        );
      } catch (err) {
        // A provider should return outcomes; an exception is treated as a passing fault.
        outcome = { ok: false, kind: 'transient', reason: `${choice.provider.name} failed: ${(err as Error).message}` };
      }
      deps.metrics.providerCall(choice.provider.name, outcome.ok ? 'ok' : outcome.kind, (performance.now() - started) / 1000);
      // Only passing faults count against a model; an answer (even a refusal) shows it is up. A
      // model the service does not know opens its breaker at once: the row's next attempt moves
      // to the next model of its chain instead of failing.
      if (!outcome.ok && outcome.kind === 'transient' && outcome.modelUnavailable) deps.breakers.openFor(choice.model, MODEL_UNAVAILABLE_MS, 'not found (404)');
      else if (!outcome.ok && outcome.kind === 'transient') deps.breakers.transientFailure(choice.model);
      else deps.breakers.success(choice.model);
      if (!outcome.ok) {
        log.warn({ provider: choice.provider.name, kind: outcome.kind, reason: outcome.reason }, 'provider call failed');
        if (outcome.kind === 'permanent') return { kind: 'permanent', reason: outcome.reason, notes };
        const retryAfterSeconds = outcome.modelUnavailable ? 1 : outcome.retryAfterMs === undefined ? undefined : Math.ceil(outcome.retryAfterMs / 1000);
        return { kind: 'transient', reason: outcome.reason, notes, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
      }
      paid.micros += toMicros(outcome.costUsd);
      notes.push(...outcome.notes);
      // Every stored file gets its provenance record first (record before file: a stored image
      // always has one), and is stored with the record id, hash and link embedded.
      const made = { aspectRatio, variant, startedAt, finishedAt: deps.clock.now(), modelVersion: outcome.modelVersion, providerResponseId: outcome.responseId };
      const own = outcome.image;
      // Exact pixels: the model's shape cropped where the content is and scaled to the size.
      let image = own.width === width && own.height === height ? own : await deps.images.fitToSize(own, width, height);
      let final: Appended;
      if (overlay) {
        // The model's own image is kept beside the final one (for review; overlays change pixels).
        const baseKey = layout.asset(m.tenant, m.id, rec.rowId, rec.gen, id, variant, `base.${extFor(own.mimeType)}`);
        const generated = await recorder.record({ ...made, role: 'generated', assetKey: baseKey, parent: null, costUsd: outcome.costUsd }, own);
        await deps.store.put(baseKey, generated.data, { contentType: own.mimeType, ifGenerationMatch: 0 });
        const composeStarted = deps.clock.now();
        const composed = await deps.images.overlayText({ image: image.data, headline: spec.headline, subline: spec.subline, logo: logo?.data ?? null, aspectRatio: id, ...(pack?.fonts ? { fonts: pack.fonts } : {}), ...shared });
        if (!composed.ok) return { kind: 'permanent', reason: composed.reason, notes };
        image = composed.image;
        notes.push(...composed.notes);
        final = await recorder.record({
          ...made, role: 'composite', assetKey: layout.asset(m.tenant, m.id, rec.rowId, rec.gen, id, variant, extFor(image.mimeType)),
          parent: generated.record.id, startedAt: composeStarted, finishedAt: deps.clock.now(), costUsd: 0,
          overlay: { headline: spec.headline, subline: spec.subline }, composited: true,
        }, image);
      } else {
        final = await recorder.record({ ...made, role: 'generated', assetKey: layout.asset(m.tenant, m.id, rec.rowId, rec.gen, id, variant, extFor(image.mimeType)), parent: null, costUsd: outcome.costUsd }, image);
      }
      const key = final.record.assetKey;
      const thumbStarted = deps.clock.now();
      const thumb = await deps.images.thumbnail(image.data);
      const thumbKey = layout.assetThumb(m.tenant, m.id, rec.rowId, rec.gen, id, variant, extFor(thumb.mimeType));
      const thumbRecord = await recorder.record({
        ...made, role: 'thumbnail', assetKey: thumbKey, parent: final.record.id, startedAt: thumbStarted, finishedAt: deps.clock.now(), costUsd: 0, composited: overlay,
      }, thumb);
      // Thumbnail first: an image key that exists always has its thumbnail (see findStored).
      await deps.store.put(thumbKey, thumbRecord.data, { contentType: thumb.mimeType, ifGenerationMatch: 0 });
      const stored = await deps.store.put(key, final.data, { contentType: image.mimeType, ifGenerationMatch: 0 });
      log.info({ asset: key, created: stored.ok, provider: choice.provider.name, provenance: final.record.id }, 'image stored');
      images.push({ size: id, aspectRatio: ratio, variant, key, thumbKey, mimeType: image.mimeType, provenanceKey: final.key });
    }
  }
  return { kind: 'done', images, notes: [...new Set(notes)], overlaid: overlay };
}

function findStored(existing: Set<string>, m: Manifest, rec: RowRecord, size: string, variant: number): StoredImage | null {
  for (const [ext, mimeType] of [['png', 'image/png'], ['jpg', 'image/jpeg'], ['webp', 'image/webp']] as const) {
    const key = layout.asset(m.tenant, m.id, rec.rowId, rec.gen, size, variant, ext);
    if (!existing.has(key)) continue;
    const thumbKey = [...existing].find((k) => k.startsWith(key.replace(/\.[a-z]+$/, '-thumb.')));
    if (thumbKey) {
      const [w = 1, h = 1] = size.split('x').map(Number);
      return { size, aspectRatio: reducedRatio(w, h), variant, key, thumbKey, mimeType };
    }
  }
  return null;
}

/** A reused image's record key, from the id embedded in the file. */
async function withProvenanceKey(deps: CoreDeps, tenant: string, img: StoredImage): Promise<StoredImage> {
  const blob = await deps.store.get(img.key);
  const found = blob ? extractProvenance(blob.data) : null;
  const at = found ? parseRecordId(found.embedded.recordId) : null;
  return at ? { ...img, provenanceKey: layout.provenanceRecord(tenant, at.shard, at.seq) } : img;
}
