// Background colours for the template renderer: from the pack palette when there is one,
// otherwise derived from the prompt text (the same prompt always gives the same colours).
import { colorDistance, hsl, parseHex, toHsl, type Rgb } from './color';
import { hashString } from '../../../shared/seed-hash';

export interface BackgroundColors {
  /** Top-left end of the main gradient. */
  start: Rgb;
  /** Bottom-right end of the main gradient. */
  end: Rgb;
  /** Colour of the soft glow from one top corner. */
  glow: Rgb;
  /** Colour of the soft orbs. */
  accent: Rgb;
}

/** A close companion shade: a small hue step, lightness moved toward the middle, a little less saturated. */
function companion(c: Rgb, hueShift: number): Rgb {
  const [h, s, l] = toHsl(c);
  return hsl(h + hueShift, s * 0.8, l > 0.55 ? l - 0.12 : l + 0.1);
}

function glowOf(c: Rgb): Rgb {
  const [h, s, l] = toHsl(c);
  return hsl(h + 10, s * 0.7, Math.min(0.92, Math.max(l + 0.25, 0.55)));
}

/** Two colours blend without going muddy when their hues are close or one is nearly grey. */
function blendsWell(a: Rgb, b: Rgb): boolean {
  const [ha, sa] = toHsl(a);
  const [hb, sb] = toHsl(b);
  const dh = Math.abs(((ha - hb + 540) % 360) - 180);
  return dh <= 60 || sa < 0.15 || sb < 0.15;
}

/**
 * Colours from a pack palette (hex strings, dominant first). Invalid entries are ignored;
 * null when nothing usable is left. The dominant colour carries the gradient (with a close
 * companion shade of it); the next distinct colour tints the glow and orbs only when it
 * blends well with it: a navy-to-orange blend, say, turns muddy grey-brown where they meet.
 */
export function colorsFromPalette(palette: readonly string[]): BackgroundColors | null {
  const colors = palette.map(parseHex).filter((c): c is Rgb => c !== null);
  const start = colors[0];
  if (start === undefined) return null;
  const end = companion(start, 14);
  const second = colors.find((c) => colorDistance(c, start) >= 40);
  const accent = second && blendsWell(start, second) ? second : glowOf(start);
  return { start, end, glow: accent, accent };
}

type Recipe = (h: number) => BackgroundColors;

// Hand-tuned HSL recipes: analogous pairs (never complementary clashes), saturation kept
// below 0.8 against garishness, lightness kept away from the muddy middle greys.
const recipe = (start: Rgb, end: Rgb, accent: Rgb): BackgroundColors => ({ start, end, glow: accent, accent });
const RECIPES: Record<'deep' | 'dusk' | 'pastel' | 'vivid', Recipe> = {
  deep: (h) => recipe(hsl(h, 0.6, 0.16), hsl(h + 32, 0.55, 0.34), hsl(h + 64, 0.7, 0.6)),
  dusk: (h) => recipe(hsl(h, 0.5, 0.15), hsl(h - 42, 0.6, 0.38), hsl(h - 80, 0.75, 0.66)),
  // The pastel companion never lands on yellow-green (lime washes look acidic).
  pastel: (h) => {
    const lands = (((h + 28) % 360) + 360) % 360;
    const d = lands >= 50 && lands < 110 ? -28 : 28;
    return recipe(hsl(h, 0.75, 0.93), hsl(h + d, 0.62, 0.82), hsl(h - d, 0.9, 0.9));
  },
  vivid: (h) => recipe(hsl(h, 0.66, 0.36), hsl(h + 26, 0.72, 0.5), hsl(h + 52, 0.85, 0.72)),
};

/** Deterministic, harmonious colours from the prompt text (case and spacing ignored). */
export function colorsFromPrompt(prompt: string): BackgroundColors {
  const hash = hashString(prompt.trim().toLowerCase().replace(/\s+/g, ' '));
  const hue = hash % 360;
  const names = ['deep', 'dusk', 'pastel', 'vivid'] as const;
  let name = names[(hash >>> 9) % names.length] ?? 'deep';
  let h = hue;
  // Dark or saturated yellows turn olive and brown: move those recipes to warm reds and
  // oranges (deep, vivid) or to blues (dusk). Saturated yellow-greens look neon: go deep.
  if (h >= 45 && h < 105 && name !== 'pastel') h = name === 'dusk' ? h + 150 : h - 60;
  if (h >= 105 && h < 150 && name === 'vivid') name = 'deep';
  return RECIPES[name](h);
}
