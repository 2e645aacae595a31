// POST /v1/packs: every upload is sniffed, size-checked, bomb-guarded, stripped of metadata and
// normalised before anything is stored; all problems are reported together, per field.
import { MAX_PACK_IMAGES, type InvalidField, type Pack, type PackImageMode } from '../../../../shared/index';
import { AppError } from '../app-error';
import { linkerFor } from '../batches/batch-view';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { randomId } from '../ids';
import { putJson } from '../json-blobs';
import { extFor, layout } from '../layout';
import { nameHash, toPack, type StoredPack, type StoredPackImage } from './pack-records';

export interface NewPack {
  name: string;
  modes: PackImageMode[] | undefined;
  images: { field: string; data: Buffer }[];
  logo: { field: string; data: Buffer } | null;
}

export async function createPack(deps: CoreDeps, tenant: string, input: NewPack): Promise<Pack> {
  const invalid: InvalidField[] = [];
  if (input.images.length === 0) invalid.push({ field: 'images', message: 'a pack needs at least one image' });
  if (input.images.length > MAX_PACK_IMAGES) invalid.push({ field: 'images', message: `a pack holds at most ${MAX_PACK_IMAGES} images (got ${input.images.length})` });
  if (input.modes && input.modes.length !== input.images.length) {
    invalid.push({ field: 'modes', message: `give one mode per image: ${input.images.length} image(s) but ${input.modes.length} mode(s)` });
  }
  const processed = await Promise.all(
    [...input.images, ...(input.logo ? [input.logo] : [])].map(async (f) => ({ field: f.field, result: await deps.images.processUpload(f.data) })),
  );
  for (const p of processed) if (!p.result.ok) invalid.push({ field: p.field, message: p.result.detail });
  if (invalid.length > 0) {
    const status = processed.find((p) => !p.result.ok && p.result.code !== 'invalid_image');
    const code = status && !status.result.ok && status.result.code === 'payload_too_large' ? 'payload_too_large'
      : status && !status.result.ok && status.result.code === 'unsupported_media_type' ? 'unsupported_media_type' : 'invalid_request';
    throw new AppError(code, `The pack was not created: ${invalid.length} problem(s)`, { invalidFields: invalid });
  }

  const stored: StoredPackImage[] = [];
  for (const [i, p] of processed.entries()) {
    if (!p.result.ok) continue;
    const { image, thumbnail } = p.result;
    const key = layout.blob(tenant, image.sha256, extFor(image.mimeType));
    const thumbKey = layout.blobThumb(tenant, image.sha256, extFor(thumbnail.mimeType));
    // Content-addressed: the same image uploaded twice is stored once (create-only).
    await deps.store.put(key, image.data, { contentType: image.mimeType, ifGenerationMatch: 0 });
    await deps.store.put(thumbKey, thumbnail.data, { contentType: thumbnail.mimeType, ifGenerationMatch: 0 });
    const mode: PackImageMode = input.modes?.[i] ?? 'style_and_composition';
    stored.push({ id: image.sha256, mode, width: image.width, height: image.height, key, thumbKey, mimeType: image.mimeType });
  }
  const logo = input.logo ? (stored.pop() ?? null) : null;
  const first = processed[0];
  const palette = first?.result.ok ? await deps.images.palette(first.result.image.data) : [];

  const now = iso(deps.clock.now());
  const pack: StoredPack = { id: `p_${randomId(10)}`, name: input.name.trim(), images: stored, logo, palette, createdAt: now, updatedAt: now };
  const claimed = await putJson(deps.store, layout.packName(tenant, nameHash(pack.name)), { packId: pack.id }, 0);
  if (claimed === null) throw new AppError('conflict', `A pack named "${pack.name}" already exists`, { invalidFields: [{ field: 'name', message: 'already in use' }] });
  await putJson(deps.store, layout.pack(tenant, pack.id), pack, 0);
  return toPack(pack, await linkerFor(deps, tenant));
}
