// Output dimensions of a ratio: the long side fixed (SIZE_LIMITS.defaultLongEdge, 1080 px, by default).
import { ratioPixels, SIZE_LIMITS, type AspectRatio } from '../../../shared/index';

export const DEFAULT_LONG_SIDE = SIZE_LIMITS.defaultLongEdge;

export interface Size {
  width: number;
  height: number;
}

/** `16:9` → [16, 9]. Every AspectRatio is two positive integers. */
export function ratioParts(ratio: AspectRatio): [number, number] {
  const [w, h] = ratio.split(':').map(Number);
  return [w ?? 1, h ?? 1];
}

/**
 * The pixel size for a ratio: the long side is `longSide`, the short side is rounded to the
 * nearest pixel (1:1 → 1080×1080, 16:9 → 1080×608, 9:16 → 608×1080, 21:9 → 1080×463).
 */
export function outputSize(ratio: AspectRatio, longSide: number = DEFAULT_LONG_SIDE): Size {
  const [w, h] = ratioParts(ratio);
  return ratioPixels(w, h, longSide);
}
