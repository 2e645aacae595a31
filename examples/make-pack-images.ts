// Makes the two example reference packs under examples/packs/: abstract backgrounds and a
// logo for each, drawn from scratch with SVG + sharp (licence-clean: made here, no assets).
// Deterministic: a seeded PRNG, fixed sizes and fixed PNG settings, so re-running gives the
// same files.   node bin/run-ts.mjs examples/make-pack-images.ts
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { seededRandom } from '../shared/seed-hash';

const OUT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'packs');
const SIZE = 1080;
const FONT = 'DejaVu Sans, sans-serif';

/** An SVG document drawn in a w×h coordinate space, rasterised at `scale`. */
const svg = (w: number, h: number, body: string, scale = 1): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${Math.round(w * scale)}" height="${Math.round(h * scale)}" viewBox="0 0 ${w} ${h}">${body}</svg>`;

const r1 = (n: number): string => n.toFixed(1);

function pick<T>(rand: () => number, items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)] as T;
}

// ---------------------------------------------------------------- celebration

/** Confetti on a warm cream-to-peach gradient, dense at the top, thinning toward the bottom. */
function confetti(): string {
  const rand = seededRandom(0xc0ff33);
  const colors = ['#f4b942', '#ff6b6b', '#2ec4b6', '#ff8fab', '#7b5ea7', '#ffd166'];
  const pieces: string[] = [];
  for (let i = 0; i < 230; i++) {
    const y = SIZE * Math.pow(rand(), 1.7); // more near the top
    const x = rand() * SIZE;
    const c = pick(rand, colors);
    const rot = rand() * 360;
    const kind = rand();
    const s = 8 + rand() * 14;
    const o = 0.75 + rand() * 0.25;
    if (kind < 0.45) {
      pieces.push(`<rect x="${r1(-s / 2)}" y="${r1(-s / 4)}" width="${r1(s)}" height="${r1(s / 2)}" rx="2" fill="${c}" fill-opacity="${r1(o)}" transform="translate(${r1(x)} ${r1(y)}) rotate(${r1(rot)})"/>`);
    } else if (kind < 0.75) {
      pieces.push(`<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(s / 3)}" fill="${c}" fill-opacity="${r1(o)}"/>`);
    } else {
      const w = s * 1.6;
      pieces.push(
        `<path d="M${r1(-w)} 0 q${r1(w / 2)} ${r1(-s / 1.5)} ${r1(w)} 0 t${r1(w)} 0" fill="none" stroke="${c}" stroke-width="4" stroke-linecap="round" stroke-opacity="${r1(o)}" transform="translate(${r1(x)} ${r1(y)}) rotate(${r1(rot)})"/>`,
      );
    }
  }
  return svg(
    SIZE,
    SIZE,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="0.35" y2="1">` +
      `<stop offset="0" stop-color="#fff6e9"/><stop offset="0.6" stop-color="#ffe1c7"/><stop offset="1" stop-color="#ffc9b0"/></linearGradient>` +
      `<radialGradient id="glow" cx="0.5" cy="0.05" r="0.8"><stop offset="0" stop-color="#ffffff" stop-opacity="0.7"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient></defs>` +
      `<rect width="${SIZE}" height="${SIZE}" fill="url(#bg)"/><rect width="${SIZE}" height="${SIZE}" fill="url(#glow)"/>` +
      pieces.join(''),
  );
}

/** Soft golden bokeh over a deep plum evening gradient, with a few sparkles. */
function bokeh(): string {
  const rand = seededRandom(0xb0cae);
  const tones = ['#ffd27a', '#ffb38a', '#ff8fab', '#fff1c9'];
  const circles: string[] = [];
  for (let i = 0; i < 46; i++) {
    const r = 20 + Math.pow(rand(), 2) * 120;
    const x = rand() * SIZE;
    const y = rand() * SIZE * 0.85;
    const c = pick(rand, tones);
    const o = 0.14 + rand() * 0.3;
    // Real bokeh discs are nearly flat with a slightly brighter rim.
    circles.push(
      `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(r)}" fill="${c}" fill-opacity="${r1(o)}" stroke="${c}" stroke-opacity="${r1(o * 0.8)}" stroke-width="${r1(Math.max(2, r * 0.06))}"/>`,
    );
  }
  const sparkles: string[] = [];
  for (let i = 0; i < 14; i++) {
    const x = rand() * SIZE;
    const y = rand() * SIZE * 0.7;
    const s = 6 + rand() * 10;
    sparkles.push(
      `<path d="M0 ${r1(-s)} L${r1(s / 4)} ${r1(-s / 4)} L${r1(s)} 0 L${r1(s / 4)} ${r1(s / 4)} L0 ${r1(s)} L${r1(-s / 4)} ${r1(s / 4)} L${r1(-s)} 0 L${r1(-s / 4)} ${r1(-s / 4)} Z" fill="#fff6dd" fill-opacity="0.85" transform="translate(${r1(x)} ${r1(y)})"/>`,
    );
  }
  return svg(
    SIZE,
    SIZE,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="0.4" y2="1">` +
      `<stop offset="0" stop-color="#3a1046"/><stop offset="0.55" stop-color="#6b1e4f"/><stop offset="1" stop-color="#2a0c2e"/></linearGradient>` +
      `<radialGradient id="warm" cx="0.7" cy="0.25" r="0.7"><stop offset="0" stop-color="#ff9a62" stop-opacity="0.45"/><stop offset="1" stop-color="#ff9a62" stop-opacity="0"/></radialGradient>` +
      `</defs><rect width="${SIZE}" height="${SIZE}" fill="url(#bg)"/><rect width="${SIZE}" height="${SIZE}" fill="url(#warm)"/>` +
      circles.join('') +
      sparkles.join(''),
    // Drawn smaller than the others: the many translucent overlaps need more PNG bytes.
    0.8,
  );
}

/** A warm sunset gradient with flowing ribbons. */
function ribbons(): string {
  const bands = [
    { y: 620, amp: 90, color: '#ffd6a5', o: 0.55, w: 70 },
    { y: 700, amp: 120, color: '#ffadad', o: 0.45, w: 110 },
    { y: 800, amp: 80, color: '#fdffb6', o: 0.35, w: 50 },
    { y: 880, amp: 140, color: '#ff8fab', o: 0.4, w: 130 },
  ];
  const paths = bands.map(
    (b) =>
      `<path d="M-100 ${b.y} C ${SIZE * 0.25} ${b.y - b.amp * 2}, ${SIZE * 0.55} ${b.y + b.amp * 2}, ${SIZE + 100} ${b.y - b.amp}" fill="none" stroke="${b.color}" stroke-opacity="${b.o}" stroke-width="${b.w}" stroke-linecap="round"/>`,
  );
  return svg(
    SIZE,
    SIZE,
    `<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">` +
      `<stop offset="0" stop-color="#ff9966"/><stop offset="0.5" stop-color="#ff5e62"/><stop offset="1" stop-color="#c2185b"/></linearGradient>` +
      `<radialGradient id="sun" cx="0.72" cy="0.28" r="0.45"><stop offset="0" stop-color="#fff3c4" stop-opacity="0.95"/><stop offset="0.25" stop-color="#ffe29a" stop-opacity="0.6"/><stop offset="1" stop-color="#ffe29a" stop-opacity="0"/></radialGradient></defs>` +
      `<rect width="${SIZE}" height="${SIZE}" fill="url(#bg)"/><rect width="${SIZE}" height="${SIZE}" fill="url(#sun)"/>` +
      paths.join(''),
  );
}

