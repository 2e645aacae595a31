// A pack's images as a row needs them. Image blobs are content-addressed and never change, so
// they are cached in memory (bounded); the small pack record is read fresh every time.
import type { BrandKitStyle } from '../../../../shared/index';
import type { ReferenceImage } from '../../ports/image-provider';
import type { BrandFonts, CoreDeps } from '../deps';
import { findPack } from './manage-packs';

export interface PackForRow {
  id: string;
  references: ReferenceImage[];
  logo: ReferenceImage | null;
  palette: string[];
  /** The brand kit's fonts, or null for Rowshot's own. */
  fonts: BrandFonts | null;
  /** The brand kit version the row used (0: no kit). */
  brandKitVersion: number;
  /** The brand kit's style (colours, scrim, position, sizes, logo, margins), or null: automatic. */
  kit: BrandKitStyle | null;
  /** What the row's provenance records name: the pack and the SHA-256 of each file it used. */
  provenance: { packId: string; updatedAt: string; referenceSha256: string[]; logoSha256: string | null; headlineFontSha256: string | null; sublineFontSha256: string | null };
}

const MAX_CACHE_BYTES = 64 * 1024 * 1024;

async function blob(deps: CoreDeps, key: string): Promise<Buffer | null> {
  const cache = deps.state.packBlobs;
  const hit = cache.entries.get(key);
  if (hit) return hit;
  const b = await deps.store.get(key);
  if (!b) return null;
  if (cache.bytes + b.data.length > MAX_CACHE_BYTES) {
    cache.entries.clear();
    cache.bytes = 0;
  }
  cache.entries.set(key, b.data);
  cache.bytes += b.data.length;
  return b.data;
}

export async function loadPackForRow(deps: CoreDeps, tenant: string, nameOrId: string): Promise<PackForRow | null> {
  const pack = await findPack(deps, tenant, nameOrId);
  if (!pack) return null;
  const references: ReferenceImage[] = [];
  const referenceSha256: string[] = [];
  for (const img of pack.images) {
    const data = await blob(deps, img.key);
    if (data) {
      references.push({ data, mimeType: img.mimeType, mode: img.mode });
      referenceSha256.push(img.id);
    }
  }
  const logoData = pack.logo ? await blob(deps, pack.logo.key) : null;
  const kit = pack.brandKit;
  const headline = kit?.headlineFont ? await blob(deps, kit.headlineFont.key) : null;
  const subline = kit?.sublineFont ? await blob(deps, kit.sublineFont.key) : null;
  const fonts: BrandFonts | null =
    headline || subline ? { id: `${kit?.headlineFont?.sha256 ?? '-'}:${kit?.sublineFont?.sha256 ?? '-'}`, headline, subline } : null;
  return {
    id: pack.id,
    references,
    logo: pack.logo && logoData ? { data: logoData, mimeType: pack.logo.mimeType, mode: pack.logo.mode } : null,
    palette: pack.palette,
    fonts,
    brandKitVersion: kit?.version ?? 0,
    kit: kit?.style && Object.keys(kit.style).length > 0 ? kit.style : null,
    provenance: {
      packId: pack.id, updatedAt: pack.updatedAt, referenceSha256, logoSha256: pack.logo && logoData ? pack.logo.id : null,
      headlineFontSha256: headline ? (kit?.headlineFont?.sha256 ?? null) : null, sublineFontSha256: subline ? (kit?.sublineFont?.sha256 ?? null) : null,
    },
  };
}
