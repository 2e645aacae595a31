// The designed gradient background: a diagonal two-colour gradient, a soft glow from one top
// corner, a gentle shade in the opposite bottom corner and a few soft light orbs. Returned as
// SVG; the renderer draws it at reduced scale and upscales (radial gradients are costly in
// librsvg at full size, and everything here is smooth, so nothing is lost).
import { hsl, toHex, toHsl, type Rgb } from './color';
import type { BackgroundColors } from './gradient-colors';
import { seededRandom } from '../../../shared/seed-hash';
import { num } from './svg';

function stop(offset: number, color: Rgb, opacity = 1): string {
  return `<stop offset="${num(offset)}" stop-color="${toHex(color)}" stop-opacity="${num(opacity)}"/>`;
}

/**
 * SVG of the gradient background for a `width`×`height` image, drawn at `scale` (the SVG's
 * pixel size is ceil(width·scale)×ceil(height·scale), its viewBox is the full size).
 * `seed` varies the composition (angle, glow corner, orbs) deterministically.
 */
export function gradientSvg(width: number, height: number, colors: BackgroundColors, seed: number, scale = 1): string {
  const rand = seededRandom(seed);
  const long = Math.max(width, height);
  const short = Math.min(width, height);
  const mirror = rand() < 0.5;
  const fx = (x: number): number => (mirror ? width - x : x);

  // Main gradient along an angle of 25–65° from the top corner, through the centre.
  const angle = ((25 + rand() * 40) * Math.PI) / 180;
  const dx = Math.cos(angle);
  const dy = Math.sin(angle);
  const half = (Math.abs(dx) * width + Math.abs(dy) * height) / 2;
  const cx = width / 2;
  const cy = height / 2;
  const x1 = fx(cx - dx * half);
  const x2 = fx(cx + dx * half);
  const y1 = cy - dy * half;
  const y2 = cy + dy * half;

  const glowX = fx(width * (0.08 + rand() * 0.25));
  const glowY = height * (rand() * 0.2);
  const shadeX = fx(width * (0.85 + rand() * 0.15));
  const shadeY = height * (0.85 + rand() * 0.15);

  const orbs: string[] = [];
  const orbDefs: string[] = [];
  const orbCount = 2 + Math.floor(rand() * 2);
  for (let i = 0; i < orbCount; i++) {
    const r = short * (0.1 + rand() * 0.22);
    const ox = fx(width * (0.1 + rand() * 0.8));
    const oy = height * (0.08 + rand() * 0.84);
    const o = 0.07 + rand() * 0.07;
    orbDefs.push(
      `<radialGradient id="o${i}">${stop(0, colors.accent, o)}${stop(0.55, colors.accent, o * 0.75)}${stop(1, colors.accent, 0)}</radialGradient>`,
    );
    orbs.push(`<circle cx="${num(ox)}" cy="${num(oy)}" r="${num(r)}" fill="url(#o${i})"/>`);
  }

  const pw = Math.max(1, Math.ceil(width * scale));
  const ph = Math.max(1, Math.ceil(height * scale));
  // The corner shade is a deeper tone of the end colour, not black (black greys pastels).
  const [eh, es, el] = toHsl(colors.end);
  const shade = hsl(eh, Math.min(1, es + 0.1), el * 0.55);
  const shadeOpacity = el > 0.7 ? 0.22 : 0.45;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${pw}" height="${ph}" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none">` +
    `<defs>` +
    `<linearGradient id="base" gradientUnits="userSpaceOnUse" x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}">` +
    `${stop(0, colors.start)}${stop(1, colors.end)}</linearGradient>` +
    `<radialGradient id="glow" gradientUnits="userSpaceOnUse" cx="${num(glowX)}" cy="${num(glowY)}" r="${num(long * 0.8)}">` +
    `${stop(0, colors.glow, 0.42)}${stop(0.45, colors.glow, 0.13)}${stop(1, colors.glow, 0)}</radialGradient>` +
    `<radialGradient id="shade" gradientUnits="userSpaceOnUse" cx="${num(shadeX)}" cy="${num(shadeY)}" r="${num(long * 0.7)}">` +
    `${stop(0, shade, shadeOpacity)}${stop(1, shade, 0)}</radialGradient>` +
    orbDefs.join('') +
    `</defs>` +
    `<rect width="${width}" height="${height}" fill="url(#base)"/>` +
    `<rect width="${width}" height="${height}" fill="url(#glow)"/>` +
    `<rect width="${width}" height="${height}" fill="url(#shade)"/>` +
    orbs.join('') +
    `</svg>`
  );
}
