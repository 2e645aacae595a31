// Generates a row's images (each size × variant, in a stable order), storing each as soon as
// it exists. Every image has exactly the pixels of its size: a model's image (made at its nearest
// ratio) is cropped and scaled to them before text is laid out on it. Images stored by an earlier attempt of the same generation are reused,
// so a retry or a takeover never pays for an image twice.
import type { AspectRatio, RowSpec } from '../../../../shared/index';
import { coveringAspectRatio, nearestAspectRatio, ratioPixels, reducedRatio, toMicros } from '../../../../shared/index';
import type { GeneratedImage, GenerateOutcome, ReferenceImage } from '../../ports/image-provider';
import type { CoreDeps, Logger } from '../deps';
import { extFor, layout } from '../layout';
import type { PackForRow } from '../packs/pack-for-row';
import type { Appended } from '../provenance/chain-log';
import { extractProvenance } from '../provenance/embed';
import { parseRecordId, sha256 } from '../provenance/record';
import { rowRecorder } from '../provenance/row-records';
import { linkerFor } from './batch-view';
import type { ProviderChoice } from './provider-choice';
import type { Manifest, RevisionRecord, RowRecord, StoredImage } from './records';
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
  /** The row's own Reference images, fetched and checked (row-references.ts), in the cell's order. */
  rowReferences?: readonly RowReferenceImage[];
  /** A reviewer's feedback (POST /revise): AI images are edits of the version before. */
  revision?: RevisionRecord;
}

/** A row's own reference image, with its hash for the provenance record. */
export interface RowReferenceImage {
  data: Buffer;
  mimeType: string;
  sha256: string;
}

type Mime = GeneratedImage['mimeType'];

/** What one variant's further sizes are made from: the model's image, and its record. */
interface Master {
  image: { data: Buffer; mimeType: Mime; width?: number; height?: number };
  recordId: string | null;
  sha256: string;
  made: Made;
}

/** What a provenance record says about the model call that made an image. */
interface Made {
  aspectRatio: string;
  variant: number;
  startedAt: number;
  finishedAt: number;
  modelVersion: string | undefined;
  providerResponseId: string | undefined;
}

type Stop = Exclude<GenerateResult, { kind: 'done' }>;

