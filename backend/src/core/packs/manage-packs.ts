// List, read, rename/reorder/re-mode and delete packs.
import { applyKitPatch, type Pack, type PatchPackRequest } from '../../../../shared/index';
import { AppError, notFound } from '../app-error';
import { linkerFor } from '../batches/batch-view';
import { iso } from '../clock';
import { mapLimit } from '../concurrency';
import type { CoreDeps } from '../deps';
import { getJson, putJson } from '../json-blobs';
import { layout } from '../layout';
import { nameHash, toPack, type StoredPack } from './pack-records';

export async function listPacks(deps: CoreDeps, tenant: string): Promise<Pack[]> {
  const keys: string[] = [];
  let pageToken: string | null = null;
  do {
    const page = await deps.store.list(layout.packsPrefix(tenant), { maxResults: 1000, ...(pageToken ? { pageToken } : {}) });
    keys.push(...page.keys);
    pageToken = page.nextPageToken;
  } while (pageToken);
  const link = await linkerFor(deps, tenant);
  const packs = await mapLimit(keys, 16, (k) => getJson<StoredPack>(deps.store, k));
  return packs.flatMap((p) => (p ? [toPack(p.value, link)] : [])).sort((a, b) => a.name.localeCompare(b.name));
}

export async function findPack(deps: CoreDeps, tenant: string, nameOrId: string): Promise<StoredPack | null> {
  if (PACK_ID.test(nameOrId)) {
    const byId = await getJson<StoredPack>(deps.store, layout.pack(tenant, nameOrId));
    if (byId) return byId.value;
  }
  const idx = await getJson<{ packId: string }>(deps.store, layout.packName(tenant, nameHash(nameOrId)));
  if (!idx) return null;
  return (await getJson<StoredPack>(deps.store, layout.pack(tenant, idx.value.packId)))?.value ?? null;
}

const PACK_ID = /^p_[a-z2-7]{10}$/;
export const checkPackId = (id: string): void => {
  if (!PACK_ID.test(id)) throw notFound(`Pack ${id}`);
};

export async function getPack(deps: CoreDeps, tenant: string, id: string): Promise<Pack> {
  checkPackId(id);
  const p = await getJson<StoredPack>(deps.store, layout.pack(tenant, id));
  if (!p) throw notFound(`Pack ${id}`);
  return toPack(p.value, await linkerFor(deps, tenant));
}

export async function patchPack(deps: CoreDeps, tenant: string, id: string, patch: PatchPackRequest): Promise<Pack> {
  checkPackId(id);
  const cur = await getJson<StoredPack>(deps.store, layout.pack(tenant, id));
  if (!cur) throw notFound(`Pack ${id}`);
  const pack = { ...cur.value, images: [...cur.value.images] };
  const invalid: { field: string; message: string }[] = [];
  if (patch.order) {
    const ids = pack.images.map((i) => i.id);
    const same = patch.order.length === ids.length && [...patch.order].sort().join() === [...ids].sort().join();
    if (!same) invalid.push({ field: 'order', message: `must list each of the pack's ${ids.length} image ids exactly once` });
    else pack.images = patch.order.map((imageId) => pack.images.find((i) => i.id === imageId)!);
  }
  for (const [imageId, mode] of Object.entries(patch.modes ?? {})) {
    const i = pack.images.findIndex((img) => img.id === imageId);
    if (i < 0) invalid.push({ field: `modes.${imageId}`, message: 'no such image in this pack' });
    else pack.images[i] = { ...pack.images[i]!, mode };
  }
  if (invalid.length > 0) throw new AppError('invalid_request', 'The pack was not changed', { invalidFields: invalid });

  if (patch.brandKit && Object.keys(patch.brandKit).length > 0) {
    // Every change of the kit is a new version; rows note the version they were made with.
    const kit = pack.brandKit ?? { version: 0, headlineFont: null, sublineFont: null };
    const style = applyKitPatch(kit.style ?? {}, patch.brandKit);
    pack.brandKit = { ...kit, version: kit.version + 1, style };
  }

  const renamed = patch.name !== undefined && patch.name.trim() !== pack.name;
  if (renamed) {
    const newName = (patch.name as string).trim();
    if (nameHash(newName) !== nameHash(pack.name)) {
      const claimed = await putJson(deps.store, layout.packName(tenant, nameHash(newName)), { packId: id }, 0);
      if (claimed === null) throw new AppError('conflict', `A pack named "${newName}" already exists`, { invalidFields: [{ field: 'name', message: 'already in use' }] });
    }
    pack.name = newName;
  }
  pack.updatedAt = iso(deps.clock.now());
  const written = await putJson(deps.store, layout.pack(tenant, id), pack, cur.generation);
  if (written === null) throw new AppError('conflict', 'The pack was changed by someone else at the same time; reload and try again');
  if (renamed && nameHash(cur.value.name) !== nameHash(pack.name)) await deps.store.delete(layout.packName(tenant, nameHash(cur.value.name)));
  return toPack(pack, await linkerFor(deps, tenant));
}

export async function deletePack(deps: CoreDeps, tenant: string, id: string): Promise<void> {
  checkPackId(id);
  const cur = await getJson<StoredPack>(deps.store, layout.pack(tenant, id));
  if (!cur) throw notFound(`Pack ${id}`);
  await deps.store.delete(layout.pack(tenant, id));
  await deps.store.delete(layout.packName(tenant, nameHash(cur.value.name)));
}
