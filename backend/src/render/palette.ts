// Dominant colours of an image, for pack palettes: downscale to a small grid, bucket colours,
// merge buckets that look alike, and return the most frequent distinct colours.
import sharp from 'sharp';
import { colorDistance, toHex, type Rgb } from './color';
import { untrustedInput } from './image-limits';

const GRID = 64;
/** Buckets closer than this (see colorDistance) are the same colour to the eye. */
const MERGE_DISTANCE = 40;
/** Colours covering less than this share of the opaque pixels are noise (edges, specks). */
const MIN_SHARE = 0.015;

interface Cluster {
  count: number;
  r: number;
  g: number;
  b: number;
}

const mean = (c: Cluster): Rgb => ({ r: c.r / c.count, g: c.g / c.count, b: c.b / c.count });

/**
 * Up to `count` dominant colours as `#rrggbb`, most frequent first. Transparent pixels are
 * ignored; fewer colours come back when the image has fewer distinct ones. Rejects when the
 * image cannot be decoded.
 */
export async function extractPalette(image: Buffer, count = 3): Promise<string[]> {
  const { data, info } = await sharp(image, untrustedInput())
    .resize(GRID, GRID, { fit: 'inside' })
    .toColourspace('srgb')
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });

  // 4 bits per channel: 4096 buckets, each keeping the sum of its exact colours.
  const buckets = new Map<number, Cluster>();
  let opaque = 0;
  for (let i = 0; i + 3 < data.length; i += info.channels) {
    if ((data[i + 3] ?? 0) < 128) continue;
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    const key = ((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4);
    const c = buckets.get(key) ?? { count: 0, r: 0, g: 0, b: 0 };
    c.count++;
    c.r += r;
    c.g += g;
    c.b += b;
    buckets.set(key, c);
    opaque++;
  }
  if (opaque === 0) return [];

  const ordered = [...buckets.entries()].sort((a, b) => b[1].count - a[1].count || a[0] - b[0]).map(([, c]) => c);
  const clusters: Cluster[] = [];
  for (const bucket of ordered) {
    const colour = mean(bucket);
    let best: Cluster | undefined;
    let bestDistance = MERGE_DISTANCE;
    for (const cluster of clusters) {
      const d = colorDistance(colour, mean(cluster));
      if (d < bestDistance) {
        best = cluster;
        bestDistance = d;
      }
    }
    if (best) {
      best.count += bucket.count;
      best.r += bucket.r;
      best.g += bucket.g;
      best.b += bucket.b;
    } else clusters.push({ ...bucket });
  }
  return clusters
    .filter((c) => c.count >= opaque * MIN_SHARE)
    .sort((a, b) => b.count - a.count)
    .slice(0, Math.max(0, count))
    .map((c) => toHex(mean(c)));
}