export async function generateImages(deps: CoreDeps, input: Input): Promise<GenerateResult> {
  const { m, rec, spec, pack, choice, signal, log, paid, setHeadline } = input;
  const notes: string[] = [];
  if (pack && pack.brandKitVersion > 0) notes.push(`brand kit v${pack.brandKitVersion}`);
  const ai = choice.model !== 'template';
  const revision = input.revision ?? null;
  // How an AI row's further sizes share the first's scene (template rows render every size
  // exactly; a revision edits each size from its own image).
  const resize = ai && spec.sizes.length > 1 && !revision ? spec.resize : null;
  if (revision && !ai) notes.push(`Feedback kept as a note (template images change with their cells): "${revision.feedback}"`);
  let logo: ReferenceImage | null = null;
  if (spec.logo) {
    if (pack?.logo) logo = pack.logo;
    else notes.push(pack ? 'Logo requested but the pack has no logo' : 'Logo requested but the row has no reference pack');
  }

  // The model's reference list: the row's own images first, then the pack's. The logo (when the
  // model draws it) and a recomposed size's master take places in the model's limit too.
  const p = pack?.provenance ?? null;
  const rowRefs = input.rowReferences ?? [];
  const all: { image: ReferenceImage; sha256: string }[] = [
    ...rowRefs.map((r) => ({ image: { data: r.data, mimeType: r.mimeType, mode: 'style_and_composition' as const, source: 'row' as const }, sha256: r.sha256 })),
    ...(pack?.references ?? []).map((r, i) => ({ image: r, sha256: p?.referenceSha256[i] ?? '' })),
  ];
  const reserved = (ai && logo && spec.text === 'model' ? 1 : 0) + (resize === 'recompose' ? 1 : 0);
  const room = Math.max(0, choice.maxReferenceImages - reserved);
  if (all.length > room) {
    const takers = [resize === 'recompose' ? 'the first size' : '', ai && logo && spec.text === 'model' ? 'the logo' : ''].filter(Boolean);
    const why = takers.length > 0 ? ` (${reserved} of its ${choice.maxReferenceImages} places go to ${takers.join(' and ')})` : '';
    notes.push(`${choice.model} takes ${choice.maxReferenceImages} reference images${why}; used the first ${room} of ${all.length}`);
  }
  const used = all.slice(0, room);
  const references = used.map((r) => r.image);

  // Text mode overlay on a model's image: Rowshot typesets the text and places the logo itself.
  const overlay = ai && spec.text === 'overlay' && (spec.headline !== '' || spec.subline !== '' || logo !== null);

  // Only a row taken over from an earlier attempt of the same generation can have stored images.
  const existing = new Set(rec.attempts > 1 ? (await deps.store.list(layout.assets(m.tenant, m.id, rec.rowId, rec.gen), { maxResults: 1000 })).keys : []);
  const images: StoredImage[] = [];
  const minTextPx = minTextPxOf(deps, m);
  const shared = { ...(setHeadline === undefined ? {} : { setHeadline }), ...(minTextPx ? { minTextPx } : {}), ...(pack?.kit ? { kit: pack.kit } : {}) };
  const recorder = rowRecorder(deps, {
    m, rec, spec, pack, model: choice.model, resizeMode: resize, logoUsed: logo !== null, link: await linkerFor(deps, m.tenant),
    references: used.map((r) => ({ sha256: r.sha256, mode: r.image.mode, ...(r.image.source ? { source: r.image.source } : {}) })),
  });

  /** One model call; a failure ends the attempt (its outcome says how). */
  type Called = { ok: true; image: GeneratedImage; costUsd: number; made: Made } | { ok: false; stop: Stop };
  /** `lead`: the image the call starts from, first in its references (a recompose's master, or the image a revision edits). */
  const call = async (size: { width: number; height: number }, aspectRatio: AspectRatio, variant: number, lead: Master | null, leadAs: 'master' | 'edit' = 'master'): Promise<Called> => {
    const started = performance.now();
    const startedAt = deps.clock.now();
    const refs = lead ? [{ data: lead.image.data, mimeType: lead.image.mimeType, mode: 'style_and_composition' as const, source: leadAs }, ...references] : references;
    let outcome: GenerateOutcome;
    try {
      outcome = await choice.provider.generate(
        { model: choice.model, prompt: spec.prompt, negativePrompt: spec.negativePrompt, aspectRatio, width: size.width, height: size.height, variant, seedKey: rec.rowId, rotation: rec.index,
          headline: spec.headline, subline: spec.subline, references: refs, logo, palette: pack?.palette ?? [], text: spec.text, fonts: pack?.fonts ?? null, ...shared,
          ...(lead && leadAs === 'edit' && revision ? { instruction: revision.feedback } : {}) },
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
      if (outcome.kind === 'permanent') return { ok: false, stop: { kind: 'permanent', reason: outcome.reason, notes } };
      const retryAfterSeconds = outcome.modelUnavailable ? 1 : outcome.retryAfterMs === undefined ? undefined : Math.ceil(outcome.retryAfterMs / 1000);
      return { ok: false, stop: { kind: 'transient', reason: outcome.reason, notes, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) } };
    }
    paid.micros += toMicros(outcome.costUsd);
    notes.push(...outcome.notes);
    const made: Made = { aspectRatio, variant, startedAt, finishedAt: deps.clock.now(), modelVersion: outcome.modelVersion, providerResponseId: outcome.responseId };
    return { ok: true, image: outcome.image, costUsd: outcome.costUsd, made };
  };

  // Resize `crop`: each variant's one generation; `recompose`: each variant's first-size image.
  const masters = new Map<number, Master>();
  for (const [i, { id, width, height, ratio }] of spec.sizes.entries()) {
    for (let variant = 1; variant <= spec.variants; variant++) {
      let master = masters.get(variant) ?? null;
      const reused = findStored(existing, m, rec, id, variant);
      if (reused) {
        images.push(await withProvenanceKey(deps, m.tenant, reused));
        continue;
      }
      let own: Master['image'];
      let made: Made;
      let costUsd = 0;
      let parent: string | null = null;
      // The image this one was made from, first in the model's references (recompose or edit).
      let lead: { from: Master; as: 'master' | 'edit' } | null = null;
      if (resize === 'crop') {
        master ??= await storedImage(deps, existing, masterKey(m, rec, variant)) ?? null;
        if (!master) {
          const covering = coveringAspectRatio(spec.sizes);
          const longEdge = Math.max(...spec.sizes.map((s) => Math.max(s.width, s.height)));
          const called = await call(ratioOf(covering, longEdge), covering, variant, null);
          if (!called.ok) return called.stop;
          const key = masterKey(m, rec, variant, extFor(called.image.mimeType));
          const rec0 = await recorder.record({ ...called.made, role: 'generated', assetKey: key, parent: null, costUsd: called.costUsd }, called.image);
          await deps.store.put(key, rec0.data, { contentType: called.image.mimeType, ifGenerationMatch: 0 });
          master = { image: called.image, recordId: rec0.record.id, sha256: sha256(called.image.data), made: called.made };
        }
        masters.set(variant, master);
        own = master.image;
        const cutAt = deps.clock.now();
        made = { ...master.made, aspectRatio: nearestAspectRatio(width, height), variant, startedAt: cutAt, finishedAt: cutAt };
        parent = master.recordId;
      } else {
        if (resize === 'recompose' && i > 0) {
          const first = spec.sizes[0];
          master ??= first ? await storedMasterOf(deps, existing, m, rec, first.id, variant, overlay) : null;
          if (master) {
            masters.set(variant, master);
            lead = { from: master, as: 'master' };
          }
        }
        const edited = revision && ai ? await previousImage(deps, revision, id, variant) : null;
        if (edited) lead = { from: edited, as: 'edit' };
        const called = await call({ width, height }, nearestAspectRatio(width, height), variant, lead?.from ?? null, lead?.as);
        if (!called.ok) return called.stop;
        own = called.image;
        made = called.made;
        costUsd = called.costUsd;
        parent = lead?.from.recordId ?? null;
      }
      const masterRef = lead ? { master: { sha256: lead.from.sha256, mode: 'style_and_composition', source: lead.as } } : {};
      // Every stored file gets its provenance record first (record before file: a stored image
      // always has one), and is stored with the record id, hash and link embedded.
      // Exact pixels: the model's shape cropped where the content is and scaled to the size.
      let image = own.width === width && own.height === height ? { ...own, width, height } : await deps.images.fitToSize(own, width, height);
      let final: Appended;
      let generatedId: string;
      if (overlay) {
        // The model's own image (a crop's: its crop) is kept beside the final one, for review.
        const base = resize === 'crop' ? image : own;
        const baseKey = layout.asset(m.tenant, m.id, rec.rowId, rec.gen, id, variant, `base.${extFor(base.mimeType)}`);
        const generated = await recorder.record({ ...made, role: 'generated', assetKey: baseKey, parent, costUsd, ...masterRef }, base);
        await deps.store.put(baseKey, generated.data, { contentType: base.mimeType, ifGenerationMatch: 0 });
        generatedId = generated.record.id;
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
        final = await recorder.record({ ...made, role: 'generated', assetKey: layout.asset(m.tenant, m.id, rec.rowId, rec.gen, id, variant, extFor(image.mimeType)), parent, costUsd, ...masterRef }, image);
        generatedId = final.record.id;
      }
      if (resize === 'recompose' && i === 0) masters.set(variant, { image: own, recordId: generatedId, sha256: sha256(own.data), made });
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

const MIME_BY_EXT = [['png', 'image/png'], ['jpg', 'image/jpeg'], ['webp', 'image/webp']] as const;

/** Where a variant's crop master is kept (beside the sizes cut from it). */
function masterKey(m: Manifest, rec: RowRecord, variant: number, ext?: string): string {
  return layout.asset(m.tenant, m.id, rec.rowId, rec.gen, 'master', variant, `base.${ext ?? '*'}`);
}

/** A stored image of an earlier attempt (`key` may end in `.*`: any image type), with its record id. */
async function storedImage(deps: CoreDeps, existing: Set<string>, key: string): Promise<Master | null> {
  for (const [ext, mimeType] of MIME_BY_EXT) {
    const k = key.replace(/\.\*$/, `.${ext}`);
    if (!existing.has(k)) continue;
    const blob = await deps.store.get(k);
    if (blob) return masterOf(deps, blob.data, mimeType);
  }
  return null;
}

/** A stored image as a master: its bytes, the record id embedded in it, and its hash. */
function masterOf(deps: CoreDeps, data: Buffer, mimeType: Mime): Master {
  const now = deps.clock.now();
  return {
    image: { data, mimeType }, recordId: extractProvenance(data)?.embedded.recordId ?? null, sha256: sha256(data),
    // Who made it is in its own record; an image made from it gets its own call's facts.
    made: { aspectRatio: '', variant: 0, startedAt: now, finishedAt: now, modelVersion: undefined, providerResponseId: undefined },
  };
}

/** A recompose master kept by an earlier attempt: the model's image of the first size (with overlay, its base). */
async function storedMasterOf(deps: CoreDeps, existing: Set<string>, m: Manifest, rec: RowRecord, size: string, variant: number, overlay: boolean): Promise<Master | null> {
  return storedImage(deps, existing, layout.asset(m.tenant, m.id, rec.rowId, rec.gen, size, variant, overlay ? 'base.*' : '*'));
}

/** The image a revision edits for (size, variant): the version before's model image (its base under an overlay). */
async function previousImage(deps: CoreDeps, revision: RevisionRecord, size: string, variant: number): Promise<Master | null> {
  const img = revision.images.find((i) => (i.size ?? i.aspectRatio.replace(':', 'x')) === size && i.variant === variant);
  if (!img) return null;
  for (const key of [img.key.replace(/\.([a-z]+)$/, '.base.$1'), img.key]) {
    const blob = await deps.store.get(key);
    if (blob) return masterOf(deps, blob.data, img.mimeType as Mime);
  }
  return null;
}

function ratioOf(ratio: AspectRatio, longEdge: number): { width: number; height: number } {
  const [w = 1, h = 1] = ratio.split(':').map(Number);
  return ratioPixels(w, h, longEdge);
}

function findStored(existing: Set<string>, m: Manifest, rec: RowRecord, size: string, variant: number): StoredImage | null {
  for (const [ext, mimeType] of MIME_BY_EXT) {
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
