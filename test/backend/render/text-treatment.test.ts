// One treatment per set: the sizes of a row, and rows sharing a pack, get the same text colour
// (computed here from the output pixels), even when each size's crop of the reference would
// on its own call for the other colour.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { AspectRatio } from '../../../shared/index';
import { DARK_TEXT, LIGHT_TEXT } from '../../../backend/src/render/contrast';
import { parseHex } from '../../../backend/src/render/color';
import { TemplateRenderer } from '../../../backend/src/render/template-renderer';
import { generateRequest } from '../../helpers/generate-request';

const renderer = new TemplateRenderer();

/** How many pixels are (almost exactly) the light and the dark text colour. */
async function textColour(png: Buffer): Promise<'light' | 'dark' | 'unclear'> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const count = (hex: string): number => {
    const { r, g, b } = parseHex(hex)!;
    let n = 0;
    for (let i = 0; i < data.length; i += info.channels) if (Math.abs((data[i] ?? 0) - r) + Math.abs((data[i + 1] ?? 0) - g) + Math.abs((data[i + 2] ?? 0) - b) <= 3) n++;
    return n;
  };
  const light = count(LIGHT_TEXT);
  const dark = count(DARK_TEXT);
  if (light > 2000 && dark < light / 20) return 'light';
  if (dark > 2000 && light < dark / 20) return 'dark';
  return 'unclear';
}

describe('one treatment per set', () => {
  it('gives every size of a row and every row of a pack the same text colour', async () => {
    // Half bright, half dark, the eye-catcher on the dark half: the attention crop of a tall size
    // lands on the dark half, a wide one keeps the bright half under the text. Judged crop by
    // crop, the sizes would get different colours.
    const reference = await sharp(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900"><rect width="800" height="900" fill="#f2efe6"/><rect x="800" width="800" height="900" fill="#1d2430"/><circle cx="1200" cy="450" r="150" fill="#ff3300"/><circle cx="1200" cy="450" r="60" fill="#ffffff"/></svg>'),
    ).png().toBuffer();
    const references = [{ data: reference, mimeType: 'image/png', mode: 'style_and_composition' as const }];
    const ratios: AspectRatio[] = ['1:1', '16:9', '9:16', '4:5', '21:9'];
    const colours: string[] = [];
    for (const [headline, prompt] of [['Spring collection', 'linen shirts'], ['Summer sale ends Friday', 'sandals on sand']]) {
      for (const aspectRatio of ratios) {
        const outcome = await renderer.generate(generateRequest('template', prompt!, { headline: headline!, subline: 'Shop now', aspectRatio, references }));
        expect(outcome.ok).toBe(true);
        if (outcome.ok) colours.push(await textColour(outcome.image.data));
      }
    }
    expect(colours).toHaveLength(10);
    expect(colours[0]).not.toBe('unclear');
    expect(new Set(colours)).toEqual(new Set([colours[0]]));
  });
});
