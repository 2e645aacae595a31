// The one way a pack is created, whatever its images came as (multipart files or earlier
// uploads): every problem is listed per field before anything is stored, then the images are
// stored, the palette is taken from the first image, the name is claimed and the pack saved.
import { MAX_PACK_IMAGES, type BrandKitStyle, type InvalidField, type Pack, type PackImageMode } from '../../../../shared/index';
import { AppError } from '../app-error';
import { linkerFor } from '../batches/batch-view';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { randomId } from '../ids';
import { putJson } from '../json-blobs';
import { layout } from '../layout';
import { imageProblems, type CheckedImage, type ImageProblemCode } from './pack-images';
import { storeFont } from './pack-fonts';
import { nameHash, toPack, type StoredBrandKit, type StoredPack, type StoredPackImage } from './pack-records';

export interface PackDraftImage {
  /** Named in problems: `images[2]`, `images[2].uploadId`, `logo`, `logoUploadId`. */
  field: string;
  /** Called only when the pack could be valid, so a list of 10,000 images costs nothing. */
  check: () => Promise<CheckedImage>;
}

export interface PackDraft {
  name: string;
  images: (PackDraftImage & { mode: PackImageMode })[];
  logo: PackDraftImage | null;
  /** Problems the caller found in its own fields (e.g. a `modes` list of the wrong length). */
  invalid: InvalidField[];
  /** Brand fonts: `font` (both parts), `headlineFont`, `sublineFont`. */
  fonts?: { field: string; role: 'both' | 'headline' | 'subline'; data: Buffer }[];
  /** The brand kit's style, already validated. */
  style?: BrandKitStyle;
}

export async function savePack(deps: CoreDeps, tenant: string, draft: PackDraft): Promise<Pack> {
  const invalid: InvalidField[] = [];
  const count = draft.images.length;
  if (count === 0) invalid.push({ field: 'images', message: 'a pack needs at least one image' });
  if (count > MAX_PACK_IMAGES) invalid.push({ field: 'images', message: `a pack holds at most ${MAX_PACK_IMAGES} images (got ${count})` });
  invalid.push(...draft.invalid);

  const images = count > MAX_PACK_IMAGES ? [] : draft.images;
  const [checked, logo] = await Promise.all([Promise.all(images.map((i) => i.check())), draft.logo?.check() ?? null]);
  const codes: ImageProblemCode[] = [];
  const seen = new Map<string, number>();
  for (const [i, c] of checked.entries()) {
    const field = images[i]!.field;
    if (!c.ok) {
      invalid.push({ field, message: c.message });
      codes.push(c.code);
      continue;
    }
    // Pack images are addressed by content: the same image twice could not be told apart.
    const first = seen.get(c.image.id);
    if (first !== undefined) invalid.push({ field, message: `the same image as images[${first}]` });
    else seen.set(c.image.id, i);
  }
  if (draft.logo && logo && !logo.ok) {
    invalid.push({ field: draft.logo.field, message: logo.message });
    codes.push(logo.code);
  }
  const fonts = await Promise.all((draft.fonts ?? []).map(async (f) => ({ ...f, check: await deps.images.checkFont(f.data) })));
  for (const f of fonts) if (!f.check.ok) invalid.push({ field: f.field, message: f.check.message });
  if (invalid.length > 0) throw imageProblems(`The pack was not created: ${invalid.length} problem(s)`, invalid, codes);

  const stored: StoredPackImage[] = [];
  for (const [i, c] of checked.entries()) {
    if (!c.ok) continue;
    await c.persist();
    stored.push({ ...c.image, mode: images[i]!.mode });
  }
  let storedLogo: StoredPackImage | null = null;
  if (logo?.ok) {
    await logo.persist();
    storedLogo = { ...logo.image, mode: 'style_and_composition' };
  }
  const first = checked[0];
  const palette = first?.ok ? await deps.images.palette(await first.bytes()) : [];

  let brandKit: StoredBrandKit | undefined;
  const style = draft.style && Object.keys(draft.style).length > 0 ? draft.style : undefined;
  if (fonts.length > 0 || style) {
    brandKit = { version: 1, headlineFont: null, sublineFont: null, ...(style ? { style } : {}) };
    for (const f of fonts) {
      if (!f.check.ok) continue;
      const font = await storeFont(deps, tenant, f.check.sfnt, f.check.family);
      if (f.role !== 'subline') brandKit.headlineFont = font;
      if (f.role !== 'headline') brandKit.sublineFont = font;
    }
  }

  const now = iso(deps.clock.now());
  const pack: StoredPack = { id: `p_${randomId(10)}`, name: draft.name.trim(), images: stored, logo: storedLogo, palette, ...(brandKit ? { brandKit } : {}), createdAt: now, updatedAt: now };
  const claimed = await putJson(deps.store, layout.packName(tenant, nameHash(pack.name)), { packId: pack.id }, 0);
  if (claimed === null) throw new AppError('conflict', `A pack named "${pack.name}" already exists`, { invalidFields: [{ field: 'name', message: 'already in use' }] });
  await putJson(deps.store, layout.pack(tenant, pack.id), pack, 0);
  return toPack(pack, await linkerFor(deps, tenant));
}
