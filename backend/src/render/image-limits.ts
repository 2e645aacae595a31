// Limits for decoding untrusted images (uploads, pack references, logos).

/** Decompression-bomb guard: images declaring more pixels than this are refused. */
export const MAX_INPUT_PIXELS = 40_000_000;
/** Neither side may exceed this many pixels. */
export const MAX_INPUT_SIDE = 12_000;

/**
 * sharp input options for untrusted data: a pixel limit (checked against the header before
 * decoding), failure on truncated or corrupt data, and EXIF auto-orientation.
 */
export function untrustedInput(maxPixels: number = MAX_INPUT_PIXELS): {
  limitInputPixels: number;
  failOn: 'error';
  autoOrient: true;
} {
  return { limitInputPixels: maxPixels, failOn: 'error', autoOrient: true };
}

/** The first line of a sharp/libvips error, for readable failure reasons. */
export function errorDetail(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim().slice(0, 200) || 'unknown error';
}
