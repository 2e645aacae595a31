import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../../shared/index';
import { processUpload, type UploadResult } from '../../../backend/src/render/upload';
import { declaredPng } from '../../helpers/png';

type Ok = Extract<UploadResult, { ok: true }>;

function ok(result: UploadResult): Ok {
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.detail}`);
  return result;
}

/** A photo-like opaque image (noise, so it does not compress to nothing). */
async function noisy(width: number, height: number): Promise<Sharp> {
  const raw = await sharp({ create: { width, height, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 50 } } })
    .raw()
    .toBuffer();
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

/** Whether a TIFF-structured EXIF block (as sharp returns it) has a GPS IFD pointer in IFD0. */
function hasGpsIfd(exif: Buffer): boolean {
  const tiff = exif.toString('latin1', 0, 6) === 'Exif\0\0' ? 6 : 0;
  const le = exif.toString('latin1', tiff, tiff + 2) === 'II';
  const u16 = (o: number): number => (le ? exif.readUInt16LE(o) : exif.readUInt16BE(o));
  const u32 = (o: number): number => (le ? exif.readUInt32LE(o) : exif.readUInt32BE(o));
  const ifd0 = tiff + u32(tiff + 4);
  for (let i = 0; i < u16(ifd0); i++) if (u16(ifd0 + 2 + 12 * i) === 0x8825) return true;
  return false;
}

describe('processUpload', () => {
  it('normalises an opaque PNG to JPEG with a SHA-256 of the normalised bytes and a thumbnail', async () => {
    const png = await (await noisy(640, 480)).png().toBuffer();
    const result = ok(await processUpload(png));
    expect(result.image).toMatchObject({ mimeType: 'image/jpeg', width: 640, height: 480 });
    expect(result.image.sha256).toBe(createHash('sha256').update(result.image.data).digest('hex'));
    expect((await sharp(result.image.data).metadata()).format).toBe('jpeg');
    expect(result.thumbnail).toMatchObject({ mimeType: 'image/jpeg', width: 256, height: 192 });
    expect((await sharp(result.thumbnail.data).metadata()).format).toBe('jpeg');
    // Same upload, same bytes: content addressing works.
    expect(ok(await processUpload(png)).image.sha256).toBe(result.image.sha256);
  });

  it('keeps PNG (and transparency) for images that use alpha; WebP thumbnail', async () => {
    const logo = await sharp(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="600" height="300"><rect x="50" y="50" width="500" height="200" rx="60" fill="#e63946"/></svg>'),
    )
      .png()
      .toBuffer();
    const result = ok(await processUpload(logo));
    expect(result.image).toMatchObject({ mimeType: 'image/png', width: 600, height: 300 });
    const { data, info } = await sharp(result.image.data).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0); // top-left corner still transparent
    expect(result.thumbnail).toMatchObject({ mimeType: 'image/webp', width: 256, height: 128 });
    expect((await sharp(result.thumbnail.data).metadata()).hasAlpha).toBe(true);
  });

  it('accepts WebP and shrinks large images to 2048 px on the long side', async () => {
    const webp = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#2a9d8f' } }).webp().toBuffer();
    const result = ok(await processUpload(webp));
    expect(result.image).toMatchObject({ mimeType: 'image/jpeg', width: 2048, height: 683 });
  });

  it('strips EXIF (GPS included) after applying the EXIF orientation', async () => {
    const jpeg = await (await noisy(300, 200))
      .jpeg()
      .withExif({
        IFD0: { Copyright: 'Someone', Make: 'PhoneCo' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' },
      })
      .toBuffer();
    const rotated = await sharp(jpeg).withMetadata({ orientation: 6 }).withExifMerge({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } }).jpeg().toBuffer();
    const before = await sharp(rotated).metadata();
    expect(before.orientation).toBe(6);
    expect(hasGpsIfd(before.exif ?? Buffer.alloc(0))).toBe(true);

    const result = ok(await processUpload(rotated));
    expect([result.image.width, result.image.height]).toEqual([200, 300]);
    const after = await sharp(result.image.data).metadata();
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(result.image.data.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect(result.image.data.includes(Buffer.from('Exif\0\0'))).toBe(false);
  });

  it('refuses files over the size limit before looking at them', async () => {
    const big = Buffer.alloc(MAX_UPLOAD_BYTES + 1);
    expect(await processUpload(big)).toMatchObject({ ok: false, code: 'payload_too_large' });
    const png = await (await noisy(100, 100)).png().toBuffer();
    const small = await processUpload(png, { maxBytes: 1000 });
    expect(small).toMatchObject({ ok: false, code: 'payload_too_large' });
    if (!small.ok) expect(small.detail).toMatch(/limit/);
  });

  it('refuses what is not PNG, JPEG or WebP by its bytes, naming what it found', async () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from('name,price\nmug,12\n'), /text/],
      [Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'), /SVG/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), /SVG/],
      [await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).gif().toBuffer(), /GIF/],
      [await sharp({ create: { width: 8, height: 8, channels: 3, background: '#f00' } }).tiff().toBuffer(), /TIFF/],
      [Buffer.from('%PDF-1.7\n...'), /PDF/],
    ];
    for (const [data, detail] of cases) {
      const result = await processUpload(data);
      expect(result, detail.source).toMatchObject({ ok: false, code: 'unsupported_media_type' });
      if (!result.ok) expect(result.detail).toMatch(detail);
    }
  });

  it('refuses truncated and corrupt images', async () => {
    const png = await (await noisy(400, 300)).png().toBuffer();
    const jpeg = await (await noisy(400, 300)).jpeg().toBuffer();
    for (const data of [
      png.subarray(0, Math.floor(png.length * 0.6)),
      jpeg.subarray(0, Math.floor(jpeg.length * 0.6)),
      png.subarray(0, 40),
      Buffer.concat([png.subarray(0, 8), Buffer.from('garbage that is not a chunk')]),
      Buffer.alloc(0),
    ]) {
      const result = await processUpload(data);
      expect(result).toMatchObject({ ok: false, code: 'invalid_image' });
    }
  });

  it('refuses decompression bombs from the declared header, before decoding', async () => {
    const bomb = declaredPng(50_000, 50_000);
    expect(bomb.length).toBeLessThan(10_000);
    const result = await processUpload(bomb);
    expect(result).toMatchObject({ ok: false, code: 'invalid_image' });
    if (!result.ok) expect(result.detail).toMatch(/50000×50000.*40 megapixels/);

    // A genuinely long, low-entropy image: under the pixel limit but over the side limit.
    const strip = await sharp({ create: { width: 13_000, height: 4, channels: 3, background: '#888' } }).png().toBuffer();
    const long = await processUpload(strip);
    expect(long).toMatchObject({ ok: false, code: 'invalid_image' });
    if (!long.ok) expect(long.detail).toMatch(/12000 px per side/);

    const normal = await (await noisy(300, 300)).png().toBuffer();
    expect(await processUpload(normal, { maxPixels: 50_000 })).toMatchObject({ ok: false, code: 'invalid_image' });
  });
});
