// Text measurement from the fonts that draw the text: every width, ink height and glyph
// position comes from HarfBuzz shaping the string with the real font stack (text-shaper.ts).
// Shaping is size-independent (em units, no hinting), so each string is shaped once per
// stack and reused for every size the fitting loop tries.
import { brandSlot, defaultSlots, type FontSlot } from './text-fonts';
import { shapeLine, type ShapedLine } from './text-shaper';

/** The fonts of a text block: headline (bold) and subline (regular) stacks, brand fonts first. */
export interface TextFonts {
  headline: FontSlot[];
  subline: FontSlot[];
  /** Part of cache keys: two kits with different fonts never share measurements. */
  key: string;
}

let defaults: TextFonts | null = null;

/** Rowshot's own fonts: Noto Sans Bold for headlines, Regular for sublines, with every fallback. */
export function defaultTextFonts(): TextFonts {
  defaults ??= { headline: defaultSlots('bold'), subline: defaultSlots('regular'), key: 'default' };
  return defaults;
}

/** A brand kit's fonts in front of Rowshot's own (each part may have its own, or none). */
export function brandTextFonts(brand: { id: string; headline: Buffer | null; subline: Buffer | null } | undefined | null): TextFonts | undefined {
  if (!brand || (!brand.headline && !brand.subline)) return undefined;
  const base = defaultTextFonts();
  const slots = brandCache.get(brand.id) ?? {
    headline: brand.headline ? [brandSlot(`brand ${brand.id} headline`, brand.headline)] : [],
    subline: brand.subline ? [brandSlot(`brand ${brand.id} subline`, brand.subline)] : [],
  };
  if (brandCache.size > 50) brandCache.clear();
  brandCache.set(brand.id, slots);
  return { headline: [...slots.headline, ...base.headline], subline: [...slots.subline, ...base.subline], key: `brand:${brand.id}` };
}
const brandCache = new Map<string, { headline: FontSlot[]; subline: FontSlot[] }>();

/** Bounded cache of shaped strings (em units) per font stack. */
const MAX_CACHED = 20_000;
const cache = new Map<string, ShapedLine>();

/** The shaped line for `text` in the headline (bold) or subline stack, from the cache when it can. */
export function shaped(text: string, bold: boolean, fonts: TextFonts = defaultTextFonts(), rtl?: boolean): ShapedLine {
  const key = `${fonts.key}\u0000${bold ? 'b' : 'r'}\u0000${rtl === undefined ? 'a' : rtl ? 'r' : 'l'}\u0000${text}`;
  let line = cache.get(key);
  if (!line) {
    line = shapeLine(text, bold ? fonts.headline : fonts.subline, rtl);
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(key, line);
  }
  return line;
}

/** Advance width in px of `text` at `fontSize`, shaped with the real fonts. */
export function measureText(text: string, fontSize: number, bold: boolean, fonts?: TextFonts): number {
  return shaped(text, bold, fonts).advance * fontSize;
}
