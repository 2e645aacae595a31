// One treatment per set: every size of a row, and every row that shares a pack, gets the same
// text colour, the same scrim rule and the same logo-plate decision. They are decided from what
// the set shares (the pack's reference image as a whole, or the palette's gradient), not from
// the crop each size happens to get; each image then only raises the scrim as far as its own
// pixels need for contrast.
import sharp from 'sharp';
import { chooseTextStyle, regionLuminance, type LuminanceStats } from './contrast';
import { gradientSvg } from './gradient';
import type { BackgroundColors } from './gradient-colors';
import { untrustedInput } from './image-limits';

export interface Treatment {
  /** Light text (over a darkening scrim) or dark text (over a lightening one). */
  light: boolean;
  /** The least scrim every image of the set gets (0: none unless an image needs one). */
  minScrim: number;
  /** Mean luminance of the set's background, for the logo-plate decision. */
  meanLuminance: number;
}

const SIDE = 96;

/**
 * Luminance statistics of the lower 45% of the whole, uncropped reference (where lower-third
 * text sits in every size), the same for every size and every row of the pack.
 */
async function referenceStats(data: Buffer): Promise<LuminanceStats> {
  const out = await sharp(data, untrustedInput()).resize(SIDE, SIDE, { fit: 'fill' }).flatten({ background: '#1e1e22' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  const top = Math.round(SIDE * 0.55);
  return regionLuminance(out.data, SIDE, SIDE, out.info.channels, { left: 0, top, width: SIDE, height: SIDE - top });
}

async function gradientStats(colors: BackgroundColors, seed: number): Promise<LuminanceStats> {
  const svg = gradientSvg(SIDE * 4, SIDE * 4, colors, seed, 0.25);
  const out = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  // Centred text: the middle band of the gradient.
  const h = out.info.height;
  return regionLuminance(out.data, out.info.width, h, out.info.channels, { left: 0, top: h * 0.3, width: out.info.width, height: h * 0.4 });
}

/** The set's treatment, from a reference image (photographic) or the gradient colours. */
export async function setTreatment(source: { reference: Buffer } | { colors: BackgroundColors; seed: number }): Promise<Treatment> {
  const photographic = 'reference' in source;
  const stats = photographic ? await referenceStats(source.reference) : await gradientStats(source.colors, source.seed);
  const style = chooseTextStyle(stats, photographic ? { photographic, minScrim: 0.3, maxScrim: 0.7 } : {});
  return { light: style.light, minScrim: style.scrim?.opacity ?? 0, meanLuminance: stats.mean };
}
