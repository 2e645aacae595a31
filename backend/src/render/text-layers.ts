// The text layers composited over the background: optional scrim, optional soft shadow, text.
import sharp, { type OverlayOptions } from 'sharp';
import type { BrandKitStyle } from '../../../shared/index';
import { chooseTextStyle, type LuminanceStats, type Rect, type TextStyle } from './contrast';
import type { TemplateLayout } from './layout';
import { scrimSvg, textSvg } from './overlay';
import { rawOf, type RawImage } from './raw-image';
import type { Treatment } from './text-treatment';

/** A soft drop shadow from the alpha of rendered text: blurred, darkened, shifted down by dy. */
async function shadowOf(text: RawImage, sigma: number, dy: number, opacity: number): Promise<Buffer> {
  const { width, height } = text;
  const alpha = Buffer.alloc(width * height);
  for (let i = 0, j = 3; i < alpha.length; i++, j += 4) alpha[i] = text.data[j] ?? 0;
  // sharp hands single-channel input back as sRGB, so read the blurred alpha with its stride.
  const blurred = await sharp(alpha, { raw: { width, height, channels: 1 } }).blur(sigma).raw().toBuffer({ resolveWithObject: true });
  const stride = blurred.info.channels;
  const out = Buffer.alloc(width * height * 4); // black, transparent
  const shift = Math.round(dy) * width;
  for (let i = shift; i < width * height; i++) out[i * 4 + 3] = Math.round((blurred.data[(i - shift) * stride] ?? 0) * opacity);
  return out;
}

/** The text rectangle plus room for the shadow, clamped to the image. */
function textCanvas(layout: TemplateLayout, pad: number, width: number, height: number): Rect {
  const r = layout.textRect;
  const left = Math.max(0, Math.floor(r.left - pad));
  const top = Math.max(0, Math.floor(r.top - pad));
  const right = Math.min(width, Math.ceil(r.left + r.width + pad));
  const bottom = Math.min(height, Math.ceil(r.top + r.height + pad));
  return { left, top, width: Math.max(1, right - left), height: Math.max(1, bottom - top) };
}

/**
 * Composite layers for the text block, given the luminance statistics of the background
 * under it, and the style chosen. Photographic backgrounds always get a scrim of at least 0.3.
 */
export async function textLayers(
  layout: TemplateLayout,
  stats: LuminanceStats,
  photographic: boolean,
  width: number,
  height: number,
  treatment?: Treatment,
  kit?: BrandKitStyle,
): Promise<{ layers: OverlayOptions[]; style: TextStyle; notes: string[] }> {
  const base = photographic ? { photographic, minScrim: 0.3, maxScrim: 0.7 } : {};
  // A set's treatment fixes the colour and the least scrim; this image may need more scrim.
  const options = treatment ? { ...base, light: treatment.light, minScrim: Math.max(base.minScrim ?? 0, treatment.minScrim), maxScrim: 0.85 } : base;
  // A kit's own colours are kept exactly; the scrim is raised until both parts read.
  const headlineColor = kitColor(kit?.headlineColor);
  const sublineColor = kitColor(kit?.sublineColor) ?? headlineColor;
  let style = chooseTextStyle(stats, headlineColor ? { ...options, color: headlineColor, maxScrim: 0.85 } : options);
  let subColor = style.color;
  if (sublineColor && layout.block.subline) {
    const sub = chooseTextStyle(stats, { ...options, color: sublineColor, maxScrim: 0.85 });
    subColor = sub.color;
    if (sub.light === style.light && (sub.scrim?.opacity ?? 0) > (style.scrim?.opacity ?? 0)) style = { ...style, scrim: sub.scrim };
  }
  const notes: string[] = [];
  const bare = layout.scrim === 'none' && style.scrim ? chooseTextStyle(stats, headlineColor ? { color: headlineColor } : { light: style.light }) : null;
  if (layout.scrim === 'none') style = { ...style, scrim: null };
  if (bare?.scrim) {
    // The kit asked for no scrim: the text goes on the image as it is, and the row says it reads poorly.
    notes.push(`text contrast is under WCAG 4.5:1 here (the brand kit's scrim is none)`);
  }
  const layers: OverlayOptions[] = [];
  if (style.scrim) {
    layers.push({ input: Buffer.from(scrimSvg(width, height, layout, style.scrim.color, style.scrim.opacity)), left: 0, top: 0 });
  }
  const size = layout.block.headline?.fontSize ?? layout.block.subline?.fontSize ?? 16;
  const sigma = Math.max(1.2, size * 0.045);
  const dy = Math.max(1, size * 0.03);
  const canvas = textCanvas(layout, Math.ceil(sigma * 3 + dy) + 2, width, height);
  const svg = Buffer.from(textSvg(layout, canvas, style.color, subColor));
  if (!style.shadow) {
    layers.push({ input: svg, left: canvas.left, top: canvas.top });
    return { layers, style, notes };
  }
  const rendered = await sharp(svg).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const text: RawImage = { data: rendered.data, width: rendered.info.width, height: rendered.info.height, channels: 4 };
  const shadow = await shadowOf(text, sigma, dy, 0.5);
  layers.push({ input: shadow, raw: rawOf(text), left: canvas.left, top: canvas.top });
  layers.push({ input: text.data, raw: rawOf(text), left: canvas.left, top: canvas.top });
  return { layers, style, notes };
}

const kitColor = (c: string | undefined): string | undefined => (c === undefined || c === 'auto' ? undefined : c.toLowerCase());
