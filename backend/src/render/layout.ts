// Where things go on a template image: safe margins, the logo corner and the text block.
import type { Rect } from './contrast';
import { cleanText, fitTextBlock, type SizeRange, type TextBlock } from './text-layout';
import type { TextFonts } from './text-metrics';
import { isRtlParagraph } from './text-shaper';
import type { PlacedLine } from './overlay';

export type LayoutMode = 'centered' | 'lower-third';

/** Safe margin: 7% of the short side. */
export const MARGIN_RATIO = 0.07;
/** Logo size: the area of a square this fraction of the short side. */
export const LOGO_RATIO = 0.135;

export function safeMargin(width: number, height: number): number {
  return Math.round(Math.min(width, height) * MARGIN_RATIO);
}

/**
 * The size a logo is drawn at: the area of a square of 13.5% of the short side, so square
 * marks and wide wordmarks look equally heavy, capped at 13.5% of the short side in height
 * and 30% in width.
 */
export function logoSize(width: number, height: number, logoWidth: number, logoHeight: number): { width: number; height: number } {
  const short = Math.min(width, height);
  const side = short * LOGO_RATIO;
  let scale = side / Math.sqrt(Math.max(1, logoWidth * logoHeight));
  scale = Math.min(scale, (short * 0.3) / logoWidth, side / logoHeight);
  return { width: Math.max(1, Math.round(logoWidth * scale)), height: Math.max(1, Math.round(logoHeight * scale)) };
}

export interface TemplateLayout {
  margin: number;
  mode: LayoutMode;
  block: TextBlock;
  /** The text block's bounds (glyph ascent to descent, widest line). */
  textRect: Rect;
  align: 'center' | 'start';
  /** x of the text anchor: the centre line or the left edge. */
  anchorX: number;
  /** The logo footprint, in the bottom-right corner at the safe margin. */
  logoRect: Rect | null;
  /** The minimum legible sizes the text was fitted to (and is checked against). */
  mins: MinSizes;
}

export interface LayoutInput {
  width: number;
  height: number;
  mode: LayoutMode;
  headline: string;
  subline: string;
  /** The logo's footprint (its drawn size, see logoSize, plus plate padding), or null. */
  logo: { width: number; height: number } | null;
  /** Brand fonts in front of Rowshot's own; default: Rowshot's. */
  fonts?: TextFonts;
  /** Overrides of the headline and subline size ranges (px), e.g. a brand kit's limits or a set's shared size. */
  headlineSize?: Partial<SizeRange>;
  sublineSize?: Partial<SizeRange>;
  /** False when the headline size is a set's shared one (see FitOptions.tighten). */
  tighten?: boolean;
  /** Minimum legible sizes in px (a batch's or the server's); default: minTextSizes. */
  minTextPx?: Partial<MinSizes>;
}

export interface MinSizes {
  headline: number;
  subline: number;
}

/**
 * The minimum legible sizes in px: a batch's (or the server's) where set, else 3.4% (headline)
 * and 2.4% (subline) of the image's short side, at least 14 and 11 px.
 */
export function minTextSizes(width: number, height: number, override?: Partial<MinSizes>): MinSizes {
  const short = Math.min(width, height);
  return {
    headline: override?.headline ?? Math.max(14, Math.round(short * 0.034)),
    subline: override?.subline ?? Math.max(11, Math.round(short * 0.024)),
  };
}

/** The headline px of a set's shared size (a share of the short side), or undefined. */
export function setHeadlinePx(share: number | undefined, width: number, height: number): number | undefined {
  return share === undefined ? undefined : Math.max(1, Math.round(share * Math.min(width, height)));
}

/** The note for an image whose headline had to be set under the set's shared size (never silently different). */
export function sharedSizeNotes(block: TextBlock | null, shared: number | undefined, aspectRatio: string): string[] {
  const size = block?.headline?.fontSize;
  if (shared === undefined || size === undefined || size >= shared) return [];
  return [`headline set at ${size} px in ${aspectRatio}, under the set's ${shared} px, to fit`];
}

function range(base: SizeRange, override: Partial<SizeRange> | undefined): SizeRange {
  const max = override?.max ?? base.max;
  const min = Math.min(max, override?.min ?? base.min);
  return { max, min };
}

/**
 * Centered: headline and subline centred in the safe area (slightly above the middle, the
 * optical centre), clear of the logo. Lower third: left-aligned over at most the lower half,
 * so a photographic background keeps its subject visible; beside the logo (bottom-aligned
 * with it) or above it, whichever allows the larger headline or fewer lines.
 */
