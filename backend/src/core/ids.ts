import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function randomId(length = 12): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += BASE32[b & 31];
  return out;
}

/**
 * Batch ids sort newest first: an inverted millisecond timestamp, then randomness. Listing
 * the history index in key order then reads newest first without a scan.
 */
export function newBatchId(nowMs: number): string {
  const inverted = (8_640_000_000_000_000 - nowMs).toString(36).padStart(11, '0');
  return `b_${inverted}${randomId(6)}`;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Deterministic Cloud-Tasks-safe task name: a readable prefix and a hash of the parts. */
export function taskName(kind: string, ...parts: (string | number)[]): string {
  return `${kind}-${sha256Hex(parts.join('\u0000')).slice(0, 40)}`;
}

export function pad(n: number, width = 6): string {
  return String(n).padStart(width, '0');
}
