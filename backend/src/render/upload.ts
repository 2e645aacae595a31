// Upload pipeline for pack images and logos: size limit, type from magic bytes, a
// decompression-bomb guard on the declared dimensions before decoding, then decode (EXIF
// auto-rotation), strip all metadata, normalise and make a thumbnail.
//
// Normalised encoding: images that really use transparency stay PNG (lossless, keeps the
// alpha a logo needs); everything else becomes JPEG quality 88 with 4:4:4 chroma (no colour
// smearing on the brand-coloured edges and text that pack images often have). JPEG rather than
// WebP because every image model API, spreadsheet and viewer accepts it.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { MAX_UPLOAD_BYTES } from '../../../shared/index';
import { sniffImageType } from './image-type';
import { errorDetail, MAX_INPUT_PIXELS, MAX_INPUT_SIDE, untrustedInput } from './image-limits';
import { thumbnailFromRaw, usesAlpha, type EncodedImage, type RawPixels } from './thumbnail';

/** Normalised images are at most this many pixels on the long side. */
export const NORMALISED_LONG_SIDE = 2048;
export const NORMALISED_JPEG_QUALITY = 88;

export interface UploadOptions {
  /** Default MAX_UPLOAD_BYTES (10 MB). */
  maxBytes?: number;
  /** Default 40 megapixels. */
  maxPixels?: number;
  /** Default 12,000 px. */
  maxSide?: number;
}

export type UploadErrorCode = 'payload_too_large' | 'unsupported_media_type' | 'invalid_image';

export type UploadResult =
  | { ok: true; image: EncodedImage & { /** Hex SHA-256 of the normalised bytes. */ sha256: string }; thumbnail: EncodedImage }
  | { ok: false; code: UploadErrorCode; detail: string };

const fail = (code: UploadErrorCode, detail: string): UploadResult => ({ ok: false, code, detail });

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  // Whole megabytes for the limit; a file just over it shows enough digits to differ from it.
  return Number.isInteger(mb) ? `${mb} MB` : `${mb < 10 ? mb.toFixed(1) : mb.toFixed(2).replace(/0$/, '')} MB`;
}

export async function processUpload(data: Buffer, opts: UploadOptions = {}): Promise<UploadResult> {
  const maxBytes = opts.maxBytes ?? MAX_UPLOAD_BYTES;
  const maxPixels = opts.maxPixels ?? MAX_INPUT_PIXELS;
  const maxSide = opts.maxSide ?? MAX_INPUT_SIDE;

  if (data.length > maxBytes) {
    return fail('payload_too_large', `the file is ${megabytes(data.length)}, over the limit of ${megabytes(maxBytes)}`);
  }
  if (data.length === 0) return fail('invalid_image', 'the file is empty');
  const type = sniffImageType(data);
  if (!type.supported) {
    return fail('unsupported_media_type', `the file is ${type.detected}; upload a PNG, JPEG or WebP image`);
  }

  // Header only: no pixel is decoded here, so a bomb costs nothing to detect.
  let width: number;
  let height: number;
  try {
    const meta = await sharp(data, { limitInputPixels: false }).metadata();
    if (meta.format !== type.format) {
      return fail('invalid_image', `the file starts like a ${type.format.toUpperCase()} image but could not be read as one`);
    }
    width = meta.width;
    height = meta.height;
  } catch (err) {
    return fail('invalid_image', `the image header could not be read: ${errorDetail(err)}`);
  }
  if (!(width > 0 && height > 0)) return fail('invalid_image', 'the image declares no dimensions');
  if (width > maxSide || height > maxSide || width * height > maxPixels) {
    const mp = ((width * height) / 1e6).toFixed(1);
    return fail(
      'invalid_image',
      `the image declares ${width}×${height} pixels (${mp} megapixels); the limit is ${maxPixels / 1e6} megapixels and ${maxSide} px per side`,
    );
  }

  let pixels: RawPixels;
  try {
    // Auto-orient, shrink, convert to sRGB; going through raw pixels drops EXIF (GPS
    // included), XMP, IPTC and ICC metadata.
    const out = await sharp(data, untrustedInput(maxPixels))
      .resize(NORMALISED_LONG_SIDE, NORMALISED_LONG_SIDE, { fit: 'inside', withoutEnlargement: true })
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    pixels = { data: out.data, width: out.info.width, height: out.info.height, channels: 4 };
  } catch (err) {
    return fail('invalid_image', `the image data is corrupt or truncated: ${errorDetail(err)}`);
  }

  const alpha = usesAlpha(pixels);
  const input = sharp(pixels.data, { raw: { width: pixels.width, height: pixels.height, channels: 4 } });
  const encoded = alpha
    ? await input.png({ compressionLevel: 6, adaptiveFiltering: true }).toBuffer()
    : await input.removeAlpha().jpeg({ quality: NORMALISED_JPEG_QUALITY, chromaSubsampling: '4:4:4' }).toBuffer();
  const thumbnail = await thumbnailFromRaw(pixels, alpha);
  return {
    ok: true,
    image: {
      data: encoded,
      mimeType: alpha ? 'image/png' : 'image/jpeg',
      width: pixels.width,
      height: pixels.height,
      sha256: createHash('sha256').update(encoded).digest('hex'),
    },
    thumbnail,
  };
}
