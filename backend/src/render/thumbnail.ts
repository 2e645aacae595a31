// Thumbnails: 256 px on the long side (never enlarged). JPEG for opaque images (every viewer
// and spreadsheet shows it), WebP for images with transparency (keeps it, unlike JPEG, and
// is far smaller than PNG).
import sharp from 'sharp';
import type { ImageMimeType } from './image-type';
import { untrustedInput } from './image-limits';

export const THUMBNAIL_LONG_SIDE = 256;

export interface EncodedImage {
  data: Buffer;
  mimeType: ImageMimeType;
  width: number;
  height: number;
}

/** Raw 8-bit interleaved pixels (3 = RGB, 4 = RGBA). */
export interface RawPixels {
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/** Thumbnail of raw pixels; `hasAlpha` says whether transparency must be kept. */
export async function thumbnailFromRaw(pixels: RawPixels, hasAlpha: boolean): Promise<EncodedImage> {
  let pipeline = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: pixels.channels } }).resize(
    THUMBNAIL_LONG_SIDE,
    THUMBNAIL_LONG_SIDE,
    { fit: 'inside', withoutEnlargement: true },
  );
  if (!hasAlpha && pixels.channels === 4) pipeline = pipeline.removeAlpha();
  const encoded = hasAlpha
    ? pipeline.webp({ quality: 80, alphaQuality: 90, effort: 4 })
    : pipeline.jpeg({ quality: 80, chromaSubsampling: '4:2:0' });
  const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
  return { data, mimeType: hasAlpha ? 'image/webp' : 'image/jpeg', width: info.width, height: info.height };
}

/** True when a 4-channel raw image has any pixel that is not fully opaque. */
export function usesAlpha(pixels: RawPixels): boolean {
  if (pixels.channels !== 4) return false;
  for (let i = 3; i < pixels.data.length; i += 4) if (pixels.data[i] !== 255) return true;
  return false;
}

/**
 * Thumbnail of an encoded image (a generated image or an upload). Rejects when the image
 * cannot be decoded.
 */
export async function makeThumbnail(image: Buffer): Promise<EncodedImage> {
  const { data, info } = await sharp(image, untrustedInput())
    .resize(THUMBNAIL_LONG_SIDE * 2, THUMBNAIL_LONG_SIDE * 2, { fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels: RawPixels = { data, width: info.width, height: info.height, channels: 4 };
  return thumbnailFromRaw(pixels, usesAlpha(pixels));
}
