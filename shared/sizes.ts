// Output sizes: what a Sizes cell may hold and the exact pixels each item means. One rule for
// the add-on, the CLI and the backend (the estimate, the renderers and the file names).
import { ASPECT_RATIOS, type AspectRatio } from './sheet-convention';
import { editDistance } from './edit-distance';

export const SIZE_LIMITS = {
  /** Sizes in one row's Sizes cell. */
  maxSizesPerRow: 8,
  /** Largest edge of any output image, in pixels. */
  maxEdge: 4096,
  /** Smallest edge of any output image, in pixels (text and logos need room). */
  minEdge: 64,
  /** Long edge of a ratio (`4:5`) unless the batch says otherwise. */
  defaultLongEdge: 1080,
  /** The range a batch's long edge may take. */
  minLongEdge: 512,
  /** A ratio's long side over its short side, at most. */
  maxRatio: 8,
} as const;

export interface SizePreset {
  /** As listed in the README and the Help sidebar. */
  name: string;
  /** Other names for the same size. */
  aliases: readonly string[];
  width: number;
  height: number;
}

/** Named sizes; print sizes are at 150 dpi (A4 is 210 × 297 mm → 1240 × 1754 px). */
export const SIZE_PRESETS: readonly SizePreset[] = [
  { name: 'Square', aliases: ['Instagram square', 'Square post'], width: 1080, height: 1080 },
  { name: 'Instagram post', aliases: ['Instagram post (portrait)', 'Instagram portrait', 'Portrait post'], width: 1080, height: 1350 },
  { name: 'Instagram story', aliases: ['Instagram story / Reels / TikTok', 'Story', 'Reels', 'Instagram reels', 'TikTok'], width: 1080, height: 1920 },
  { name: 'Facebook feed', aliases: ['Facebook post', 'Facebook'], width: 1200, height: 630 },
  { name: 'LinkedIn', aliases: ['LinkedIn post'], width: 1200, height: 627 },
  { name: 'X post', aliases: ['Twitter post', 'Tweet'], width: 1600, height: 900 },
  { name: 'YouTube thumbnail', aliases: ['YouTube'], width: 1280, height: 720 },
  { name: 'Pinterest pin', aliases: ['Pinterest'], width: 1000, height: 1500 },
  { name: 'Full HD', aliases: ['1080p', 'FHD'], width: 1920, height: 1080 },
  { name: 'A4', aliases: ['A4 portrait', 'Print A4'], width: 1240, height: 1754 },
  { name: 'A4 landscape', aliases: [], width: 1754, height: 1240 },
  { name: 'A5', aliases: ['A5 portrait', 'Print A5'], width: 874, height: 1240 },
  { name: 'A5 landscape', aliases: [], width: 1240, height: 874 },
];

/** One size of a row: exact pixels, and the cell text it came from. */
export interface RowSize {
  /** `1080x1350`: the size's name in keys and file names, unique within a row. */
  id: string;
  width: number;
  height: number;
  /** What the cell said (`Instagram post`, `4:5`, `1080×1350`). */
  label: string;
  /** Its shape: the ratio asked for (`16:9`, reduced), else the pixels' reduced ratio (`1080x1350` → `4:5`). */
  ratio: string;
}

export function sizeId(width: number, height: number): string {
  return `${width}x${height}`;
}

