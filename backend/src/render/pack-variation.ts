// How a pack's images vary across a batch in the template renderer, deterministically per
// (row, variant): composition images rotate by the row's place in the batch (row N of a
// three-image pack gets image N mod 3, its variant 2 the next one), each variant after the first frames its image differently (a
// closer crop at another focus, and a soft light from another corner, so two variants are never
// the same bytes), and style-only images give the gradient its colours and a texture.
import type { ReferenceImage } from '../ports/image-provider';
import { hashString, mixSeed, seededRandom } from '../../../shared/seed-hash';

/** The row's seed (crop focus): its Row ID (the prompt when a caller has none). */
export function rowSeed(seedKey: string | undefined, prompt: string): number {
  return hashString(seedKey ?? prompt);
}

/** Where the row starts in the pack's rotation: its place in the batch, else its seed. */
export function rotationOf(rotation: number | undefined, seed: number): number {
  return rotation !== undefined && Number.isInteger(rotation) && rotation >= 0 ? rotation : seed;
}

/** The image of `mode` a (row, variant) uses: rotating through the pack's images of that mode. */
export function rotatingImage(references: readonly ReferenceImage[], mode: ReferenceImage['mode'], start: number, variant: number): ReferenceImage | undefined {
  // Only the pack's own images rotate (a row's product shot is its background, see the renderer).
  const of = references.filter((r) => r.mode === mode && r.source === undefined);
  if (of.length === 0) return undefined;
  return of[(start + variant - 1) % of.length];
}

export interface Framing {
  /** Scale over a cover fit (1: the whole cover crop). */
  zoom: number;
  /** Where the closer crop sits in the zoomed cover image, 0–1 across and down. */
  focusX: number;
  focusY: number;
}

/** Variant 1 is the plain content-aware cover crop; later ones zoom in 10 % a step at a seeded focus. */
export function framingFor(seed: number, variant: number): Framing {
  if (variant <= 1) return { zoom: 1, focusX: 0.5, focusY: 0.5 };
  const random = seededRandom(mixSeed(seed, variant));
  return { zoom: 1 + 0.1 * (variant - 1), focusX: random(), focusY: random() };
}

const CORNERS = [
  [0, 0],
  [1, 1],
  [1, 0],
  [0, 1],
] as const;

/** A soft light from a corner (a different one per variant), or null for variant 1. */
export function variantLightSvg(width: number, height: number, variant: number): string | null {
  if (variant <= 1) return null;
  const [cx, cy] = CORNERS[(variant - 2) % CORNERS.length] ?? [0, 0];
  const r = Math.hypot(width, height) * 0.75;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><radialGradient id="l" gradientUnits="userSpaceOnUse" cx="${cx * width}" cy="${cy * height}" r="${r.toFixed(1)}"><stop offset="0" stop-color="#ffffff" stop-opacity="0.16"/><stop offset="1" stop-color="#ffffff" stop-opacity="0"/></radialGradient></defs><rect width="${width}" height="${height}" fill="url(#l)"/></svg>`;
}
