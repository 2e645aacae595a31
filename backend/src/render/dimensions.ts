// Output dimensions: the aspect ratio with the long side fixed (1024 px by default).
import type { AspectRatio } from '../../../shared/index';

export const DEFAULT_LONG_SIDE = 1024;

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
 * nearest pixel (1:1 → 1024×1024, 16:9 → 1024×576, 9:16 → 576×1024, 21:9 → 1024×439).
 */
export function outputSize(ratio: AspectRatio, longSide: number = DEFAULT_LONG_SIDE): Size {
  const [w, h] = ratioParts(ratio);
  if (w >= h) return { width: longSide, height: Math.max(1, Math.round((longSide * h) / w)) };
  return { width: Math.max(1, Math.round((longSide * w) / h)), height: longSide };
}
