import { describe, expect, it } from 'vitest';
import { mapHeaders, nearestAspectRatio, parseSizes, readRow, SIZE_PRESETS, type SizesResult } from '../../shared/index';

const ids = (r: SizesResult): string[] => (r.ok ? r.sizes.map((s) => s.id) : r.reasons);

describe('parseSizes', () => {
  it('gives every preset its exact pixels, matched ignoring case, spaces and punctuation', () => {
    const expected: Record<string, string> = {
      Square: '1080x1080', 'Instagram post': '1080x1350', 'Instagram story': '1080x1920', 'Facebook feed': '1200x630',
      LinkedIn: '1200x627', 'X post': '1600x900', 'YouTube thumbnail': '1280x720', 'Pinterest pin': '1000x1500',
      'Full HD': '1920x1080', A4: '1240x1754', A5: '874x1240', 'A4 landscape': '1754x1240', 'A5 landscape': '1240x874',
    };
    expect(SIZE_PRESETS.map((p) => p.name).sort()).toEqual(Object.keys(expected).sort());
    for (const p of SIZE_PRESETS) {
      expect(ids(parseSizes(p.name)), p.name).toEqual([expected[p.name]]);
      expect(ids(parseSizes(p.name.toUpperCase().replace(/ /g, ''))), p.name).toEqual([expected[p.name]]);
      for (const alias of p.aliases) expect(ids(parseSizes(alias)), alias).toEqual([expected[p.name]]);
    }
    expect(ids(parseSizes('instagram-post'))).toEqual(['1080x1350']);
    expect(ids(parseSizes('Reels, TikTok, Instagram story / Reels / TikTok'))).toEqual(['1080x1920']);
  });

  it('reads exact pixels with x or ×, and ratios at a long edge of 1080 unless the batch says otherwise', () => {
    expect(ids(parseSizes('1080x1350, 1080×1920, 1200 X 627'))).toEqual(['1080x1350', '1080x1920', '1200x627']);
    expect(ids(parseSizes('4:5; 16:9\n9:16, 1:1'))).toEqual(['864x1080', '1080x608', '608x1080', '1080x1080']);
    expect(ids(parseSizes('1080:1080'))).toEqual(['1080x1080']);
    expect(ids(parseSizes('7:3'))).toEqual(['1080x463']);
    // The old spelling of a ratio stays a ratio.
    expect(ids(parseSizes('16x9, 4/5'))).toEqual(['1080x608', '864x1080']);
    expect(ids(parseSizes('4:5, 16:9', 2048))).toEqual(['1638x2048', '2048x1152']);
    expect(ids(parseSizes(''))).toEqual(['1080x1080']);
    const r = parseSizes('Instagram post');
    expect(r.ok && r.sizes[0]).toEqual({ id: '1080x1350', width: 1080, height: 1350, label: 'Instagram post', ratio: '4:5' });
    const q = parseSizes('16:9');
    expect(q.ok && q.sizes[0]).toEqual({ id: '1080x608', width: 1080, height: 608, label: '16:9', ratio: '16:9' });
  });

  it('makes two items meaning the same pixels once', () => {
    expect(ids(parseSizes('Instagram post, 1080x1350, 4:5, Square, 1:1'))).toEqual(['1080x1350', '864x1080', '1080x1080']);
  });

  it('refuses more than 8 sizes, edges over 4096 px or under 64 px, and extreme ratios, with the reason', () => {
    expect(ids(parseSizes('100x100,200x200,300x300,400x400,500x500,600x600,700x700,800x800,900x900'))).toEqual([
      'Sizes lists 9 sizes; a row may have at most 8',
    ]);
    expect(ids(parseSizes('100x100,200x200,300x300,400x400,500x500,600x600,700x700,800x800')).length).toBe(8);
    expect(ids(parseSizes('5000x1000'))).toEqual(['Size "5000x1000" is 5000×1000; an edge may be at most 4096 px']);
    expect(ids(parseSizes('4096x4096'))).toEqual(['4096x4096']);
    expect(ids(parseSizes('1080x40'))).toEqual(['Size "1080x40" is 1080×40; an edge must be at least 64 px']);
    expect(ids(parseSizes('20:1'))).toEqual(['Size "20:1" is too narrow; a ratio may be at most 8:1']);
    expect(ids(parseSizes('0x100'))).toEqual(['Size "0x100" has a zero side']);
  });

  it('names the nearest preset for a typo, and what sizes are when nothing is near', () => {
    expect(ids(parseSizes('Instagram pst'))).toEqual([
      'Size "Instagram pst" is not a known size (did you mean "Instagram post"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)',
    ]);
    expect(ids(parseSizes('Linkedn'))).toEqual([
      'Size "Linkedn" is not a known size (did you mean "LinkedIn"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)',
    ]);
    expect(ids(parseSizes('Youtube thumb'))).toEqual([
      'Size "Youtube thumb" is not a known size (did you mean "YouTube thumbnail"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)',
    ]);
    expect(ids(parseSizes('banner'))).toEqual([
      'Size "banner" is not a known size (sizes are ratios like 4:5, pixels like 1080x1350, or a preset)',
    ]);
    // Every bad item is listed, not just the first.
    expect(ids(parseSizes('Square, huge, 9000x10'))).toHaveLength(2);
  });
});

describe('nearestAspectRatio', () => {
  it('picks the model ratio nearest in shape', () => {
    expect(nearestAspectRatio(1080, 1350)).toBe('4:5');
    expect(nearestAspectRatio(1080, 1920)).toBe('9:16');
    expect(nearestAspectRatio(1200, 627)).toBe('16:9');
    expect(nearestAspectRatio(1000, 1500)).toBe('2:3');
    expect(nearestAspectRatio(1240, 1754)).toBe('2:3');
    expect(nearestAspectRatio(1600, 1200)).toBe('4:3');
    expect(nearestAspectRatio(1080, 1080)).toBe('1:1');
  });
});

describe('the Sizes column', () => {
  it('is named Sizes and read under each of its synonyms, by the one header rule', () => {
    for (const header of ['Sizes', 'sizes', 'Aspect ratios', 'Size', 'Format', 'Formats']) {
      expect(mapHeaders(['Prompt', header]).aspectRatios, header).toBe(header);
      const r = readRow({ Prompt: 'a lamp', [header]: 'Instagram post, 16:9' });
      expect(r.ok && r.spec.sizes.map((s) => s.id), header).toEqual(['1080x1350', '1080x608']);
    }
    // The column's own name wins over a synonym beside it.
    expect(mapHeaders(['Prompt', 'Format', 'Sizes']).aspectRatios).toBe('Sizes');
  });

  it('takes the batch long edge for ratios', () => {
    const r = readRow({ Prompt: 'a lamp', Sizes: '4:5, 1080x1920' }, {}, { longEdge: 1350 });
    expect(r.ok && r.spec.sizes.map((s) => s.id)).toEqual(['1080x1350', '1080x1920']);
  });
});
