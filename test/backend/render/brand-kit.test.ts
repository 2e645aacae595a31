// Both renderers honour a pack's brand kit, measured from the pixels: the kit's text colour is
// drawn exactly, where the kit's position puts it, with the logo in the kit's corner.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { BrandKitStyle } from '../../../shared/index';
import { TemplateRenderer } from '../../../backend/src/render/template-renderer';
import { overlayText } from '../../../backend/src/render/text-overlay';
import { generateRequest } from '../../helpers/generate-request';

const renderer = new TemplateRenderer();

/** Pixels of (almost exactly) `rgb` in the top and the bottom half, and in the top-left quarter. */
async function where(png: Buffer, rgb: [number, number, number]) {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const out = { top: 0, bottom: 0, topLeft: 0 };
  for (let y = 0; y < info.height; y++) {
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      if (Math.abs((data[i] ?? 0) - rgb[0]) + Math.abs((data[i + 1] ?? 0) - rgb[1]) + Math.abs((data[i + 2] ?? 0) - rgb[2]) > 6) continue;
      if (y < info.height / 2) out.top++;
      else out.bottom++;
      if (y < info.height / 2 && x < info.width / 2) out.topLeft++;
    }
  }
  return out;
}

const YELLOW: [number, number, number] = [0xff, 0xd4, 0x00];

describe('brand kits in the renderers', () => {
  it('template: the kit colour, at the kit position, the logo in the kit corner', async () => {
    const logo = await sharp({ create: { width: 200, height: 200, channels: 4, background: '#e0102f' } }).png().toBuffer();
    const request = (kit: BrandKitStyle) =>
      generateRequest('template', 'evening sky', { headline: 'Hello Kenji', subline: 'Ten years with us', logo: { data: logo, mimeType: 'image/png', mode: 'style_and_composition' }, kit });
    const top = await renderer.generate(request({ headlineColor: '#ffd400', sublineColor: '#ffd400', position: 'top', logoPosition: 'bottom-left' }));
    const bottom = await renderer.generate(request({ headlineColor: '#ffd400', position: 'bottom', logoPosition: 'top-left', scrim: 'plate' }));
    if (!top.ok || !bottom.ok) throw new Error('render failed');

    const t = await where(top.image.data, YELLOW);
    expect(t.top).toBeGreaterThan(2000);
    expect(t.bottom).toBe(0);
    const b = await where(bottom.image.data, YELLOW);
    expect(b.bottom).toBeGreaterThan(2000);
    expect(b.top).toBe(0);

    const red: [number, number, number] = [0xe0, 0x10, 0x2f];
    expect((await where(bottom.image.data, red)).topLeft).toBeGreaterThan(5000);
    expect((await where(top.image.data, red)).topLeft).toBe(0);
  });

  it('overlay: the kit colour and position on an AI image, and no scrim when the kit says none', async () => {
    const scene = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#30343a' } }).png().toBuffer();
    const result = await overlayText({
      image: scene, headline: 'Quiet mornings', subline: '', logo: null, aspectRatio: '1:1',
      kit: { headlineColor: '#ffd400', position: 'top', scrim: 'none', align: 'start' },
    });
    if (!result.ok) throw new Error(result.reason);
    expect(result.placement.position).toBe('top');
    expect(result.placement.scrimOpacity).toBe(0);
    expect(result.placement.textRect?.left).toBe(Math.round(1024 * 0.07));
    const y = await where(result.image.data, YELLOW);
    expect(y.top).toBeGreaterThan(2000);
    expect(y.bottom).toBe(0);
    expect(y.topLeft).toBeGreaterThan(y.top / 2);
  });
});
