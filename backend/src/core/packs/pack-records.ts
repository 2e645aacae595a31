import type { Pack, PackImageMode } from '../../../../shared/index';
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

export interface StoredPack {
  id: string;
  name: string;
  images: StoredPackImage[];
  logo: StoredPackImage | null;
  palette: string[];
  createdAt: string;
  updatedAt: string;
}

/** Pack names are unique per tenant, compared trimmed and case-insensitively. */
export const nameHash = (name: string): string => sha256Hex(name.trim().toLowerCase());

export function toPack(p: StoredPack, link: LinkFor): Pack {
  const img = (i: StoredPackImage) => ({ id: i.id, mode: i.mode, width: i.width, height: i.height, url: link(i.key), thumbnailUrl: link(i.thumbKey) });
  return { id: p.id, name: p.name, images: p.images.map(img), logo: p.logo ? img(p.logo) : null, palette: p.palette, createdAt: p.createdAt, updatedAt: p.updatedAt };
}