export function layoutTemplate(input: LayoutInput): TemplateLayout {
  const { width, height, mode, logo } = input;
  const short = Math.min(width, height);
  // Type scales with the image area (geometric mean of the sides), so wide banners and tall
  // stories get type as big as squares of the same pixel count; the fit shrinks it as needed.
  const scale = Math.sqrt(width * height);
  const margin = safeMargin(width, height);
  const gap = Math.round(short * 0.035);
  // Right-to-left text starts at the right: the layout is mirrored, the logo goes bottom-left.
  const rtl = isRtlParagraph(cleanText(input.headline || input.subline).split('\n')[0] ?? '');
  const logoRect: Rect | null = logo
    ? { left: rtl ? margin : width - margin - logo.width, top: height - margin - logo.height, width: logo.width, height: logo.height }
    : null;
  const mins = minTextSizes(width, height, input.minTextPx);
  const safeW = width - 2 * margin;
  const safeH = height - 2 * margin;
  const sublineSize = range({ max: Math.round(scale * 0.05), min: mins.subline }, input.sublineSize);
  const fonts = input.fonts;

  if (mode === 'centered') {
    const reserve = logo ? logo.height + gap : 0;
    const block = fitTextBlock({
      headline: input.headline,
      subline: input.subline,
      maxWidth: safeW,
      maxHeight: safeH - reserve,
      headlineSize: range({ max: Math.round(scale * 0.115), min: mins.headline }, input.headlineSize),
      sublineSize,
      ...(fonts ? { fonts } : {}),
      ...(input.tighten === false ? { tighten: false } : {}),
    });
    const top = Math.min(margin + (safeH - block.height) * 0.46, height - margin - reserve - block.height);
    return {
      margin,
      mode,
      block,
      textRect: { left: (width - block.width) / 2, top, width: block.width, height: block.height },
      align: 'center',
      anchorX: width / 2,
      logoRect,
      mins,
    };
  }

  // Beside the logo (narrower) or above it (shorter): whichever sets the headline larger
  // (or, at the same size, in fewer lines).
  const fitLowerThird = (maxWidth: number, maxHeight: number) =>
    fitTextBlock({
      headline: input.headline,
      subline: input.subline,
      maxWidth,
      maxHeight,
      headlineSize: range({ max: Math.round(scale * 0.095), min: mins.headline }, input.headlineSize),
      sublineSize,
      ...(fonts ? { fonts } : {}),
      ...(input.tighten === false ? { tighten: false } : {}),
    });
  const maxHeight = Math.round(safeH * 0.5);
  let block = fitLowerThird(safeW - (logo ? logo.width + gap : 0), maxHeight);
  let bottom = height - margin;
  if (logo) {
    const above = fitLowerThird(safeW, maxHeight - logo.height - gap);
    const size = (b: TextBlock): number => b.headline?.fontSize ?? b.subline?.fontSize ?? 0;
    const lines = (b: TextBlock): number => (b.headline?.lines.length ?? 0) + (b.subline?.lines.length ?? 0);
    const better = size(above) > size(block) || (size(above) === size(block) && lines(above) < lines(block));
    if ((better && !above.problem) || (block.problem && !above.problem)) {
      block = above;
      bottom = height - margin - logo.height - gap;
    }
  }
  const top = bottom - block.height;
  return {
    margin,
    mode,
    block,
    textRect: { left: rtl ? width - margin - block.width : margin, top, width: block.width, height: block.height },
    align: 'start',
    anchorX: rtl ? width - margin : margin,
    logoRect,
    mins,
  };
}

/**
 * After layout, before a row can be DONE: every line's ink must lie inside the safe area and no
 * text may be under the minimum legible size. Returns a reason, or null when all is well.
 */
export function checkTextPlacement(layout: TemplateLayout, width: number, height: number, lines: PlacedLine[]): string | null {
  const m = layout.margin;
  const mins = layout.mins;
  for (const { part, line, x, baseline } of lines) {
    const s = line.shaped;
    const size = part.fontSize;
    const pen = x + line.offset;
    const left = pen + s.inkLeft * size;
    const right = pen + s.inkRight * size;
    const top = baseline - s.inkTop * size;
    const bottom = baseline + s.inkBottom * size;
    const tol = 0.5;
    if (left < m - tol || right > width - m + tol || top < m - tol || bottom > height - m + tol) {
      return `text "${line.text}" would cross the safe margin of the image`;
    }
    const min = part.bold ? mins.headline : mins.subline;
    if (size < min) return `${part.bold ? 'headline' : 'subline'} would be ${size} px, under the legible minimum of ${min} px`;
  }
  return null;
}
