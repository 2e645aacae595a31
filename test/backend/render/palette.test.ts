import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { extractPalette } from '../../../backend/src/render/palette';
import { makeThumbnail } from '../../../backend/src/render/thumbnail';

describe('extractPalette', () => {
  it('finds the two colours of a two-colour image, most frequent first', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="1280" height="640">' +
      '<rect width="900" height="640" fill="#d62828"/><rect x="900" width="380" height="640" fill="#1d3557"/></svg>';
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    expect(await extractPalette(png)).toEqual(['#d62828', '#1d3557']);
    expect(await extractPalette(png, 1)).toEqual(['#d62828']);
  });

  it('merges near-identical shades and ignores transparent pixels', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200">' +
      '<rect width="100" height="100" fill="#00b050"/><rect y="100" width="100" height="100" fill="#04b454"/></svg>';
    const png = await sharp(Buffer.from(svg)).png().toBuffer();
    const palette = await extractPalette(png);
    expect(palette).toHaveLength(1);
    expect(palette[0]).toMatch(/^#0[0-4]b[0-4]5[0-4]$/);
  });

  it('rejects data that is not an image', async () => {
    await expect(extractPalette(Buffer.from('nope'))).rejects.toThrow();
  });
});

describe('makeThumbnail', () => {
  it('makes a 256 px JPEG of an opaque image and a WebP of a transparent one', async () => {
    const opaque = await sharp({ create: { width: 1024, height: 576, channels: 3, background: '#336699' } }).png().toBuffer();
    const thumb = await makeThumbnail(opaque);
    expect(thumb).toMatchObject({ mimeType: 'image/jpeg', width: 256, height: 144 });
    expect((await sharp(thumb.data).metadata()).format).toBe('jpeg');

    const transparent = await sharp({ create: { width: 400, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    const t2 = await makeThumbnail(transparent);
    expect(t2).toMatchObject({ mimeType: 'image/webp', width: 128, height: 256 });
  });
});
