// Exact text and logo on an AI image. The model drew the scene only; Rowshot typesets the
// headline and subline with the same layout engine as the template renderer and places the
// logo at its own pixels. Placement comes from the image: the calmest band the position rule
// allows (least edge energy), the logo in the calmest corner clear of the text; a scrim is
// added under the text until its contrast meets WCAG (4.5:1, see chooseTextStyle).
import sharp, { type OverlayOptions } from 'sharp';
import { regionLuminance, type Rect } from './contrast';
import { errorDetail, untrustedInput } from './image-limits';
import type { BrandKitStyle } from '../../../shared/index';
import { checkTextPlacement, logoSize, minTextSizes, paddingFor, safeMargin, scrimFor, sharedSizeNotes, setHeadlinePx, type TemplateLayout } from './layout';
import { placedLines } from './overlay';
import { rawOf, type RawImage } from './raw-image';
import { textLayers } from './text-layers';
import { fitTextBlock, textProblemReason, type TextBlock } from './text-layout';
import type { TextFonts } from './text-metrics';

export type TextPosition = 'top' | 'center' | 'bottom' | 'auto';
export type LogoCorner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right' | 'auto';

export interface OverlayInput {
  image: Buffer;
  headline: string;
  subline: string;
  /** The logo file (PNG/JPEG/WebP), or null. */
  logo: Buffer | null;
  /** For reasons (e.g. "does not fit 9:16"). */
  aspectRatio: string;
  position?: TextPosition;
  logoCorner?: LogoCorner;
  fonts?: TextFonts;
  /** The set's shared headline size, a share of the short side (see GenerateRequest.setHeadline). */
  setHeadline?: number;
  /** Minimum legible sizes in px (GenerateRequest.minTextPx). */
  minTextPx?: { headline?: number; subline?: number };
  /** The pack's brand kit style: its position, logo corner, colours, scrim, sizes and margins win over the options above. */
  kit?: BrandKitStyle;
}

/** The safe margin on an AI image: the kit's share of the short side, else 7%. */
function marginOf(width: number, height: number, kit: BrandKitStyle | undefined): number {
  return kit?.safeMargin !== undefined ? Math.round(Math.min(width, height) * kit.safeMargin) : safeMargin(width, height);
}

export interface OverlayPlacement {
  position: Exclude<TextPosition, 'auto'>;
  textRect: Rect | null;
  logoRect: Rect | null;
  /** Scrim added under the text (opacity 0 = none). */
  scrimOpacity: number;
  textColor: string | null;
}

export type OverlayResult =
  | { ok: true; image: { data: Buffer; mimeType: 'image/png'; width: number; height: number }; placement: OverlayPlacement; notes: string[] }
  | { ok: false; reason: string };

const PNG_OPTIONS = { compressionLevel: 4, adaptiveFiltering: false, palette: false } as const;
/** Edge map resolution: the long side of the downscaled greyscale copy. */
const EDGE_SIDE = 160;

/** Mean absolute luminance gradient per cell of a small greyscale copy: how busy each area is. */
async function edgeMap(image: RawImage): Promise<{ data: Float32Array; width: number; height: number }> {
  const scale = EDGE_SIDE / Math.max(image.width, image.height);
  const w = Math.max(8, Math.round(image.width * scale));
  const h = Math.max(8, Math.round(image.height * scale));
  const grey = await sharp(image.data, { raw: rawOf(image) }).resize(w, h, { fit: 'fill' }).greyscale().raw().toBuffer();
  const stride = grey.length / (w * h);
  const at = (x: number, y: number): number => grey[(y * w + x) * stride] ?? 0;
  const data = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) data[y * w + x] = Math.abs(at(x + 1, y) - at(x - 1, y)) + Math.abs(at(x, y + 1) - at(x, y - 1));
  }
  return { data, width: w, height: h };
}

function busyness(map: { data: Float32Array; width: number; height: number }, rect: Rect, fullW: number, fullH: number): number {
  const sx = map.width / fullW;
  const sy = map.height / fullH;
  const x0 = Math.max(0, Math.floor(rect.left * sx));
  const y0 = Math.max(0, Math.floor(rect.top * sy));
  const x1 = Math.min(map.width, Math.ceil((rect.left + rect.width) * sx));
  const y1 = Math.min(map.height, Math.ceil((rect.top + rect.height) * sy));
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) {
    sum += map.data[y * map.width + x] ?? 0;
    n++;
  }
  return n === 0 ? Infinity : sum / n;
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.left < b.left + b.width && b.left < a.left + a.width && a.top < b.top + b.height && b.top < a.top + a.height;

