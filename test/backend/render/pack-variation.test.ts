// Variants and pack images in the template renderer: two variants of one size are never the
// same bytes, a pack's composition images rotate by the row's place in the batch (three rows,
// three backgrounds),
// style-only images colour and texture the gradient, and the same (row, variant) gives the same bytes.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { GenerateOutcome, GeneratedImage, ReferenceImage } from '../../../backend/src/ports/image-provider';
import { TemplateRenderer, templateLayoutFor } from '../../../backend/src/render/template-renderer';
import type { BrandKitStyle } from '../../../shared/index';
import { rotatingImage } from '../../../backend/src/render/pack-variation';
import { generateRequest } from '../../helpers/generate-request';

const renderer = new TemplateRenderer();

function image(outcome: GenerateOutcome): GeneratedImage {
  if (!outcome.ok) throw new Error(`expected an image, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.image;
}

const solid = (color: string, w = 640, h = 480): Promise<Buffer> => sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();
/** A photo-like image: a bright disc off-centre on a darker field (so crops differ). */
const photo = (color: string): Promise<Buffer> =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="900" height="700"><rect width="900" height="700" fill="#203040"/><circle cx="620" cy="260" r="170" fill="${color}"/></svg>`)).png().toBuffer();
const ref = (data: Buffer, mode: ReferenceImage['mode'] = 'style_and_composition'): ReferenceImage => ({ data, mimeType: 'image/png', mode });

async function centre(png: Buffer): Promise<number[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height / 4) * info.width + Math.floor(info.width / 4)) * 3;
  return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
}

describe('template variants and pack images', () => {
  it('never gives two variants of one size the same bytes, with or without a pack, and repeats each exactly', async () => {
    const packs: ReferenceImage[][] = [[], [ref(await solid('#4a7b9d'))], [ref(await photo('#e0a040'))], [ref(await solid('#c04040'), 'style_only')]];
    for (const references of packs) {
      const outs: Buffer[] = [];
      for (let variant = 1; variant <= 4; variant++) {
        const req = generateRequest('template', 'a lamp', { seedKey: 'r_lamp', variant, references, width: 432, height: 540, aspectRatio: '4:5', headline: 'Aurora' });
        const a = image(await renderer.generate(req));
        const b = image(await renderer.generate(req));
        expect(a.data.equals(b.data), `variant ${variant} repeats`).toBe(true);
        outs.push(a.data);
      }
      for (let i = 0; i < outs.length; i++) {
        for (let j = i + 1; j < outs.length; j++) expect(outs[i]!.equals(outs[j]!), `${references.length} refs: v${i + 1} vs v${j + 1}`).toBe(false);
      }
    }
  }, 120_000);

  it('rotates a three-image pack across three rows: three different backgrounds, the next image for variant 2', async () => {
    const colors = ['#d02020', '#20a040', '#2050e0'];
    const references = await Promise.all(colors.map(async (c) => ref(await solid(c))));
    const rowIds = ['r_a', 'r_b', 'r_c'];
    const seen: string[] = [];
    for (const [rotation, seedKey] of rowIds.entries()) {
      const out = image(await renderer.generate(generateRequest('template', 'campaign', { seedKey, rotation, references })));
      seen.push((await centre(out.data)).join(','));
    }
    expect(new Set(seen).size).toBe(3);
    // Each later variant of a row takes the pack's next image.
    expect(rotatingImage(references, 'style_and_composition', 0, 1)).toBe(references[0]);
    expect(rotatingImage(references, 'style_and_composition', 0, 2)).toBe(references[1]);
    for (const [rotation, seedKey] of rowIds.entries()) {
      const index = async (variant: number) => {
        const out = image(await renderer.generate(generateRequest('template', 'campaign', { seedKey, rotation, references, variant })));
        return colors.indexOf(nearestOf(colors, await centre(out.data)));
      };
      const i1 = await index(1);
      expect(await index(2)).toBe((i1 + 1) % 3);
    }
  }, 60_000);

  it('lets style-only images colour and texture the gradient (a red style image gives a red-leaning background)', async () => {
    const plain = image(await renderer.generate(generateRequest('template', 'campaign', { seedKey: 'r_a' })));
    const red = image(await renderer.generate(generateRequest('template', 'campaign', { seedKey: 'r_a', references: [ref(await photo('#ff2020'), 'style_only')] })));
    const blue = image(await renderer.generate(generateRequest('template', 'campaign', { seedKey: 'r_a', references: [ref(await photo('#2040ff'), 'style_only')] })));
    expect(red.data.equals(plain.data)).toBe(false);
    const mean = async (png: Buffer) => (await sharp(png).stats()).channels.map((c) => c.mean);
    const [rr = 0, , rb = 0] = await mean(red.data);
    const [br = 0, , bb = 0] = await mean(blue.data);
    expect(rr - rb).toBeGreaterThan(br - bb);
    // A texture: the style image's disc shows as light and shade in the gradient.
    expect((await sharp(red.data).stats()).channels[0]!.stdev).toBeGreaterThan(3);
  });

  it('gives even variants the layout alternative (upper third over a picture, start-aligned over a gradient) unless the kit fixes it', () => {
    const text = { headline: 'Aurora lamp, now in brass', subline: 'Light that lasts' };
    const at = (composition: boolean, variant: number, kit?: BrandKitStyle) => {
      const l = templateLayoutFor({ ...text, ...(kit ? { kit } : {}) }, 1080, 1350, null, composition, variant);
      return { mode: l.mode, align: l.align, top: l.textRect.top < 1350 / 2, size: l.block.headline?.fontSize };
    };
    expect(at(true, 1)).toMatchObject({ mode: 'lower-third', top: false });
    expect(at(true, 2)).toMatchObject({ mode: 'upper-third', top: true });
    expect(at(true, 3)).toMatchObject({ mode: 'lower-third' });
    expect(at(false, 1)).toMatchObject({ mode: 'centered', align: 'center' });
    expect(at(false, 2)).toMatchObject({ mode: 'centered', align: 'start' });
    // The same headline size either way: a set's shared size fits every variant.
    expect(at(true, 2).size).toBe(at(true, 1).size);
    // A brand kit that places or aligns the text is kept on every variant.
    expect(at(true, 2, { position: 'bottom' })).toMatchObject({ mode: 'lower-third' });
    expect(at(false, 2, { align: 'center' })).toMatchObject({ align: 'center' });
  });

  it("uses a row's own Reference image as its background, not the pack's rotation", async () => {
    const pack = [ref(await photo('#20c040')), ref(await photo('#2060ff'))];
    const product = { ...ref(await photo('#ff2020')), source: 'row' as const };
    for (const rotation of [0, 1]) {
      const own = image(await renderer.generate(generateRequest('template', 'lamp', { seedKey: 'r_a', rotation, references: [product, ...pack] })));
      expect(nearestOf(['#ff2020', '#20c040', '#2060ff', '#203040'], await discColour(own.data))).toBe('#ff2020');
    }
  });
});

/** The colour where the test photo's disc lands in a cover crop of it (right of centre, upper half). */
async function discColour(png: Buffer): Promise<number[]> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (Math.floor(info.height * 0.37) * info.width + Math.floor(info.width * 0.69)) * 3;
  return [data[i] ?? 0, data[i + 1] ?? 0, data[i + 2] ?? 0];
}

function nearestOf(colors: string[], rgb: number[]): string {
  const d = (hex: string) => {
    const v = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    return v.reduce((s, x, k) => s + (x - (rgb[k] ?? 0)) ** 2, 0);
  };
  return [...colors].sort((a, b) => d(a) - d(b))[0] ?? '';
}