/** Rounded badge with the ACME wordmark and a small star, on transparency. */
function acmeBadge(): string {
  return svg(
    520,
    240,
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#ff7a59"/><stop offset="1" stop-color="#e0245e"/></linearGradient></defs>` +
      `<rect x="10" y="10" width="500" height="220" rx="110" fill="url(#g)"/>` +
      `<rect x="26" y="26" width="468" height="188" rx="94" fill="none" stroke="#ffffff" stroke-opacity="0.55" stroke-width="4"/>` +
      `<path d="M112 86 L122 112 L150 114 L128 131 L136 158 L112 142 L88 158 L96 131 L74 114 L102 112 Z" fill="#ffd166"/>` +
      `<text x="312" y="150" font-family="${FONT}" font-weight="bold" font-size="86" fill="#ffffff" text-anchor="middle" letter-spacing="4">ACME</text>`,
  );
}

// ---------------------------------------------------------------- campaign

/** Bold flat geometry: a big circle, a triangle, stripes and dots on deep navy. */
function geometric(): string {
  const dots: string[] = [];
  for (let row = 0; row < 5; row++) for (let col = 0; col < 5; col++) dots.push(`<circle cx="${120 + col * 34}" cy="${150 + row * 34}" r="6" fill="#f1faee" fill-opacity="0.7"/>`);
  const stripes: string[] = [];
  for (let i = 0; i < 9; i++) stripes.push(`<rect x="${430 + i * 72}" y="0" width="30" height="700" fill="#ffbe0b" transform="rotate(30 760 340)"/>`);
  return svg(
    SIZE,
    SIZE,
    `<defs><clipPath id="c"><circle cx="760" cy="340" r="300"/></clipPath></defs>` +
      `<rect width="${SIZE}" height="${SIZE}" fill="#14213d"/>` +
      `<circle cx="760" cy="340" r="300" fill="#3a86ff"/>` +
      `<g clip-path="url(#c)">${stripes.join('')}</g>` +
      `<path d="M-40 1120 L420 420 L880 1120 Z" fill="#ff006e"/>` +
      `<path d="M620 1120 L980 640 L1340 1120 Z" fill="#fb5607" fill-opacity="0.92"/>` +
      `<circle cx="250" cy="760" r="70" fill="none" stroke="#f1faee" stroke-width="16"/>` +
      dots.join(''),
  );
}

