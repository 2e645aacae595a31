// A pack's brand fonts after it was made: put a font for the headline, the subline or both, or
// remove one (its part goes back to Rowshot's fonts). The font is checked before anything is
// stored; each change is a new kit version, like a style change.
import type { Pack, PackFontPart } from '../../../../shared/index';
import { AppError, notFound } from '../app-error';
import { linkerFor } from '../batches/batch-view';
import { iso } from '../clock';
import type { CoreDeps } from '../deps';
import { sha256Hex } from '../ids';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { checkPackId } from './manage-packs';
import { toPack, type StoredFont, type StoredPack } from './pack-records';

/** Stores checked sfnt bytes content-addressed (the same font twice is one object). */
export async function storeFont(deps: CoreDeps, tenant: string, sfnt: Buffer, family: string): Promise<StoredFont> {
  const sha256 = sha256Hex(sfnt);
  const key = layout.blob(tenant, sha256, 'sfnt');
  // A precondition miss means the same bytes are already kept (content addressing).
  await deps.store.put(key, sfnt, { contentType: 'font/sfnt', ifGenerationMatch: 0 });
  return { sha256, key, family, bytes: sfnt.length };
}

/** `data` (the request body) null removes the font of that part. */
export async function setPackFont(deps: CoreDeps, tenant: string, id: string, part: PackFontPart, data: Buffer | null): Promise<Pack> {
  checkPackId(id);
  const cur = await getJson<StoredPack>(deps.store, layout.pack(tenant, id));
  if (!cur) throw notFound(`Pack ${id}`);
  let font: StoredFont | null = null;
  if (data) {
    if (data.length === 0) throw new AppError('invalid_request', 'The font was not accepted: the body is empty', { invalidFields: [{ field: 'body', message: 'send the font file (TTF, OTF, WOFF or WOFF2) as the body' }] });
    const check = await deps.images.checkFont(data);
    if (!check.ok) throw new AppError('invalid_request', `The font was not accepted: ${check.message}`, { invalidFields: [{ field: 'body', message: check.message }] });
    font = await storeFont(deps, tenant, check.sfnt, check.family);
  }
  const pack: StoredPack = { ...cur.value };
  const kit = pack.brandKit ?? { version: 0, headlineFont: null, sublineFont: null };
  pack.brandKit = {
    ...kit,
    version: kit.version + 1,
    headlineFont: part === 'subline' ? kit.headlineFont : font,
    sublineFont: part === 'headline' ? kit.sublineFont : font,
  };
  pack.updatedAt = iso(deps.clock.now());
  const written = await putJson(deps.store, layout.pack(tenant, id), pack, cur.generation);
  if (written === null) throw new AppError('conflict', 'The pack was changed by someone else at the same time; reload and try again');
  return toPack(pack, await linkerFor(deps, tenant));
}
