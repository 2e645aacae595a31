// Text figures for `npm run bench`: the template renderer with HarfBuzz shaping and fallback fonts
// (headlines cycling through Latin, Cyrillic, CJK, Arabic, Devanagari, Thai and emoji), one and
// two at a time, and the overlay step on AI images (typeset + place + composite) per image at
// 1080×1350. Fonts are loaded before timing (a process loads each family once).
import sharp from 'sharp';
import { TemplateRenderer } from '../backend/src/render/template-renderer';
import { overlayText } from '../backend/src/render/text-overlay';
import type { GenerateRequest } from '../backend/src/ports/image-provider';

const HEADLINES = [
  ['Happy {n} years, Kenji Watanabe!', 'With thanks from the whole Operations team'],
  ['С {n}-летием работы, Алексей!', 'Спасибо от команды Operations'],
  ['李小龙，{n}周年快乐！', '感谢您的付出 🎉'],
  ['شكراً من فريق Finance {n}', 'عيد عمل سعيد يا أحمد'],
  ['प्रिया शर्मा को {n} साल की बधाई', 'पाँच साल पूरे होने पर'],
  ['สมชายสุขสันต์วันครบรอบ {n} ปี', 'ขอบคุณจากทีมปฏิบัติการ'],
] as const;

const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
const text = (i: number): [string, string] => {
  const [h, s] = HEADLINES[i % HEADLINES.length]!;
  return [h.replace('{n}', String(i)), s];
};

export async function textBench(n = 36): Promise<{
  template: { size: string; imagesPerSecondSequential: number; imagesPerSecondConcurrent: number };
  overlay: { size: string; msPerImage: number; imagesPerSecondConcurrent: number };
}> {
  const r = new TemplateRenderer();
  const req = (i: number): GenerateRequest => {
    const [headline, subline] = text(i);
    return { model: 'template', prompt: `Bench image ${i}`, negativePrompt: '', aspectRatio: '4:5', width: 864, height: 1080, variant: 1, headline, subline, references: [], logo: null, palette: [] };
  };
  for (let i = 0; i < HEADLINES.length; i++) await r.generate(req(i)); // load every font family once
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await r.generate(req(i));
  const sequential = n / ((performance.now() - t0) / 1000);
  const t1 = performance.now();
  for (let i = 0; i < n; i += 2) await Promise.all([r.generate(req(i + n)), r.generate(req(i + n + 1))]);
  const concurrent = n / ((performance.now() - t1) / 1000);

  // The overlay step on a 1080×1350 photo-like image (noise), with a logo.
  const W = 1080;
  const H = 1350;
  const noise = Buffer.alloc(W * H * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
  const photo = await sharp(noise, { raw: { width: W, height: H, channels: 3 } }).blur(2).png({ compressionLevel: 1 }).toBuffer();
  const logo = await sharp({ create: { width: 120, height: 60, channels: 4, background: '#e4002bff' } }).png().toBuffer();
  const overlay = async (i: number) => {
    const [headline, subline] = text(i);
    const out = await overlayText({ image: photo, headline, subline, logo, aspectRatio: '4:5' });
    if (!out.ok) throw new Error(out.reason);
  };
  await overlay(0);
  const m = Math.max(6, Math.floor(n / 3));
  const t2 = performance.now();
  for (let i = 0; i < m; i++) await overlay(i);
  const msPerImage = (performance.now() - t2) / m;
  const t3 = performance.now();
  for (let i = 0; i < m; i += 2) await Promise.all([overlay(i), overlay(i + 1)]);
  const overlayConcurrent = m / ((performance.now() - t3) / 1000);
  return {
    template: { size: '864x1080 (4:5)', imagesPerSecondSequential: round(sequential), imagesPerSecondConcurrent: round(concurrent) },
    overlay: { size: `${W}x${H}`, msPerImage: round(msPerImage), imagesPerSecondConcurrent: round(overlayConcurrent) },
  };
}
