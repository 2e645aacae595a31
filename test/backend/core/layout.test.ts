import { describe, expect, it } from 'vitest';
import { layout, rowSegment } from '../../../backend/src/core/layout';
import { assertValidKey } from '../../../backend/src/ports/blob-store';
import { isUsableRowId, RowIdSchema } from '../../../shared/index';

// Ids a hostile sheet holds: each pair used to share a segment, or differs only in case,
// normalisation or a prefix that looks like an encoded one.
const HOSTILE = [
  'a:', 'x-YTo', 'b c', 'x-YiBj', 'SKU:12', 'SKU_12', 'sku_12', 'SKU-12', 'Sku-12', 'x-', 'x-x-', 'h-abc', 'H-abc',
  'café', 'cafe\u0301', '日本語', '😀', '👨‍👩‍👧‍👦', 'é'.repeat(64), 'è'.repeat(64), '日'.repeat(64), '😀'.repeat(32),
  '..', '.', 'a/b', 'a\\b', 'r_0123456789', 'A', 'a', 'x-me5a', 'x-pawvsvdp',
];

describe('rowSegment', () => {
  it('gives distinct Row IDs distinct segments, also ignoring case (macOS, Windows, unzip)', () => {
    const seen = new Map<string, string>();
    for (const id of HOSTILE) {
      const seg = rowSegment(id).toLowerCase();
      expect(seen.get(seg), `${JSON.stringify(id)} and ${JSON.stringify(seen.get(seg))} share ${seg}`).toBeUndefined();
      seen.set(seg, id);
    }
  });

  it('keeps Rowshot ids readable and makes every segment a short valid key segment', () => {
    expect(rowSegment('r_0123456789')).toBe('r_0123456789');
    expect(rowSegment('a:')).toBe('x-me5a');
    expect(rowSegment('x-YTo')).toBe('x-pawvsvdp');
    for (const id of HOSTILE) {
      const seg = rowSegment(id);
      expect(seg.length).toBeLessThanOrEqual(100);
      expect(seg).toMatch(/^[a-z0-9_-]+$/);
      assertValidKey(layout.asset('t', 'b_1', id, 0, '1:1', 1, 'png'));
    }
  });
});

describe('Row IDs the store could not tell apart are refused up front', () => {
  it('refuses lone surrogates and C1 control characters, which UTF-8 would merge or hide', () => {
    for (const id of ['\ud800', '\udc00', 'a\ud83d', '\udc00b', 'x\u0085y', 'x\u007fy', 'x\u009fy']) {
      expect(RowIdSchema.safeParse(id).success, JSON.stringify(id)).toBe(false);
      expect(isUsableRowId(id)).toBe(false);
    }
    for (const id of ['😀', 'a😀b', 'café', '日本語']) expect(RowIdSchema.safeParse(id).success, id).toBe(true);
  });
});
