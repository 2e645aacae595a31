// The logo: decoded and scaled for the corner, and given a backing plate when it would not
// stand out from the background (a navy wordmark on a navy background, say).
import sharp from 'sharp';
import type { BrandKitStyle } from '../../../shared/index';
import { contrastRatio, SRGB_TO_LINEAR } from './color';
import type { Rect } from './contrast';
import { untrustedInput } from './image-limits';
import { logoSize } from './layout';
import type { RawImage } from './raw-image';
import { num } from './svg';

/** Padding around the logo inside its footprint (the plate, when there is one). */
export function logoPadding(logoHeight: number): number {
  return Math.max(4, Math.round(logoHeight * 0.16));
}

/** The logo's padding for a kit: the kit's share of the short side, else 16% of the logo's height. */
export function logoPadFor(logoHeight: number, width: number, height: number, kit: BrandKitStyle | undefined): number {
  return kit?.padding !== undefined ? Math.round(Math.min(width, height) * kit.padding) : logoPadding(logoHeight);
}

/** The size the logo is drawn at on an image of width×height (see logoSize; `ratio` a kit's logoSize), from its header alone. Throws on bad data. */
export async function logoDrawSize(data: Buffer, width: number, height: number, ratio?: number): Promise<{ width: number; height: number }> {
  const meta = await sharp(data, untrustedInput()).metadata();
  const w = meta.autoOrient?.width ?? meta.width;
  const h = meta.autoOrient?.height ?? meta.height;
  if (!w || !h) throw new Error('no dimensions');
  return logoSize(width, height, w, h, ratio);
}

/** The logo's footprint in the template layout: its drawn size plus the plate's padding. */
export function logoFootprint(size: { width: number; height: number }, pad: number = logoPadding(size.height)): { width: number; height: number } {
  return { width: size.width + 2 * pad, height: size.height + 2 * pad };
}

/** Decodes the logo as RGBA scaled for an image of width×height (see logoSize). Throws on bad data. */
export async function decodeLogo(data: Buffer, width: number, height: number, ratio?: number): Promise<RawImage> {
  const size = await logoDrawSize(data, width, height, ratio);
  const out = await sharp(data, untrustedInput())
    .resize(size.width, size.height, { fit: 'fill' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: out.data, width: out.info.width, height: out.info.height, channels: 4 };
}

export interface Plate {
  color: string;
  opacity: number;
}

/**
 * A plate is needed when more than 30% of the logo's ink (alpha-weighted) has a contrast
 * below 1.5:1 against the mean background luminance under it (it would all but vanish). Dark
 * ink gets a white plate, light ink a dark one.
 */
export function logoPlate(logo: RawImage, backgroundLuminance: number): Plate | null {
  let ink = 0;
  let poor = 0;
  let poorLum = 0;
  for (let i = 0; i + 3 < logo.data.length; i += 4) {
    const a = (logo.data[i + 3] ?? 0) / 255;
    if (a < 0.5) continue;
    const l =
      0.2126 * (SRGB_TO_LINEAR[logo.data[i] ?? 0] ?? 0) +
      0.7152 * (SRGB_TO_LINEAR[logo.data[i + 1] ?? 0] ?? 0) +
      0.0722 * (SRGB_TO_LINEAR[logo.data[i + 2] ?? 0] ?? 0);
    ink += a;
    if (contrastRatio(l, backgroundLuminance) < 1.5) {
      poor += a;
      poorLum += a * l;
    }
  }
  if (ink === 0 || poor / ink <= 0.3) return null;
  return poorLum / poor < 0.3 ? { color: '#ffffff', opacity: 0.92 } : { color: '#111114', opacity: 0.6 };
}

/** SVG of a rounded plate filling `rect` (drawn at the rect's position). */
export function plateSvg(rect: Rect, plate: Plate): string {
  const radius = Math.min(rect.width, rect.height) * 0.28;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${rect.width}" height="${rect.height}">` +
    `<rect width="${rect.width}" height="${rect.height}" rx="${num(radius)}" fill="${plate.color}" fill-opacity="${num(plate.opacity)}"/></svg>`
  );
}
