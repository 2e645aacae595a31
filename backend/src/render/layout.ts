// Where things go on a template image: safe margins, the logo corner and the text block.
import type { BrandKitStyle, ScrimStyle } from '../../../shared/index';
import type { Rect } from './contrast';
import { cleanText, fitTextBlock, type SizeRange, type TextBlock } from './text-layout';
import type { TextFonts } from './text-metrics';
import { isRtlParagraph } from './text-shaper';
import type { PlacedLine } from './overlay';

/** Where the text block sits: the middle, or a third along the bottom or the top edge. */
export type LayoutMode = 'centered' | 'lower-third' | 'upper-third';

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
export function logoSize(width: number, height: number, logoWidth: number, logoHeight: number, ratio = LOGO_RATIO): { width: number; height: number } {
  const short = Math.min(width, height);
  const side = short * ratio;
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
  /** `start` is the left for left-to-right text, the right for right-to-left; `end` the other side. */
  align: 'center' | 'start' | 'end';
  /** x of the text anchor: the centre line, or the edge the lines align to. */
  anchorX: number;
  /** The logo footprint, in the bottom-right corner at the safe margin. */
  logoRect: Rect | null;
  /** The minimum legible sizes the text was fitted to (and is checked against). */
  mins: MinSizes;
  /** The scrim's shape when the text needs one (a kit's, else a gradient from the text's edge, a band for centred text); `none`: never. */
  scrim: ScrimStyle;
  /** Space inside a plate around the text, px. */
  padding: number;
}

/** The scrim shape for a layout: the kit's, else a gradient from the edge the text sits on, a band in the middle. */
export function scrimFor(mode: LayoutMode, kit: BrandKitStyle | undefined): ScrimStyle {
  if (kit?.scrim) return kit.scrim === 'gradient' && mode === 'centered' ? 'band' : kit.scrim;
  return mode === 'centered' ? 'band' : 'gradient';
}