/** A studio backdrop: soft top light, seamless paper falling into a floor, a round podium. */
function studio(): string {
  return svg(
    SIZE,
    SIZE,
    `<defs>` +
      `<radialGradient id="light" cx="0.5" cy="0.32" r="0.75"><stop offset="0" stop-color="#eef2f7"/><stop offset="0.6" stop-color="#b9c6d8"/><stop offset="1" stop-color="#7d8ea8"/></radialGradient>` +
      `<linearGradient id="floor" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#a9b7cb" stop-opacity="0"/><stop offset="1" stop-color="#56667f" stop-opacity="0.55"/></linearGradient>` +
      `<linearGradient id="side" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#c9d3e1"/><stop offset="0.45" stop-color="#f4f7fb"/><stop offset="1" stop-color="#9aa9bf"/></linearGradient>` +
      `<radialGradient id="shadow" cx="0.5" cy="0.5" r="0.5"><stop offset="0" stop-color="#2b3547" stop-opacity="0.45"/><stop offset="1" stop-color="#2b3547" stop-opacity="0"/></radialGradient>` +
      `</defs>` +
      `<rect width="${SIZE}" height="${SIZE}" fill="url(#light)"/>` +
      `<rect y="640" width="${SIZE}" height="440" fill="url(#floor)"/>` +
      `<ellipse cx="540" cy="842" rx="330" ry="60" fill="url(#shadow)"/>` +
      `<path d="M290 700 L290 810 A250 44 0 0 0 790 810 L790 700 Z" fill="url(#side)"/>` +
      `<ellipse cx="540" cy="700" rx="250" ry="44" fill="#fbfcfe"/>` +
      `<ellipse cx="540" cy="700" rx="250" ry="44" fill="none" stroke="#ffffff" stroke-width="2"/>`,
  );
}

/** Diagonal colour blocks with a sun disc: a bold product-launch backdrop. */
function colorBlock(): string {
  return svg(
    SIZE,
    SIZE,
    `<rect width="${SIZE}" height="${SIZE}" fill="#ffbe0b"/>` +
      `<path d="M0 0 L${SIZE} 0 L${SIZE} 380 L0 760 Z" fill="#fb5607"/>` +
      `<path d="M0 760 L${SIZE} 380 L${SIZE} 520 L0 900 Z" fill="#14213d"/>` +
      `<circle cx="790" cy="250" r="150" fill="#ffe8a3"/>` +
      `<circle cx="790" cy="250" r="190" fill="none" stroke="#ffe8a3" stroke-width="6" stroke-opacity="0.6"/>`,
  );
}

/** NOVA: a ringed-planet mark (the ring passes behind, then in front) and a wordmark, on transparency. */
function novaLogo(): string {
  const ring = '<ellipse cx="100" cy="100" rx="94" ry="26" fill="none" stroke="#ff006e" stroke-width="12"/>';
  return svg(
    560,
    200,
    `<defs><clipPath id="front"><rect x="0" y="100" width="200" height="100"/></clipPath></defs>` +
      `<g transform="rotate(-20 100 100)">${ring}<circle cx="100" cy="100" r="60" fill="#3a86ff"/>` +
      `<g clip-path="url(#front)">${ring}</g></g>` +
      `<text x="212" y="128" font-family="${FONT}" font-weight="bold" font-size="84" fill="#14213d" letter-spacing="6">NOVA</text>`,
  );
}

// ---------------------------------------------------------------- output

const FILES: Record<string, Record<string, () => string>> = {
  celebration: { 'confetti.png': confetti, 'bokeh.png': bokeh, 'sunset-ribbons.png': ribbons, 'logo.png': acmeBadge },
  campaign: { 'geometric.png': geometric, 'studio.png': studio, 'color-block.png': colorBlock, 'logo.png': novaLogo },
};

/**
 * Fixed settings. Logos: full colour with alpha. Backgrounds: 256-colour palette PNG with
 * full dithering (no visible banding in the gradients, and a third of the full-colour size).
 */
async function encode(svgText: string, logo: boolean): Promise<Buffer> {
  const image = sharp(Buffer.from(svgText));
  if (logo) {
    // Trimmed to the mark plus a small even border, so the renderer sizes the mark, not air.
    const trimmed = await image.trim().png().toBuffer();
    return sharp(trimmed)
      .extend({ top: 8, bottom: 8, left: 8, right: 8, background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png({ compressionLevel: 9, adaptiveFiltering: true })
      .toBuffer();
  }
  return image.removeAlpha().png({ compressionLevel: 9, palette: true, quality: 100, dither: 1 }).toBuffer();
}

let total = 0;
for (const [pack, files] of Object.entries(FILES)) {
  await mkdir(path.join(OUT, pack), { recursive: true });
  for (const [name, draw] of Object.entries(files)) {
    const data = await encode(draw(), name === 'logo.png');
    await writeFile(path.join(OUT, pack, name), data);
    total += data.length;
    console.log(`${pack}/${name}  ${(data.length / 1024).toFixed(0)} KB`);
  }
}
console.log(`total ${(total / 1024).toFixed(0)} KB`);