/** A size's shape as a reduced ratio (`1080x1350` → `4:5`, `1200x627` → `400:209`). */
export function reducedRatio(width: number, height: number): string {
  const g = gcd(width, height);
  return `${width / g}:${height / g}`;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** The pixels of a ratio at a long edge: `4:5` at 1080 → 864×1080, `16:9` → 1080×608. */
export function ratioPixels(w: number, h: number, longEdge: number): { width: number; height: number } {
  if (w >= h) return { width: longEdge, height: Math.max(1, Math.round((longEdge * h) / w)) };
  return { width: Math.max(1, Math.round((longEdge * w) / h)), height: longEdge };
}

/** The supported model ratio nearest in shape (by log of width/height): what an AI model is asked for. */
export function nearestAspectRatio(width: number, height: number, ratios: readonly AspectRatio[] = ASPECT_RATIOS): AspectRatio {
  const target = Math.log(width / height);
  let best: AspectRatio = ratios[0] ?? '1:1';
  let bestDistance = Infinity;
  for (const r of ratios) {
    const [rw = 1, rh = 1] = r.split(':').map(Number);
    const d = Math.abs(Math.log(rw / rh) - target);
    if (d < bestDistance) {
      best = r;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * The model ratio from which every size can be cropped losing the least (Resize `crop`): the
 * one whose worst crop keeps the largest share of the image. Ties go to the ratio nearest the
 * first size (the master), so a row of one size is made at its own nearest ratio.
 */
export function coveringAspectRatio(sizes: readonly { width: number; height: number }[], ratios: readonly AspectRatio[] = ASPECT_RATIOS): AspectRatio {
  const first = sizes[0];
  if (!first) return '1:1';
  const nearest = nearestAspectRatio(first.width, first.height, ratios);
  let best: AspectRatio = nearest;
  let bestKept = -1;
  for (const r of [nearest, ...ratios]) {
    const [rw = 1, rh = 1] = r.split(':').map(Number);
    const master = rw / rh;
    // A crop to a narrower shape keeps target/master of the width (and the other way round).
    const kept = Math.min(...sizes.map((s) => Math.min(s.width / s.height, master) / Math.max(s.width / s.height, master)));
    if (kept > bestKept + 1e-9) {
      best = r;
      bestKept = kept;
    }
  }
  return best;
}

/** Preset names match ignoring case, spaces and punctuation (`instagram-post`, `INSTAGRAM POST`). */
function presetKey(text: string): string {
  return text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '');
}

const PRESETS_BY_KEY = new Map<string, SizePreset>(
  SIZE_PRESETS.flatMap((p) => [p.name, ...p.aliases].map((n) => [presetKey(n), p] as const)),
);

export const SIZES_HINT = 'sizes are ratios like 4:5, pixels like 1080x1350, or a preset';

export type SizesResult = { ok: true; sizes: RowSize[] } | { ok: false; reasons: string[] };

/**
 * Reads a Sizes cell: a comma (or semicolon, or line) separated list of ratios (`4:5`, made at
 * `longEdge` on the long side), exact pixels (`1080x1350`, `1080×1350`) or presets. `16x9` with
 * both numbers under 64 is a ratio (the old spelling), never a 16-pixel image. Duplicates (two
 * items meaning the same pixels) are made once. An empty cell is a 1080×1080 square.
 */
export function parseSizes(text: string, longEdge: number = SIZE_LIMITS.defaultLongEdge): SizesResult {
  const items = text.split(/[,;\n]/).map((p) => p.trim()).filter((p) => p !== '');
  if (items.length === 0) {
    const { width, height } = ratioPixels(1, 1, longEdge);
    return { ok: true, sizes: [{ id: sizeId(width, height), width, height, label: '1:1', ratio: '1:1' }] };
  }
  const reasons: string[] = [];
  const sizes: RowSize[] = [];
  for (const item of items) {
    const read = readSize(item, longEdge);
    if (!read.ok) {
      reasons.push(read.reason);
      continue;
    }
    if (!sizes.some((s) => s.id === read.size.id)) sizes.push(read.size);
  }
  if (reasons.length === 0 && sizes.length > SIZE_LIMITS.maxSizesPerRow) {
    reasons.push(`Sizes lists ${sizes.length} sizes; a row may have at most ${SIZE_LIMITS.maxSizesPerRow}`);
  }
  return reasons.length > 0 ? { ok: false, reasons } : { ok: true, sizes };
}

function readSize(item: string, longEdge: number): { ok: true; size: RowSize } | { ok: false; reason: string } {
  const compact = item.replace(/\s+/g, '');
  const pair = /^(\d{1,6})([x×X:/])(\d{1,6})$/.exec(compact);
  if (pair) {
    const a = Number(pair[1]);
    const b = Number(pair[3]);
    if (a === 0 || b === 0) return { ok: false, reason: `Size "${item}" has a zero side` };
    const ratio = pair[2] === ':' || pair[2] === '/' || (a < SIZE_LIMITS.minEdge && b < SIZE_LIMITS.minEdge);
    if (ratio) {
      if (Math.max(a, b) / Math.min(a, b) > SIZE_LIMITS.maxRatio) {
        return { ok: false, reason: `Size "${item}" is too narrow; a ratio may be at most ${SIZE_LIMITS.maxRatio}:1` };
      }
      const { width, height } = ratioPixels(a, b, longEdge);
      return checked(item, width, height, reducedRatio(a, b));
    }
    return checked(item, a, b);
  }
  const preset = PRESETS_BY_KEY.get(presetKey(item));
  if (preset) return checked(item, preset.width, preset.height);
  const near = nearestPresetNames(item);
  const guess = near.length > 0 ? `did you mean ${near.map((n) => `"${n}"`).join(' or ')}? ` : '';
  return { ok: false, reason: `Size "${item}" is not a known size (${guess}${SIZES_HINT})` };
}

function checked(label: string, width: number, height: number, ratio = reducedRatio(width, height)): { ok: true; size: RowSize } | { ok: false; reason: string } {
  if (width > SIZE_LIMITS.maxEdge || height > SIZE_LIMITS.maxEdge) {
    return { ok: false, reason: `Size "${label}" is ${width}×${height}; an edge may be at most ${SIZE_LIMITS.maxEdge} px` };
  }
  if (width < SIZE_LIMITS.minEdge || height < SIZE_LIMITS.minEdge) {
    return { ok: false, reason: `Size "${label}" is ${width}×${height}; an edge must be at least ${SIZE_LIMITS.minEdge} px` };
  }
  return { ok: true, size: { id: sizeId(width, height), width, height, label, ratio } };
}

/** The preset names (their listed name) nearest to a typo, at most two. */
function nearestPresetNames(item: string): string[] {
  const key = presetKey(item);
  if (key === '') return [];
  const scored: { name: string; d: number }[] = [];
  for (const p of SIZE_PRESETS) {
    let d = Infinity;
    for (const n of [p.name, ...p.aliases]) {
      const k = presetKey(n);
      // A prefix (`insta`) is near too, but not nearer than a one-letter typo.
      d = Math.min(d, k.startsWith(key) && key.length >= 3 ? 1.5 : editDistance(key, k));
    }
    if (d <= Math.max(2, Math.floor(key.length / 4))) scored.push({ name: p.name, d });
  }
  scored.sort((a, b) => a.d - b.d);
  const best = scored[0]?.d;
  return scored.filter((s) => s.d === best).slice(0, 2).map((s) => s.name);
}


/** A long edge a batch may ask for, or a reason. */
export function longEdgeProblem(longEdge: number): string | null {
  if (!Number.isInteger(longEdge) || longEdge < SIZE_LIMITS.minLongEdge || longEdge > SIZE_LIMITS.maxEdge) {
    return `the long edge must be a whole number of pixels from ${SIZE_LIMITS.minLongEdge} to ${SIZE_LIMITS.maxEdge}`;
  }
  return null;
}
