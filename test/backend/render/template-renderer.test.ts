import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ASPECT_RATIOS, nearestAspectRatio, SIZE_PRESETS, type AspectRatio } from '../../../shared/index';
import type { GenerateOutcome, GenerateRequest, GeneratedImage, ReferenceImage } from '../../../backend/src/ports/image-provider';
import { outputSize } from '../../../backend/src/render/dimensions';
import { logoSize, safeMargin } from '../../../backend/src/render/layout';
import { logoPadding } from '../../../backend/src/render/logo';
import { TemplateRenderer } from '../../../backend/src/render/template-renderer';
import { measureText } from '../../../backend/src/render/text-metrics';
import { generateRequest } from '../../helpers/generate-request';

const renderer = new TemplateRenderer();
const DARK = ['#14213d'];
const LIGHT = ['#f7f3e8'];

// The renderer draws at exactly the size asked for: the pixel-position tests below ask for
// 1024×1024 squares; a request naming a ratio gets that ratio at the default long edge (1080).
const request = (over: Partial<GenerateRequest> = {}): GenerateRequest =>
  generateRequest('template', 'a cosy autumn coffee shop', over.aspectRatio === undefined ? { width: 1024, height: 1024, ...over } : over);

function image(outcome: GenerateOutcome): GeneratedImage {
  if (!outcome.ok) throw new Error(`expected an image, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.image;
}

async function render(over: Partial<GenerateRequest> = {}): Promise<GeneratedImage> {
  return image(await renderer.generate(request(over)));
}

interface Pixels {
  data: Buffer;
  width: number;
  height: number;
}

async function pixels(png: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  expect(info.channels).toBe(3);
  return { data, width: info.width, height: info.height };
}

const lumAt = (p: Pixels, x: number, y: number): number => {
  const i = (y * p.width + x) * 3;
  return 0.2126 * (p.data[i] ?? 0) + 0.7152 * (p.data[i + 1] ?? 0) + 0.0722 * (p.data[i + 2] ?? 0);
};

interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Per-pixel comparison of two same-size images inside rect. */
function compare(a: Pixels, b: Pixels, rect: Rect): { changed: number; maxDelta: number; meanSignedDelta: number; bbox: Rect | null } {
  let changed = 0;
  let maxDelta = 0;
  let signed = 0;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -1;
  let y1 = -1;
  for (let y = rect.top; y < rect.top + rect.height; y++) {
    for (let x = rect.left; x < rect.left + rect.width; x++) {
      const d = lumAt(a, x, y) - lumAt(b, x, y);
      const i = (y * a.width + x) * 3;
      const channelDelta = Math.max(
        Math.abs((a.data[i] ?? 0) - (b.data[i] ?? 0)),
        Math.abs((a.data[i + 1] ?? 0) - (b.data[i + 1] ?? 0)),
        Math.abs((a.data[i + 2] ?? 0) - (b.data[i + 2] ?? 0)),
      );
      maxDelta = Math.max(maxDelta, channelDelta);
      if (Math.abs(d) > 40) {
        changed++;
        signed += d;
        x0 = Math.min(x0, x);
        y0 = Math.min(y0, y);
        x1 = Math.max(x1, x);
        y1 = Math.max(y1, y);
      }
    }
  }
  return {
    changed,
    maxDelta,
    meanSignedDelta: changed > 0 ? signed / changed : 0,
    bbox: x1 < 0 ? null : { left: x0, top: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 },
  };
}


/** Largest luminance step between neighbouring pixels: glyph edges are sharp, gradients are not. */
function maxEdge(p: Pixels): number {
  let max = 0;
  for (let y = 0; y < p.height - 1; y++) {
    for (let x = 0; x < p.width - 1; x++) {
      const l = lumAt(p, x, y);
      max = Math.max(max, Math.abs(l - lumAt(p, x + 1, y)), Math.abs(l - lumAt(p, x, y + 1)));
    }
  }
  return max;
}

async function solidPng(width: number, height: number, color: string): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: color } }).png().toBuffer();
}

const ref = (data: Buffer, mode: ReferenceImage['mode'] = 'style_and_composition'): ReferenceImage => ({
  data,
  mimeType: 'image/png',
  mode,
});

describe('TemplateRenderer', () => {
  it('is the zero-cost template provider', () => {
    expect(renderer.name).toBe('template');
    expect(renderer.models).toEqual(['template']);
  });

  it('renders every aspect ratio at its size, as PNG, at no cost', async () => {
    for (const ratio of ASPECT_RATIOS) {
      const outcome = await renderer.generate(request({ aspectRatio: ratio, headline: 'Hello', subline: 'World' }));
      expect(outcome.ok, ratio).toBe(true);
      if (!outcome.ok) continue;
      const size = outputSize(ratio);
      expect(outcome.image).toMatchObject({ mimeType: 'image/png', ...size });
      expect(outcome.costUsd).toBe(0);
      expect(outcome.notes).toEqual([]);
      const meta = await sharp(outcome.image.data).metadata();
      expect([meta.format, meta.width, meta.height], ratio).toEqual(['png', size.width, size.height]);
    }
  });

  it('renders every preset and an exact pixel size at exactly its pixels', async () => {
    const sizes = [...SIZE_PRESETS.map((p) => [p.width, p.height] as const), [1234, 777] as const];
    for (const [width, height] of sizes) {
      const req = request({ aspectRatio: nearestAspectRatio(width, height), width, height, headline: 'Spring sale', subline: 'this week' });
      const out = image(await renderer.generate(req));
      const meta = await sharp(out.data).metadata();
      expect([out.width, out.height, meta.width, meta.height], `${width}x${height}`).toEqual([width, height, width, height]);
    }
  });

  it('gives the same bytes for the same request, different ones for another variant', async () => {
    const logo = { data: await solidPng(120, 60, '#e63946'), mimeType: 'image/png', mode: 'style_only' as const };
    const req = request({ headline: 'Same bytes', subline: 'every time', logo });
    const [a, b] = await Promise.all([renderer.generate(req), renderer.generate(req)]);
    expect(image(a).data.equals(image(b).data)).toBe(true);
    const other = image(await renderer.generate({ ...req, variant: 2 }));
    expect(other.data.equals(image(a).data)).toBe(false);

    const withRef = request({ headline: 'Photo', references: [ref(await solidPng(300, 200, '#4a7b9d'))] });
    const [c, d] = await Promise.all([renderer.generate(withRef), renderer.generate(withRef)]);
    expect(image(c).data.equals(image(d).data)).toBe(true);
  });

  it('draws the headline as real glyphs', async () => {
    const plain = await pixels((await render({ palette: DARK })).data);
    const text = await pixels((await render({ palette: DARK, headline: 'Hello Rowshot' })).data);
    const band: Rect = { left: 0, top: 300, width: 1024, height: 424 };
    const diff = compare(text, plain, band);
    expect(diff.changed).toBeGreaterThan(5000);
    // Glyphs have crisp edges (a missing font would draw nothing or boxes; a blur would not).
    expect(maxEdge(text)).toBeGreaterThan(120);
    expect(maxEdge(plain)).toBeLessThan(20);
  });

  it('prints nothing but the background when headline and subline are empty (the prompt is never drawn)', async () => {
    const empty = await pixels((await render({ prompt: 'PRINT ME IF YOU CAN', headline: ' ', subline: '' })).data);
    expect(maxEdge(empty)).toBeLessThan(20);
  });

  it('picks dark text on a light background and light text on a dark one', async () => {
    const band: Rect = { left: 0, top: 300, width: 1024, height: 424 };
    const count = (p: Pixels, test: (l: number) => boolean): number => {
      let n = 0;
      for (let y = band.top; y < band.top + band.height; y++) for (let x = 0; x < 1024; x++) if (test(lumAt(p, x, y))) n++;
      return n;
    };
    const onLight = await pixels((await render({ palette: LIGHT, headline: 'Contrast', subline: 'matters' })).data);
    const lightPlain = await pixels((await render({ palette: LIGHT })).data);
    expect(count(lightPlain, (l) => l < 60)).toBe(0);
    expect(count(onLight, (l) => l < 60)).toBeGreaterThan(3000); // near-black glyphs
    expect(compare(onLight, lightPlain, band).meanSignedDelta).toBeLessThan(-100);

    const onDark = await pixels((await render({ palette: DARK, headline: 'Contrast', subline: 'matters' })).data);
    const darkPlain = await pixels((await render({ palette: DARK })).data);
    expect(count(darkPlain, (l) => l > 200)).toBe(0);
    expect(count(onDark, (l) => l > 200)).toBeGreaterThan(3000); // near-white glyphs
    expect(compare(onDark, darkPlain, band).meanSignedDelta).toBeGreaterThan(100);
  });

  it('keeps a 300-character headline inside the safe margins', async () => {
    const headline = 'Our biggest seasonal event returns with fresh flavours, live music, local makers and surprises for everyone. '
      .repeat(3)
      .slice(0, 300);
    expect(headline).toHaveLength(300);
    for (const ratio of ['1:1', '9:16', '21:9'] as AspectRatio[]) {
      const plain = await pixels((await render({ aspectRatio: ratio, palette: LIGHT })).data);
      const text = await pixels((await render({ aspectRatio: ratio, palette: LIGHT, headline, subline: 'Saturday, 10am till late' })).data);
      const { width: w, height: h } = plain;
      const m = safeMargin(w, h);
      const bands: Rect[] = [
        { left: 0, top: 0, width: w, height: m },
        { left: 0, top: h - m, width: w, height: m },
        { left: 0, top: 0, width: m, height: h },
        { left: w - m, top: 0, width: m, height: h },
      ];
      for (const band of bands) expect(compare(text, plain, band).maxDelta, `${ratio} ${JSON.stringify(band)}`).toBeLessThanOrEqual(2);
      const inner = compare(text, plain, { left: m, top: m, width: w - 2 * m, height: h - 2 * m });
      expect(inner.changed, ratio).toBeGreaterThan(1000);
    }
  });

  it('fails text that cannot fit at a legible size with how much to shorten it (never a silent cut)', async () => {
    const started = performance.now();
    const outcome = await renderer.generate(request({ aspectRatio: '21:9', palette: LIGHT, headline: 'word '.repeat(1500) }));
    expect(outcome).toMatchObject({ ok: false, kind: 'permanent' });
    if (!outcome.ok) expect(outcome.reason).toMatch(/^Headline does not fit 1080x463 at \d+ px or more \(shorten it by about \d+ characters\)$/);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  it('places the logo in the bottom-right corner, scaled, keeping its transparency', async () => {
    const logoPng = await sharp(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300"><circle cx="150" cy="150" r="150" fill="#ff00ff"/></svg>'),
    )
      .png()
      .toBuffer();
    const logo = { data: logoPng, mimeType: 'image/png', mode: 'style_only' as const };
    const plain = await pixels((await render({ palette: DARK })).data);
    const withLogo = await pixels((await render({ palette: DARK, logo })).data);
    const m = safeMargin(1024, 1024);
    const size = logoSize(1024, 1024, 300, 300);
    expect(size.width).toBeGreaterThanOrEqual(Math.round(1024 * 0.12));
    expect(size.width).toBeLessThanOrEqual(Math.round(1024 * 0.15));

    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -1;
    let y1 = -1;
    for (let y = 0; y < 1024; y++) {
      for (let x = 0; x < 1024; x++) {
        const i = (y * 1024 + x) * 3;
        if ((withLogo.data[i] ?? 0) > 200 && (withLogo.data[i + 1] ?? 255) < 80 && (withLogo.data[i + 2] ?? 0) > 200) {
          x0 = Math.min(x0, x);
          y0 = Math.min(y0, y);
          x1 = Math.max(x1, x);
          y1 = Math.max(y1, y);
        }
      }
    }
    // Inside its footprint: the safe margin plus the plate padding.
    const inset = m + logoPadding(size.height);
    expect(x1).toBeGreaterThan(0);
    expect(Math.abs(x1 + 1 - (1024 - inset))).toBeLessThanOrEqual(2);
    expect(Math.abs(y1 + 1 - (1024 - inset))).toBeLessThanOrEqual(2);
    expect(Math.abs(x1 - x0 + 1 - size.width)).toBeLessThanOrEqual(3);
    expect(Math.abs(y1 - y0 + 1 - size.height)).toBeLessThanOrEqual(3);
    // The circle's transparent corners show the background, not a box.
    const corner = compare(withLogo, plain, { left: 1024 - inset - size.width, top: 1024 - inset - size.height, width: 8, height: 8 });
    expect(corner.maxDelta).toBeLessThanOrEqual(2);
    // Nothing else changed.
    expect(compare(withLogo, plain, { left: 0, top: 0, width: 1024, height: 1024 - inset - size.height - 2 }).maxDelta).toBe(0);
  });

  it('puts a logo that would vanish into the background on a plate', async () => {
    const navyMark = await sharp(
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200"><rect x="20" y="20" width="360" height="160" rx="30" fill="#101a33"/></svg>'),
    )
      .png()
      .toBuffer();
    const logo = { data: navyMark, mimeType: 'image/png', mode: 'style_only' as const };
    const m = safeMargin(1024, 1024);
    const onDark = await pixels((await render({ palette: DARK, logo })).data);
    const onLight = await pixels((await render({ palette: LIGHT, logo })).data);
    // Just inside the footprint's right edge, level with the logo's middle: plate or background.
    const x = 1024 - m - 4;
    const y = 1024 - m - 40;
    expect(lumAt(onDark, x, y)).toBeGreaterThan(200); // white plate behind the navy mark
    expect(lumAt(onLight, x, y)).toBeGreaterThan(200); // no plate needed: background shows
    const darkPlain = await pixels((await render({ palette: DARK })).data);
    expect(lumAt(darkPlain, x, y)).toBeLessThan(80);
  });

  it('uses the first style_and_composition reference as the background, cropped to the ratio', async () => {
    const green = await solidPng(800, 600, '#00c040');
    const blue = await solidPng(800, 600, '#2040ff');
    const red = await solidPng(800, 600, '#ff2020');
    const out = await pixels(
      (await render({ aspectRatio: '9:16', references: [ref(red, 'style_only'), ref(green), ref(blue)] })).data,
    );
    expect([out.width, out.height]).toEqual([608, 1080]);
    const i = (100 * out.width + 100) * 3;
    expect([out.data[i], out.data[i + 1], out.data[i + 2]]).toEqual([0, 0xc0, 0x40]);

    // style_only references shape an AI model's style, not the template's background.
    const styleOnly = await pixels((await render({ references: [ref(red, 'style_only')] })).data);
    expect(styleOnly.data[0]).not.toBe(0xff);
  });

  it('darkens a mid or dark reference where the text goes and sets light text over it', async () => {
    const slate = await solidPng(1200, 1200, '#6f8296');
    const plain = await pixels((await render({ references: [ref(slate)] })).data);
    const text = await pixels((await render({ references: [ref(slate)], headline: 'Readable on photos', subline: 'always' })).data);
    const m = safeMargin(1024, 1024);
    expect(compare(text, plain, { left: 0, top: 0, width: 1024, height: 300 }).maxDelta).toBe(0);
    // The strip right of the text, above the bottom margin: scrim only, no glyphs.
    expect(lumAt(text, 1010, 1024 - m - 5)).toBeLessThan(lumAt(plain, 1010, 1024 - m - 5) - 25);
    let bright = 0;
    for (let y = 500; y < 1024 - m; y++) for (let x = m; x < 1024 - m; x++) if (lumAt(text, x, y) > 235) bright++;
    expect(bright).toBeGreaterThan(2000); // near-white glyphs
  });

  it('sets dark text over a light reference, lightening it a little', async () => {
    const cream = await solidPng(1200, 1200, '#efe6d6');
    const plain = await pixels((await render({ references: [ref(cream)] })).data);
    const text = await pixels((await render({ references: [ref(cream)], headline: 'Light photo', subline: 'dark type' })).data);
    const m = safeMargin(1024, 1024);
    expect(lumAt(text, 1010, 1024 - m - 5)).toBeGreaterThan(lumAt(plain, 1010, 1024 - m - 5));
    let dark = 0;
    for (let y = 500; y < 1024 - m; y++) for (let x = m; x < 1024 - m; x++) if (lumAt(text, x, y) < 60) dark++;
    expect(dark).toBeGreaterThan(2000); // near-black glyphs
  });

  it('renders markup and formula-looking text literally', async () => {
    const plain = await pixels((await render({ palette: DARK })).data);
    const band: Rect = { left: 0, top: 0, width: 1024, height: 1024 };
    const tag = compare(await pixels((await render({ palette: DARK, headline: '<b>' })).data), plain, band);
    const more = compare(await pixels((await render({ palette: DARK, headline: `<b>&"'` })).data), plain, band);
    expect(tag.bbox).not.toBeNull();
    const tagWidth = tag.bbox?.width ?? 0;
    // '<b>' drawn as three characters at the maximum headline size.
    expect(tagWidth).toBeGreaterThan(measureText('<b>', 118, true) * 0.85);
    expect(tagWidth).toBeLessThanOrEqual(measureText('<b>', 118, true));
    expect(more.bbox?.width ?? 0).toBeGreaterThan(tagWidth + 100);

    for (const headline of [`<script>alert("x")</script>&amp;`, '=HYPERLINK("http://x")', '+SUM(A1)', 'nul\u0000bell\u0007 \uD800 ]]>']) {
      const outcome = await renderer.generate(request({ headline, subline: `</svg><svg onload="x">` }));
      expect(outcome.ok, headline).toBe(true);
    }
  });

  it('fails permanently, without throwing, on a corrupt reference or logo', async () => {
    const png = await solidPng(400, 400, '#336699');
    const truncated = png.subarray(0, 60);
    const badRef = await renderer.generate(request({ headline: 'x', references: [ref(truncated)] }));
    expect(badRef).toMatchObject({ ok: false, kind: 'permanent' });
    if (!badRef.ok) expect(badRef.reason).toMatch(/reference image could not be read/);

    const garbage = Buffer.from('definitely not an image');
    const badLogo = await renderer.generate(request({ logo: { data: garbage, mimeType: 'image/png', mode: 'style_only' } }));
    expect(badLogo).toMatchObject({ ok: false, kind: 'permanent' });
    if (!badLogo.ok) expect(badLogo.reason).toMatch(/logo image could not be read/);

    // Only the first composition reference is read: a broken style_only one is ignored.
    const ignored = await renderer.generate(request({ references: [ref(garbage, 'style_only')] }));
    expect(ignored.ok).toBe(true);
  });

  it('reports a cancelled render as transient', async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await renderer.generate(request(), controller.signal)).toMatchObject({ ok: false, kind: 'transient' });
  });
});
