// Sizes figures: the template renderer at the two sizes campaigns ask for most (Instagram post
// 1080×1350 and story 1080×1920, headline and subline set), and the crop-and-scale step that
// turns a model's image (its nearest ratio at about a megapixel) into exact pixels, per image.
import sharp from 'sharp';
import type { GenerateRequest } from '../backend/src/ports/image-provider';
import { fitToSize } from '../backend/src/render/fit';
import { TemplateRenderer } from '../backend/src/render/template-renderer';
import { nearestAspectRatio } from '../shared/index';

const round = (x: number, d = 1): number => Math.round(x * 10 ** d) / 10 ** d;

async function rendererAt(width: number, height: number, n: number): Promise<{ size: string; msPerImage: number; imagesPerSecondConcurrent: number }> {
  const r = new TemplateRenderer();
  const req = (i: number): GenerateRequest => ({
    model: 'template', prompt: `Bench image ${i}`, negativePrompt: '', aspectRatio: nearestAspectRatio(width, height), width, height, variant: 1,
    headline: `Spring sale ${i}`, subline: 'Every lamp 20% off this week', references: [], logo: null, palette: [],
  });
  await r.generate(req(0));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await r.generate(req(i));
  const ms = (performance.now() - t0) / n;
  const t1 = performance.now();
  for (let i = 0; i < n; i += 2) await Promise.all([r.generate(req(i + n)), r.generate(req(i + n + 1))]);
  const concurrent = n / ((performance.now() - t1) / 1000);
  return { size: `${width}x${height}`, msPerImage: round(ms), imagesPerSecondConcurrent: round(concurrent) };
}

/** A photo-like model image: noise over a gradient, so the attention crop has work to do. */
async function modelImage(width: number, height: number): Promise<Buffer> {
  const noise = Buffer.alloc(width * height * 3);
  let seed = 7;
  for (let i = 0; i < noise.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    noise[i] = ((i / 3) % width) / width * 160 + (seed >>> 24) / 4;
  }
  return sharp(noise, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

async function fitStep(n: number): Promise<{ from: string; to: string; msPerImage: number }[]> {
  // Gemini's 1K shapes for 4:5 and 9:16, scaled to Instagram's post and story.
  const cases = [
    { from: [896, 1152], to: [1080, 1350] },
    { from: [768, 1344], to: [1080, 1920] },
  ] as const;
  const out: { from: string; to: string; msPerImage: number }[] = [];
  for (const c of cases) {
    const [fw, fh] = c.from;
    const [tw, th] = c.to;
    const image = { data: await modelImage(fw, fh), mimeType: 'image/png' as const, width: fw, height: fh };
    await fitToSize(image, tw, th);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await fitToSize(image, tw, th);
    out.push({ from: `${fw}x${fh}`, to: `${tw}x${th}`, msPerImage: round((performance.now() - t0) / n) });
  }
  return out;
}

export async function sizesBench(n = 20): Promise<{
  renderer: { size: string; msPerImage: number; imagesPerSecondConcurrent: number }[];
  fit: { from: string; to: string; msPerImage: number }[];
}> {
  return { renderer: [await rendererAt(1080, 1350, n), await rendererAt(1080, 1920, n)], fit: await fitStep(n) };
}
