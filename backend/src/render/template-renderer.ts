// The template renderer: the always-available, zero-cost, offline tier. It draws a designed
// background (one of the pack's composition references, rotating by Row ID and variant, or a
// gradient from the pack's style-only images, palette or the prompt) with the headline,
// subline and logo typeset on top (see pack-variation.ts). It never pretends to be AI
// output: the prompt is only used to pick colours, never drawn.
import sharp, { type OverlayOptions } from 'sharp';
import type { GenerateOutcome, GenerateRequest, ImageProvider } from '../ports/image-provider';
import { blended, regionLuminance, type Rect } from './contrast';
import { gradientSvg } from './gradient';
import { colorsFromPalette, colorsFromPrompt } from './gradient-colors';
import { hashString, mixSeed } from '../../../shared/seed-hash';
import { errorDetail, untrustedInput } from './image-limits';
import { checkTextPlacement, layoutTemplate, setHeadlinePx, sharedSizeNotes, type TemplateLayout } from './layout';
import { placedLines } from './overlay';
import { decodeLogo, logoFootprint, logoPadFor, logoPlate, plateSvg } from './logo';
import { extractPalette } from './palette';
import { framingFor, rotatingImage, rotationOf, rowSeed, variantLightSvg, type Framing } from './pack-variation';
import { rawOf, type RawImage } from './raw-image';
import { textLayers } from './text-layers';
import { textProblemReason } from './text-layout';
import { setTreatment } from './text-treatment';
import { brandTextFonts } from './text-metrics';

function textFontsOf(request: Pick<GenerateRequest, 'fonts'>) {
  const fonts = brandTextFonts(request.fonts);
  return fonts ? { fonts } : {};
}

/**
 * The template layout of a request: lower third over a composition reference, else centred;
 * at the set's shared headline size when there is one (never above it, and not tightened).
 * The set planner (headline-fit.ts) measures rows with this same function.
 */
export function templateLayoutFor(
  request: Pick<GenerateRequest, 'headline' | 'subline' | 'text' | 'fonts' | 'setHeadline' | 'minTextPx' | 'kit'>,
  width: number,
  height: number,
  logo: { width: number; height: number } | null,
  composition: boolean,
  /** The variant (1-based): even ones take the layout alternative, unless the brand kit fixes it. */
  variant = 1,
): TemplateLayout {
  const shared = setHeadlinePx(request.setHeadline, width, height);
  // The layout alternative: text in the upper third over a picture, start-aligned over a
  // gradient. The block's size is the same either way, so a set's shared headline still fits.
  const alternative = variant % 2 === 0;
  const kit = alternative && !composition && request.kit?.align === undefined ? { ...request.kit, align: 'start' as const } : request.kit;
  return layoutTemplate({
    width,
    height,
    mode: composition ? (alternative ? 'upper-third' : 'lower-third') : 'centered',
    headline: request.text === 'none' ? '' : request.headline,
    subline: request.text === 'none' ? '' : request.subline,
    logo,
    ...textFontsOf(request),
    ...(request.minTextPx ? { minTextPx: request.minTextPx } : {}),
    ...(kit ? { kit } : {}),
    ...(shared === undefined ? {} : { headlineSize: { max: shared }, tighten: false }),
  });
}

export const TEMPLATE_PROVIDER_NAME = 'template';
export const TEMPLATE_MODEL = 'template';

/** Fixed PNG settings: moderate compression for speed, no filters, no metadata, so output is deterministic. */
const PNG_OPTIONS = { compressionLevel: 4, adaptiveFiltering: false, palette: false } as const;
/** The gradient is drawn at this fraction of the output size and upscaled (it is smooth). */
const GRADIENT_SCALE = 0.25;

const cancelled: GenerateOutcome = { ok: false, kind: 'transient', reason: 'rendering was cancelled' };

class PermanentFailure extends Error {}

