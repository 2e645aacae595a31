import type { BrandKitStyle, Pack, PackImageMode } from '../../../../shared/index';
import type { LinkFor } from '../batches/batch-view';
import { sha256Hex } from '../ids';

export interface StoredPackImage {
  /** SHA-256 of the normalised bytes. */
  id: string;
  mode: PackImageMode;
  width: number;
  height: number;
  key: string;
  thumbKey: string;
  mimeType: string;
}

/** A brand font kept with a pack: validated sfnt bytes, content-addressed. */
export interface StoredFont {
  sha256: string;
  key: string;
  family: string;
  bytes: number;
}

/** The brand kit of a pack; `version` goes up with every change. */
export interface StoredBrandKit {
  version: number;
  headlineFont: StoredFont | null;
  sublineFont: StoredFont | null;
  /** Absent on kits made before styles existed (= all automatic). */
  style?: BrandKitStyle;
}

export interface StoredPack {
  id: string;
  name: string;
  images: StoredPackImage[];
  logo: StoredPackImage | null;
  palette: string[];
  brandKit?: StoredBrandKit;
  createdAt: string;
  updatedAt: string;
}

/** Pack names are unique per tenant, compared trimmed and case-insensitively. */
export const nameHash = (name: string): string => sha256Hex(name.trim().toLowerCase());

export function toPack(p: StoredPack, link: LinkFor): Pack {
  const img = (i: StoredPackImage) => ({ id: i.id, mode: i.mode, width: i.width, height: i.height, url: link(i.key), thumbnailUrl: link(i.thumbKey) });
  const font = (f: StoredFont | null) => (f ? { family: f.family, sha256: f.sha256, bytes: f.bytes } : null);
  const brandKit = p.brandKit
    ? { version: p.brandKit.version, headlineFont: font(p.brandKit.headlineFont), sublineFont: font(p.brandKit.sublineFont), style: p.brandKit.style ?? {} }
    : null;
  return { id: p.id, name: p.name, images: p.images.map(img), logo: p.logo ? img(p.logo) : null, palette: p.palette, brandKit, createdAt: p.createdAt, updatedAt: p.updatedAt };
}