async function decode(data: Buffer): Promise<RawImage> {
  const out = await sharp(data, untrustedInput()).toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height, channels: out.info.channels };
}

/** The logo as RGBA, downscaled to the corner size but never enlarged above its own pixels. */
async function decodeLogoAtMost(data: Buffer, width: number, height: number, ratio?: number): Promise<RawImage> {
  const meta = await sharp(data, untrustedInput()).metadata();
  const w = meta.autoOrient?.width ?? meta.width;
  const h = meta.autoOrient?.height ?? meta.height;
  if (!w || !h) throw new Error('no dimensions');
  const target = logoSize(width, height, w, h, ratio);
  let pipeline = sharp(data, untrustedInput()).toColourspace('srgb').ensureAlpha();
  if (target.width < w) pipeline = pipeline.resize(target.width, target.height, { fit: 'fill' });
  const out = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height, channels: 4 };
}

/**
 * The text block on an AI image of width×height: fitted into a band of at most 40% of the safe
 * height, at the set's shared headline size when there is one. The set planner
 * (headline-fit.ts) measures rows with this same function.
 */
export function overlayBlock(input: Pick<OverlayInput, 'headline' | 'subline' | 'fonts' | 'setHeadline' | 'minTextPx' | 'kit'>, width: number, height: number): TextBlock {
  const { kit } = input;
  const margin = marginOf(width, height, kit);
  const scale = Math.sqrt(width * height);
  const mins = minTextSizes(width, height, input.minTextPx);
  const shared = setHeadlinePx(input.setHeadline, width, height);
  return fitTextBlock({
    headline: input.headline,
    subline: input.subline,
    maxWidth: width - 2 * margin,
    maxHeight: Math.round((height - 2 * margin) * 0.4),
    headlineSize: sizeRange(shared ?? kit?.headlineSize?.max ?? Math.round(scale * 0.09), mins.headline, kit?.headlineSize?.min),
    sublineSize: sizeRange(kit?.sublineSize?.max ?? Math.round(scale * 0.045), mins.subline, kit?.sublineSize?.min),
    ...(input.fonts ? { fonts: input.fonts } : {}),
    ...(shared === undefined ? {} : { tighten: false }),
  });
}

/** A size range whose floor is the legible minimum, raised (never lowered) by a kit's min. */
const sizeRange = (max: number, legible: number, kitMin: number | undefined) => ({ max, min: Math.min(max, Math.max(legible, kitMin ?? 0)) });

