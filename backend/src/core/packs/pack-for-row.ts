// A pack's images as a row needs them. Image blobs are content-addressed and never change, so
// they are cached in memory (bounded); the small pack record is read fresh every time.
import type { ReferenceImage } from '../../ports/image-provider';
import type { CoreDeps } from '../deps';
import { findPack } from './manage-packs';

export interface PackForRow {
  references: ReferenceImage[];
  logo: ReferenceImage | null;
  palette: string[];
}

const MAX_CACHE_BYTES = 64 * 1024 * 1024;
const cache = new Map<string, Buffer>();
let cacheBytes = 0;

async function blob(deps: CoreDeps, key: string): Promise<Buffer | null> {
  const hit = cache.get(key);
  if (hit) return hit;
  const b = await deps.store.get(key);
  if (!b) return null;
  if (cacheBytes + b.data.length > MAX_CACHE_BYTES) {
    cache.clear();
    cacheBytes = 0;
  }
  cache.set(key, b.data);
  cacheBytes += b.data.length;
  return b.data;
}

export async function loadPackForRow(deps: CoreDeps, tenant: string, nameOrId: string): Promise<PackForRow | null> {
  const pack = await findPack(deps, tenant, nameOrId);
  if (!pack) return null;
  const references: ReferenceImage[] = [];
  for (const img of pack.images) {
    const data = await blob(deps, img.key);
    if (data) references.push({ data, mimeType: img.mimeType, mode: img.mode });
  }
  const logoData = pack.logo ? await blob(deps, pack.logo.key) : null;
  return {
    references,
    logo: pack.logo && logoData ? { data: logoData, mimeType: pack.logo.mimeType, mode: pack.logo.mode } : null,
    palette: pack.palette,
  };
}
