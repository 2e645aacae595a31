// Small deterministic helpers: a string hash and a seeded PRNG. Rendering must give the same
// bytes for the same request, so nothing here reads the clock or Math.random.

/** FNV-1a, 32-bit, over the UTF-16 code units of `text`. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes an integer into a hash (for seeds such as the variant number). */
export function mixSeed(hash: number, n: number): number {
  let h = (hash ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** mulberry32: a fast seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A distinct, repeatable seed per (row, variant): what a model that takes a seed is given, and
 * what the image's provenance record says it was made with.
 */
export function variantSeed(seedKey: string, variant: number): number {
  return mixSeed(hashString(seedKey), variant) & 0x7fffffff;
}