/** Plate padding in px: the kit's share of the short side, else 2%. */
export function paddingFor(width: number, height: number, kit: BrandKitStyle | undefined): number {
  return Math.max(2, Math.round(Math.min(width, height) * (kit?.padding ?? 0.02)));
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
  /** The pack's brand kit style. */
  kit?: BrandKitStyle;
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

/** The kit's size limits over the renderer's range: the kit's max replaces it, its min only raises the legible floor. */
function kitRange(base: SizeRange, kit: { min?: number; max?: number } | undefined): SizeRange {
  const max = kit?.max ?? base.max;
  return { max, min: Math.min(max, Math.max(base.min, kit?.min ?? 0)) };
}

/**
 * Centered: headline and subline centred in the safe area (slightly above the middle, the
 * optical centre), clear of the logo. Lower third: left-aligned over at most the lower half,
 * so a photographic background keeps its subject visible; beside the logo (bottom-aligned
 * with it) or above it, whichever allows the larger headline or fewer lines. Upper third: the
 * same from the top edge. A brand kit chooses the position, alignment, logo corner, margin and
 * size limits; what it leaves out stays automatic.
 */
export function layoutTemplate(input: LayoutInput): TemplateLayout {
  const { width, height, logo, kit } = input;
  const mode: LayoutMode =
    kit?.position === 'top' ? 'upper-third' : kit?.position === 'center' ? 'centered' : kit?.position === 'bottom' ? 'lower-third' : input.mode;
  const short = Math.min(width, height);
  // Type scales with the image area (geometric mean of the sides), so wide banners and tall
  // stories get type as big as squares of the same pixel count; the fit shrinks it as needed.
  const scale = Math.sqrt(width * height);
  const margin = kit?.safeMargin !== undefined ? Math.round(short * kit.safeMargin) : safeMargin(width, height);
  const gap = Math.round(short * 0.035);
  // Right-to-left text starts at the right: the layout is mirrored, the logo goes bottom-left.
  const rtl = isRtlParagraph(cleanText(input.headline || input.subline).split('\n')[0] ?? '');
  const corner = kit?.logoPosition && kit.logoPosition !== 'auto' ? kit.logoPosition : rtl ? 'bottom-left' : 'bottom-right';
  const logoTop = corner.startsWith('top');
  const logoRect: Rect | null = logo
    ? {
        left: corner.endsWith('left') ? margin : width - margin - logo.width,
        top: logoTop ? margin : height - margin - logo.height,
        width: logo.width,
        height: logo.height,
      }
    : null;
  const mins = minTextSizes(width, height, input.minTextPx);
  const safeW = width - 2 * margin;
  const safeH = height - 2 * margin;
  const sublineSize = range(kitRange({ max: Math.round(scale * 0.05), min: mins.subline }, kit?.sublineSize), input.sublineSize);
  const fonts = input.fonts;
  const fit = (maxWidth: number, maxHeight: number, headlineMax: number) =>
    fitTextBlock({
      headline: input.headline,
      subline: input.subline,
      maxWidth,
      maxHeight,
      headlineSize: range(kitRange({ max: headlineMax, min: mins.headline }, kit?.headlineSize), input.headlineSize),
      sublineSize,
      ...(fonts ? { fonts } : {}),
      ...(input.tighten === false ? { tighten: false } : {}),
    });
  const finish = { scrim: scrimFor(mode, kit), padding: paddingFor(width, height, kit) };
  const alignOf = (auto: TemplateLayout['align']): TemplateLayout['align'] => kit?.align ?? auto;
  /** The text rectangle's left edge and the anchor for an alignment (start is the right for RTL). */
  const place = (align: TemplateLayout['align'], blockWidth: number): { left: number; anchorX: number } => {
    if (align === 'center') return { left: (width - blockWidth) / 2, anchorX: width / 2 };
    const right = (align === 'start') === rtl;
    return right ? { left: width - margin - blockWidth, anchorX: width - margin } : { left: margin, anchorX: margin };
  };

  if (mode === 'centered') {
    const reserve = logo ? logo.height + gap : 0;
    const block = fit(safeW, safeH - reserve, Math.round(scale * 0.115));
    const optical = margin + (safeH - block.height) * 0.46;
    const top = logoTop ? Math.max(optical, margin + reserve) : Math.min(optical, height - margin - reserve - block.height);
    const align = alignOf('center');
    const { left, anchorX } = place(align, block.width);
    return { margin, mode, block, textRect: { left, top, width: block.width, height: block.height }, align, anchorX, logoRect, mins, ...finish };
  }

  // Beside the logo (narrower) or past it (shorter), when the logo is on the text's edge:
  // whichever sets the headline larger (or, at the same size, in fewer lines).
  const headlineMax = Math.round(scale * 0.095);
  const maxHeight = Math.round(safeH * 0.5);
  const fromTop = mode === 'upper-third';
  const logoOnTextEdge = logo !== null && logoTop === fromTop;
  let block = fit(safeW - (logoOnTextEdge && logo ? logo.width + gap : 0), maxHeight, headlineMax);
  let offset = 0;
  if (logoOnTextEdge && logo) {
    const past = fit(safeW, maxHeight - logo.height - gap, headlineMax);
    const size = (b: TextBlock): number => b.headline?.fontSize ?? b.subline?.fontSize ?? 0;
    const lines = (b: TextBlock): number => (b.headline?.lines.length ?? 0) + (b.subline?.lines.length ?? 0);
    const better = size(past) > size(block) || (size(past) === size(block) && lines(past) < lines(block));
    if ((better && !past.problem) || (block.problem && !past.problem)) {
      block = past;
      offset = logo.height + gap;
    }
  }
  const top = fromTop ? margin + offset : height - margin - offset - block.height;
  const align = alignOf('start');
  const { left, anchorX } = place(align, block.width);
  return { margin, mode, block, textRect: { left, top, width: block.width, height: block.height }, align, anchorX, logoRect, mins, ...finish };
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
