// Contrast-aware text colour: measure the background under the text, pick near-white or
// near-black text, and add a scrim (a soft darkening or lightening layer) when the contrast
// would otherwise fall below WCAG-like targets.
import { contrastRatio, linearToSrgb, luminance, parseHex, srgbToLinear, SRGB_TO_LINEAR, type Rgb } from './color';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface LuminanceStats {
  /** Mean relative luminance (0–1). */
  mean: number;
  /** 5th percentile: the darkest parts. */
  low: number;
  /** 95th percentile: the brightest parts. */
  high: number;
}

const BINS = 512;

/**
 * Luminance statistics of `rect` in an interleaved 8-bit image (3 or 4 channels; alpha is
 * ignored). Samples on a grid of at most ~maxSamples pixels, so it stays fast at any size.
 */
export function regionLuminance(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  rect: Rect,
  maxSamples = 40_000,
): LuminanceStats {
  const x0 = Math.max(0, Math.floor(rect.left));
  const y0 = Math.max(0, Math.floor(rect.top));
  const x1 = Math.min(width, Math.ceil(rect.left + rect.width));
  const y1 = Math.min(height, Math.ceil(rect.top + rect.height));
  if (x1 <= x0 || y1 <= y0 || channels < 3) return { mean: 0, low: 0, high: 0 };
  const step = Math.max(1, Math.floor(Math.sqrt(((x1 - x0) * (y1 - y0)) / maxSamples)));
  const hist = new Uint32Array(BINS);
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += step) {
    let i = (y * width + x0) * channels;
    const di = step * channels;
    for (let x = x0; x < x1; x += step, i += di) {
      const l =
        0.2126 * (SRGB_TO_LINEAR[pixels[i] ?? 0] ?? 0) +
        0.7152 * (SRGB_TO_LINEAR[pixels[i + 1] ?? 0] ?? 0) +
        0.0722 * (SRGB_TO_LINEAR[pixels[i + 2] ?? 0] ?? 0);
      sum += l;
      n++;
      const bin = Math.min(BINS - 1, Math.floor(l * BINS));
      hist[bin] = (hist[bin] ?? 0) + 1;
    }
  }
  const percentile = (p: number): number => {
    const target = p * n;
    let acc = 0;
    for (let b = 0; b < BINS; b++) {
      acc += hist[b] ?? 0;
      if (acc >= target) return (b + 0.5) / BINS;
    }
    return 1;
  };
  return { mean: sum / n, low: percentile(0.05), high: percentile(0.95) };
}

export const LIGHT_TEXT = '#fbfbf8';
export const DARK_TEXT = '#16161a';

export interface TextStyle {
  /** Text colour (hex). */
  color: string;
  /** Light text on a darker background. */
  light: boolean;
  /** Scrim colour and opacity behind the text, or null for none. */
  scrim: { color: string; opacity: number } | null;
  /** Soft drop shadow under light text on busy or photographic backgrounds. */
  shadow: boolean;
}

export interface StyleOptions {
  /** Photographic background: leans to light text over a darkening scrim; always shadowed. */
  photographic?: boolean;
  /** Minimum scrim opacity. */
  minScrim?: number;
  /** Maximum scrim opacity; beyond this the scrim hides the background too much. */
  maxScrim?: number;
  /** Contrast target against the mean background (WCAG AA body text: 4.5). */
  meanTarget?: number;
  /** Contrast target against the worst 5% of the background (WCAG AA large text: 3). */
  worstTarget?: number;
  /** The text colour decided for the whole set (see text-treatment.ts); the scrim then makes it legible here. */
  light?: boolean;
  /** A brand kit's own text colour (hex): kept as it is, with a scrim of the opposite lightness under it as needed. */
  color?: string;
}

const lum = (hex: string): number => luminance(parseHex(hex) as Rgb);
const LIGHT_L = lum(LIGHT_TEXT);
const DARK_L = lum(DARK_TEXT);

/** Luminance of a grey of luminance `l` after an sRGB-space blend with `scrimL` at opacity `a`. */
export function blended(l: number, scrimL: number, a: number): number {
  const v = linearToSrgb(l) * (1 - a) + linearToSrgb(scrimL) * a;
  return srgbToLinear(v);
}

/** Chooses text colour, scrim and shadow for a background with these statistics. */
export function chooseTextStyle(stats: LuminanceStats, options: StyleOptions = {}): TextStyle {
  const minScrim = options.minScrim ?? 0;
  const maxScrim = options.maxScrim ?? 0.62;
  const meanTarget = options.meanTarget ?? 4.5;
  const worstTarget = options.worstTarget ?? 3;

  // Pick the text colour with more contrast against the mean, but treat mid-tones as dark
  // (white on mid-tones looks better than black). Photos lean further toward light text over
  // a darkening scrim (the familiar caption look); only clearly light photos get dark text.
  const fixedL = options.color && parseHex(options.color) ? lum(options.color) : null;
  const light =
    fixedL !== null
      ? contrastRatio(fixedL, 0) >= contrastRatio(1, fixedL)
      : (options.light ??
        (options.photographic ? stats.mean < 0.4 : contrastRatio(LIGHT_L, stats.mean) * 1.15 >= contrastRatio(stats.mean, DARK_L)));
  const textL = fixedL ?? (light ? LIGHT_L : DARK_L);
  const scrimL = light ? 0 : 1;
  const worst = light ? stats.high : stats.low;

  let opacity = minScrim;
  for (; opacity < maxScrim; opacity += 0.02) {
    const okMean = contrastRatio(textL, blended(stats.mean, scrimL, opacity)) >= meanTarget;
    const okWorst = contrastRatio(textL, blended(worst, scrimL, opacity)) >= worstTarget;
    if (okMean && okWorst) break;
  }
  opacity = Math.min(maxScrim, Math.round(opacity * 100) / 100);
  const busy = stats.high - stats.low > 0.3;
  return {
    color: fixedL !== null && options.color ? options.color : light ? LIGHT_TEXT : DARK_TEXT,
    light,
    scrim: opacity > 0.005 ? { color: light ? '#000000' : '#ffffff', opacity } : null,
    shadow: light && (options.photographic === true || busy || opacity >= maxScrim),
  };
}
