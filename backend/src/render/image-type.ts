// File type detection from magic bytes only (never from a file name or a declared type).

export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/webp';

export type SniffResult =
  | { supported: true; mimeType: ImageMimeType; format: 'png' | 'jpeg' | 'webp' }
  | { supported: false; /** What the bytes look like, e.g. "a GIF image". */ detected: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(data: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (data.length < offset + bytes.length) return false;
  return bytes.every((b, i) => data[offset + i] === b);
}

function ascii(data: Uint8Array, start: number, end: number): string {
  return Buffer.from(data.subarray(start, Math.min(end, data.length))).toString('latin1');
}

function looksLikeText(data: Uint8Array): boolean {
  const n = Math.min(data.length, 1024);
  let control = 0;
  for (let i = 0; i < n; i++) {
    const b = data[i] ?? 0;
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) control++;
  }
  return control <= n * 0.02;
}

/** Detects PNG, JPEG and WebP; anything else is described for the error message. */
export function sniffImageType(data: Uint8Array): SniffResult {
  if (data.length === 0) return { supported: false, detected: 'an empty file' };
  if (startsWith(data, PNG_SIGNATURE)) return { supported: true, mimeType: 'image/png', format: 'png' };
  if (startsWith(data, [0xff, 0xd8, 0xff])) return { supported: true, mimeType: 'image/jpeg', format: 'jpeg' };
  if (ascii(data, 0, 4) === 'RIFF') {
    const kind = ascii(data, 8, 12);
    if (kind === 'WEBP') return { supported: true, mimeType: 'image/webp', format: 'webp' };
    if (kind === 'WAVE') return { supported: false, detected: 'a WAV audio file' };
    if (kind === 'AVI ') return { supported: false, detected: 'an AVI video' };
    return { supported: false, detected: 'a RIFF file' };
  }
  const head = ascii(data, 0, 8);
  if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return { supported: false, detected: 'a GIF image' };
  if (head.startsWith('BM')) return { supported: false, detected: 'a BMP image' };
  if (startsWith(data, [0x49, 0x49, 0x2a, 0x00]) || startsWith(data, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { supported: false, detected: 'a TIFF image' };
  }
  if (startsWith(data, [0x00, 0x00, 0x01, 0x00])) return { supported: false, detected: 'an ICO image' };
  if (startsWith(data, [0xff, 0x0a]) || ascii(data, 4, 8) === 'JXL ') return { supported: false, detected: 'a JPEG XL image' };
  if (ascii(data, 4, 8) === 'ftyp') {
    const brand = ascii(data, 8, 12);
    if (brand === 'avif' || brand === 'avis') return { supported: false, detected: 'an AVIF image' };
    if (['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'mif1', 'msf1'].includes(brand)) {
      return { supported: false, detected: 'a HEIC/HEIF image' };
    }
    return { supported: false, detected: 'an MP4/QuickTime video' };
  }
  if (head.startsWith('%PDF')) return { supported: false, detected: 'a PDF document' };
  if (startsWith(data, [0x50, 0x4b, 0x03, 0x04])) return { supported: false, detected: 'a ZIP archive (or Office document)' };
  if (startsWith(data, [0x1f, 0x8b])) return { supported: false, detected: 'gzip-compressed data' };
  if (looksLikeText(data)) {
    const text = Buffer.from(data.subarray(0, 2048)).toString('utf8').replace(/^\uFEFF/, '').trimStart().toLowerCase();
    if (text.startsWith('<') && text.includes('<svg')) return { supported: false, detected: 'an SVG image' };
    if (text.startsWith('<!doctype html') || text.startsWith('<html')) return { supported: false, detected: 'an HTML document' };
    if (text.startsWith('<?xml')) return { supported: false, detected: 'an XML document' };
    return { supported: false, detected: 'a text file' };
  }
  return { supported: false, detected: 'an unrecognised binary file' };
}