async function referenceBackground(data: Buffer, width: number, height: number, framing: Framing): Promise<RawImage> {
  try {
    // A later variant: a closer cover crop (content-aware), then the frame at its seeded focus.
    const zw = Math.ceil(width * framing.zoom);
    const zh = Math.ceil(height * framing.zoom);
    let pipeline = sharp(data, untrustedInput()).resize(zw, zh, { fit: 'cover', position: 'attention' });
    if (zw !== width || zh !== height) {
      pipeline = sharp(await pipeline.toBuffer()).extract({
        left: Math.round(framing.focusX * (zw - width)),
        top: Math.round(framing.focusY * (zh - height)),
        width,
        height,
      });
    }
    const out = await pipeline.flatten({ background: '#1e1e22' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    return { data: out.data, width: out.info.width, height: out.info.height, channels: out.info.channels };
  } catch (err) {
    throw new PermanentFailure(`the reference image could not be read (corrupt or unsupported): ${errorDetail(err)}`);
  }
}

/** A style-only image as read for the gradient: its colours and its texture source. */
interface Style {
  palette: string[];
  data: Buffer;
}

/** The (row, variant)'s style-only image, with its palette; an unreadable one is skipped (it only styles). */
async function styleOf(request: GenerateRequest, start: number): Promise<Style | null> {
  const image = rotatingImage(request.references, 'style_only', start, request.variant);
  if (!image) return null;
  try {
    return { palette: await extractPalette(image.data), data: image.data };
  } catch {
    return null;
  }
}

/** The gradient's colours: a style-only image's palette, else the pack palette, else the prompt's. */
function paletteOf(request: GenerateRequest, style: Style | null): string[] {
  return style && style.palette.length > 0 ? style.palette : request.palette;
}

/** The gradient at GRADIENT_SCALE (the final pipeline upscales it), textured by the style image. */
async function gradientBackground(request: GenerateRequest, width: number, height: number, style: Style | null): Promise<RawImage> {
  const palette = paletteOf(request, style);
  const colors = colorsFromPalette(palette) ?? colorsFromPrompt(request.prompt);
  const seed = mixSeed(hashString(request.prompt), request.variant);
  const svg = gradientSvg(width, height, colors, seed, GRADIENT_SCALE);
  let pipeline = sharp(Buffer.from(svg)).removeAlpha();
  if (style) {
    const w = Math.max(1, Math.round(width * GRADIENT_SCALE));
    const h = Math.max(1, Math.round(height * GRADIENT_SCALE));
    // The style image's light and shade, soft-lit into the gradient at a fraction of its strength.
    const texture = await sharp(style.data, untrustedInput())
      .resize(w, h, { fit: 'cover', position: 'attention' })
      .greyscale()
      .removeAlpha()
      .ensureAlpha(0.35)
      .png()
      .toBuffer()
      .catch(() => null);
    if (texture) pipeline = sharp(await pipeline.png().toBuffer()).composite([{ input: texture, blend: 'soft-light' }]).removeAlpha();
  }
  const out = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height, channels: out.info.channels };
}

/** The set's treatment: from the row's composition reference, or the gradient's colours. */
function treatmentFor(request: GenerateRequest, reference: Buffer | undefined, style: Style | null) {
  if (reference) return setTreatment({ reference });
  const palette = paletteOf(request, style);
  const colors = colorsFromPalette(palette) ?? colorsFromPrompt(request.prompt);
  return setTreatment({ colors, seed: hashString(palette.join(',') || request.prompt) });
}

async function render(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateOutcome> {
  // The exact pixels asked for (a ratio was turned into pixels when the row was read).
  const { width, height } = request;

  let logo: RawImage | null = null;
  if (request.logo) {
    try {
      logo = await decodeLogo(request.logo.data, width, height, request.kit?.logoSize);
    } catch (err) {
      throw new PermanentFailure(`the logo image could not be read: ${errorDetail(err)}`);
    }
  }
  const seed = rowSeed(request.seedKey, request.prompt);
  const start = rotationOf(request.rotation, seed);
  // The row's own Reference image is its background; else the pack's rotate.
  const reference = request.references.find((r) => r.source === 'row') ?? rotatingImage(request.references, 'style_and_composition', start, request.variant);
  // A composition reference is the background as it is (a product shot stays a product shot);
  // style-only images shape the gradient when there is none.
  const style = reference ? null : await styleOf(request, start);
  const background = reference
    ? await referenceBackground(reference.data, width, height, framingFor(seed, request.variant))
    : await gradientBackground(request, width, height, style);
  if (signal?.aborted) return cancelled;

  // The logo's footprint includes padding, so a plate (if needed) fits without moving anything.
  const pad = logo ? logoPadFor(logo.height, width, height, request.kit) : 0;
  const layout = templateLayoutFor(request, width, height, logo ? logoFootprint(logo, pad) : null, reference !== undefined, request.variant);
  if (layout.block.problem) throw new PermanentFailure(textProblemReason(layout.block.problem, `${width}x${height}`));
  const misplaced = checkTextPlacement(layout, width, height, placedLines(layout));
  if (misplaced) throw new PermanentFailure(misplaced);

  // Background statistics are read from the background as drawn (the gradient at its scale).
  const scale = background.width / width;
  const statsOf = (r: Rect) =>
    regionLuminance(background.data, background.width, background.height, background.channels, {
      left: r.left * scale,
      top: r.top * scale,
      width: r.width * scale,
      height: r.height * scale,
    });

  const treatment = await treatmentFor(request, reference?.data, style);
  const layers: OverlayOptions[] = [];
  const light = reference ? variantLightSvg(width, height, request.variant) : null;
  if (light) layers.push({ input: Buffer.from(light), left: 0, top: 0 });
  const notes: string[] = [];
  let scrim: { luminance: number; opacity: number } | null = null;
  if (layout.block.height > 0) {
    const text = await textLayers(layout, statsOf(layout.textRect), reference !== undefined, width, height, treatment, request.kit);
    layers.push(...text.layers);
    notes.push(...text.notes);
    // A lower-third gradient runs to the bottom edge, under the logo too.
    if (text.style.scrim && layout.mode === 'lower-third' && layout.scrim === 'gradient') {
      scrim = { luminance: text.style.scrim.color === '#ffffff' ? 1 : 0, opacity: text.style.scrim.opacity };
    }
  }
  if (logo && layout.logoRect) {
    const rect = layout.logoRect;
    // The plate decision is the set's (every size of a row gets a plate, or none does).
    const under = treatment.meanLuminance;
    const setScrim = scrim ? treatment.minScrim : 0;
    const plate = logoPlate(logo, setScrim > 0 ? blended(under, treatment.light ? 0 : 1, setScrim) : under);
    if (plate) layers.push({ input: Buffer.from(plateSvg(rect, plate)), left: rect.left, top: rect.top });
    layers.push({ input: logo.data, raw: rawOf(logo), left: rect.left + pad, top: rect.top + pad });
  }

  let pipeline = sharp(background.data, { raw: rawOf(background) });
  if (background.width !== width || background.height !== height) {
    pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'linear' });
  }
  if (layers.length > 0) pipeline = pipeline.composite(layers);
  const { data, info } = await pipeline.removeAlpha().png(PNG_OPTIONS).toBuffer({ resolveWithObject: true });
  if (signal?.aborted) return cancelled;
  return {
    ok: true,
    image: { data, mimeType: 'image/png', width: info.width, height: info.height },
    costUsd: 0,
    notes: [...notes, ...sharedSizeNotes(layout.block, setHeadlinePx(request.setHeadline, width, height), `${width}x${height}`)],
  };
}

/** ImageProvider for the `template` model. Never throws: failures come back as values. */
export class TemplateRenderer implements ImageProvider {
  readonly name = TEMPLATE_PROVIDER_NAME;
  readonly models: readonly string[] = [TEMPLATE_MODEL];

  async generate(request: GenerateRequest, signal?: AbortSignal): Promise<GenerateOutcome> {
    if (signal?.aborted) return cancelled;
    try {
      return await render(request, signal);
    } catch (err) {
      if (err instanceof PermanentFailure) return { ok: false, kind: 'permanent', reason: err.message };
      return { ok: false, kind: 'permanent', reason: `the template renderer could not draw this image: ${errorDetail(err)}` };
    }
  }
}
