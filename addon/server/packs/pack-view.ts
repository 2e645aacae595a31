// Backend packs and uploads as the Packs sidebar shows them (JSON-safe, thumbnails only).
import type { Pack, PackImage, Upload } from '../../../shared/index';
import type { PackImageView, PackView, UploadView } from '../rpc';

const imageView = (img: PackImage): PackImageView => ({ id: img.id, mode: img.mode, thumbnailUrl: img.thumbnailUrl, width: img.width, height: img.height });

export function packView(pack: Pack): PackView {
  return {
    id: pack.id,
    name: pack.name,
    images: pack.images.map(imageView),
    logo: pack.logo ? imageView(pack.logo) : null,
    palette: [...pack.palette],
    brandKit: pack.brandKit
      ? { version: pack.brandKit.version, style: { ...pack.brandKit.style }, headlineFont: pack.brandKit.headlineFont?.family ?? null, sublineFont: pack.brandKit.sublineFont?.family ?? null }
      : null,
    updatedAt: pack.updatedAt,
  };
}

export const uploadView = (u: Upload): UploadView => ({ uploadId: u.id, thumbnailUrl: u.thumbnailUrl, width: u.width, height: u.height });
