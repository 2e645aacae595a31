// Exact text and logo on AI images: with the real @google/genai client against the wire fake,
// text mode `overlay` asks the model for the scene only (no text, no logo), then Rowshot
// composites the headline and the logo: logo pixels identical to the source, the text over a
// scrim with measured WCAG contrast of at least 4.5:1, in the calmest band of the image.
import { GoogleGenAI } from '@google/genai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GeminiProvider } from '../../../backend/src/adapters/google/gemini-provider';
import { contrastRatio, SRGB_TO_LINEAR } from '../../../backend/src/render/color';
import { overlayText } from '../../../backend/src/render/text-overlay';
import { imageReply, startGeminiFake, type GeminiFake } from '../../helpers/fakes/gemini-fake';
import { generateRequest } from '../../helpers/generate-request';

let fake: GeminiFake;
let busyPhoto: Buffer;
let logo: Buffer;

/** A noisy, bright "photo": random light pixels, worst case for white and black text alike. */
async function noise(width: number, height: number, seed: number, calmTop = false): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const y = Math.floor(i / 3 / width);
    data[i] = calmTop && y < height * 0.4 ? 200 : 90 + (s % 166);
  }
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

beforeAll(async () => {
  fake = await startGeminiFake();
  busyPhoto = await noise(1024, 1024, 7);
  // A small two-colour logo with transparency: drawn at its own pixels (never enlarged).
  logo = await sharp(
    Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40"><rect width="60" height="40" rx="8" fill="#e4002b"/><circle cx="30" cy="20" r="12" fill="#ffd100"/></svg>'),
  )
    .png()
    .toBuffer();
});
afterAll(async () => {
  await fake.close();
});

const lum = (r: number, g: number, b: number): number =>
  0.2126 * (SRGB_TO_LINEAR[r] ?? 0) + 0.7152 * (SRGB_TO_LINEAR[g] ?? 0) + 0.0722 * (SRGB_TO_LINEAR[b] ?? 0);

describe('text mode overlay on an AI image', () => {
  it('asks the model for no text and no logo, then composites the exact headline and the untouched logo', async () => {
    fake.script(imageReply(busyPhoto, { imageTokens: 1290 }));
    const provider = new GeminiProvider({ client: new GoogleGenAI({ apiKey: 'AIzaSyFAKE-test-key-0123456789abcdefghijk', httpOptions: { baseUrl: fake.url } }), sleep: async () => {}, random: () => 0.5 });
    const headline = 'Spring sale: 30% off';
    const logoRef = { data: logo, mimeType: 'image/png', mode: 'style_only' as const };
    const outcome = await provider.generate(generateRequest('gemini-3.1-flash-image', 'A flower market at dawn', { headline, subline: 'Only this weekend', logo: logoRef, text: 'overlay' }));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const body = fake.requests.at(-1)?.body as { contents: { parts: { text?: string; inlineData?: unknown }[] }[] };
    const parts = body.contents[0]?.parts ?? [];
    const prompt = parts.map((p) => p.text ?? '').join('\n');
    expect(prompt).toMatch(/Do not add any text, letters, numbers, captions, signs, watermarks or logos/);
    expect(prompt).not.toContain(headline);
    expect(prompt).not.toMatch(/logo\):/);
    expect(parts.filter((p) => p.inlineData)).toHaveLength(0);

    const started = performance.now();
    const result = await overlayText({ image: outcome.image.data, headline, subline: 'Only this weekend', logo, aspectRatio: '1:1' });
    const ms = performance.now() - started;
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(ms).toBeLessThan(5000);
    const { placement } = result;
    expect(placement.textRect).not.toBeNull();
    expect(placement.logoRect).toMatchObject({ width: 60, height: 40 });

    const out = await sharp(result.image.data).raw().toBuffer({ resolveWithObject: true });
    const src = await sharp(logo).ensureAlpha().raw().toBuffer();
    const W = out.info.width;
    const c = out.info.channels;
    // Every opaque logo pixel is exactly the source pixel: never recoloured, scaled or plated over.
    const lr = placement.logoRect!;
    let opaque = 0;
    for (let y = 0; y < lr.height; y++) {
      for (let x = 0; x < lr.width; x++) {
        const si = (y * lr.width + x) * 4;
        if ((src[si + 3] ?? 0) < 255) continue;
        opaque++;
        const oi = ((lr.top + y) * W + lr.left + x) * c;
        expect([out.data[oi], out.data[oi + 1], out.data[oi + 2]]).toEqual([src[si], src[si + 1], src[si + 2]]);
      }
    }
    expect(opaque).toBeGreaterThan(1500);

    // Contrast: text pixels (near the text colour) against the rest of the text box (the scrimmed photo).
    const tr = placement.textRect!;
    const text = placement.textColor === '#fbfbf8' ? [251, 251, 248] : [22, 22, 26];
    let inkN = 0;
    let bgSum = 0;
    let bgN = 0;
    for (let y = Math.floor(tr.top); y < tr.top + tr.height; y++) {
      for (let x = Math.floor(tr.left); x < tr.left + tr.width; x++) {
        const i = (y * W + x) * c;
        const r = out.data[i] ?? 0;
        const g = out.data[i + 1] ?? 0;
        const b = out.data[i + 2] ?? 0;
        if (Math.abs(r - (text[0] ?? 0)) + Math.abs(g - (text[1] ?? 0)) + Math.abs(b - (text[2] ?? 0)) < 12) inkN++;
        else {
          bgSum += lum(r, g, b);
          bgN++;
        }
      }
    }
    expect(inkN).toBeGreaterThan(3000);
    expect(placement.scrimOpacity).toBeGreaterThan(0);
    const ratio = contrastRatio(lum(text[0] ?? 0, text[1] ?? 0, text[2] ?? 0), bgSum / bgN);
    expect(ratio).toBeGreaterThanOrEqual(4.5);
  });

  it('sets the text in the calmest band and keeps the logo clear of it', async () => {
    const calmTop = await noise(1024, 576, 3, true);
    const result = await overlayText({ image: calmTop, headline: 'Quiet mornings', subline: '', logo, aspectRatio: '16:9' });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.placement.position).toBe('top');
    const t = result.placement.textRect!;
    const l = result.placement.logoRect!;
    const overlap = l.left < t.left + t.width && t.left < l.left + l.width && l.top < t.top + t.height && t.top < l.top + l.height;
    expect(overlap).toBe(false);
  });

  it('fails with the reason when the text cannot be set right', async () => {
    const tooLong = await overlayText({ image: busyPhoto, headline: 'word '.repeat(400), subline: '', logo: null, aspectRatio: '1:1' });
    expect(tooLong).toMatchObject({ ok: false });
    if (!tooLong.ok) expect(tooLong.reason).toMatch(/^Headline does not fit 1:1 at \d+ px or more \(shorten it by about \d+ characters\)$/);
    const glyph = await overlayText({ image: busyPhoto, headline: 'Pharaoh 𓀀', subline: '', logo: null, aspectRatio: '1:1' });
    expect(glyph).toEqual({ ok: false, reason: 'no font for "𓀀" in the headline' });
  });
});