/** Composites the headline, subline and logo over an AI image. Never throws. */
export async function overlayText(input: OverlayInput): Promise<OverlayResult> {
  let base: RawImage;
  try {
    base = await decode(input.image);
  } catch (err) {
    return { ok: false, reason: `the generated image could not be read: ${errorDetail(err)}` };
  }
  const { width, height } = base;
  let logo: RawImage | null = null;
  if (input.logo) {
    try {
      logo = await decodeLogoAtMost(input.logo, width, height, input.kit?.logoSize);
    } catch (err) {
      return { ok: false, reason: `the logo image could not be read: ${errorDetail(err)}` };
    }
  }
  const { kit } = input;
  const wanted = kit?.position ?? input.position;
  const corner = kit?.logoPosition ?? input.logoCorner;
  const margin = marginOf(width, height, kit);
  const safe: Rect = { left: margin, top: margin, width: width - 2 * margin, height: height - 2 * margin };
  const map = await edgeMap(base);

  // Text: fitted into a band of at most 40% of the safe height, at the calmest allowed position.
  let block: TextBlock | null = null;
  let position: OverlayPlacement['position'] = wanted && wanted !== 'auto' ? wanted : 'bottom';
  let textRect: Rect | null = null;
  const hasText = input.headline.trim() !== '' || input.subline.trim() !== '';
  if (hasText) {
    block = overlayBlock(input, width, height);
    if (block.problem) return { ok: false, reason: textProblemReason(block.problem, input.aspectRatio) };
    const align = kit?.align ?? 'center';
    const rtl = block.headline?.rtl ?? block.subline?.rtl ?? false;
    const rectAt = (p: OverlayPlacement['position']): Rect => {
      const top = p === 'top' ? margin : p === 'bottom' ? height - margin - block!.height : margin + (safe.height - block!.height) / 2;
      const right = align !== 'center' && (align === 'start') === rtl;
      const left = align === 'center' ? (width - block!.width) / 2 : right ? width - margin - block!.width : margin;
      return { left, top, width: block!.width, height: block!.height };
    };
    const allowed: OverlayPlacement['position'][] = wanted && wanted !== 'auto' ? [wanted] : ['bottom', 'top', 'center'];
    // Calmest band (full safe width, so the scrim's area counts); ties keep the earlier choice.
    let best = Infinity;
    for (const p of allowed) {
      const r = rectAt(p);
      const score = busyness(map, { left: safe.left, top: r.top, width: safe.width, height: r.height }, width, height);
      if (score < best - 1e-6) {
        best = score;
        position = p;
      }
    }
    textRect = rectAt(position);
  }

  // Logo: the calmest corner allowed that keeps clear of the text.
  let logoRect: Rect | null = null;
  if (logo) {
    const corners: Exclude<LogoCorner, 'auto'>[] =
      corner && corner !== 'auto' ? [corner] : ['bottom-right', 'top-right', 'bottom-left', 'top-left'];
    let best = Infinity;
    for (const c of corners) {
      const r: Rect = {
        left: c.endsWith('left') ? margin : width - margin - logo.width,
        top: c.startsWith('top') ? margin : height - margin - logo.height,
        width: logo.width,
        height: logo.height,
      };
      const clash = textRect !== null && overlaps(r, textRect);
      const score = busyness(map, r, width, height) + (clash ? 1e6 : 0);
      if (score < best) {
        best = score;
        logoRect = r;
      }
    }
    if (logoRect && textRect && overlaps(logoRect, textRect)) return { ok: false, reason: 'the logo and the text do not both fit: shorten the text or choose a logo corner away from it' };
  }

  const layers: OverlayOptions[] = [];
  const notes: string[] = [];
  let scrimOpacity = 0;
  let textColor: string | null = null;
  if (block && textRect) {
    const mode = position === 'bottom' ? 'lower-third' : position === 'top' ? 'upper-third' : 'centered';
    const align = kit?.align ?? 'center';
    const layout: TemplateLayout = {
      margin,
      mode,
      block,
      textRect,
      align,
      anchorX: align === 'center' ? width / 2 : textRect.left,
      logoRect,
      mins: minTextSizes(width, height, input.minTextPx),
      // Without a kit: a gradient from the bottom edge for bottom text, a band elsewhere.
      scrim: kit?.scrim ? scrimFor(mode, kit) : position === 'bottom' ? 'gradient' : 'band',
      padding: paddingFor(width, height, kit),
    };
    const misplaced = checkTextPlacement(layout, width, height, placedLines(layout));
    if (misplaced) return { ok: false, reason: misplaced };
    const stats = regionLuminance(base.data, width, height, base.channels, textRect);
    const text = await textLayers(layout, stats, true, width, height, undefined, kit);
    layers.push(...text.layers);
    notes.push(...text.notes);
    scrimOpacity = text.style.scrim?.opacity ?? 0;
    textColor = text.style.color;
  }
  if (logo && logoRect) layers.push({ input: logo.data, raw: rawOf(logo), left: logoRect.left, top: logoRect.top });

  let pipeline = sharp(base.data, { raw: rawOf(base) });
  if (layers.length > 0) pipeline = pipeline.composite(layers);
  const { data, info } = await pipeline.removeAlpha().png(PNG_OPTIONS).toBuffer({ resolveWithObject: true });
  return {
    ok: true,
    image: { data, mimeType: 'image/png', width: info.width, height: info.height },
    placement: { position, textRect, logoRect, scrimOpacity, textColor },
    notes: [...notes, ...sharedSizeNotes(block, setHeadlinePx(input.setHeadline, width, height), input.aspectRatio)],
  };
}
