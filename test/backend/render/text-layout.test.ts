import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../../backend/src/render/svg';
import { balancedWrap, breakPieces, cleanText, fitTextBlock, graphemes, textProblemReason, wrapText } from '../../../backend/src/render/text-layout';
import { measureText, shaped } from '../../../backend/src/render/text-metrics';

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';

describe('text metrics', () => {
  it('come from the real font: ink sits inside the advance, bold is wider, sizes scale linearly', () => {
    for (const [text, bold] of [['Hello World', true], ['The quick brown fox jumps', false], ['Ünïcødé çàfé', false]] as const) {
      const line = shaped(text, bold);
      expect(line.missing).toEqual([]);
      expect(line.inkRight - line.inkLeft, text).toBeLessThanOrEqual(line.advance);
      expect(line.inkRight - line.inkLeft, text).toBeGreaterThan(line.advance * 0.9);
    }
    expect(measureText('Rowshot', 50, true)).toBeGreaterThan(measureText('Rowshot', 50, false));
    expect(measureText('Rowshot', 100, false)).toBeCloseTo(2 * measureText('Rowshot', 50, false), 6);
    // Kerning: "AV" is narrower than "A" plus "V" measured apart.
    expect(measureText('AV', 100, false)).toBeLessThan(measureText('A', 100, false) + measureText('V', 100, false));
    // CJK ideographs are one em wide in Noto Sans SC.
    expect(measureText('\u4e2d\u6587', 100, false)).toBeCloseTo(200, 0);
  });

  it('shapes complex scripts: Arabic joins (fewer, contextual glyphs), Devanagari conjuncts form', () => {
    const arabic = shaped('شكراً', true);
    const isolated = Array.from('شكراً').map((c) => shaped(c, true).glyphs[0]?.gid);
    expect(arabic.glyphs.map((g) => g.gid)).not.toEqual(expect.arrayContaining(isolated.filter((g) => g !== undefined).slice(0, 3)));
    const conjunct = shaped('प्र', true);
    expect(conjunct.glyphs.length).toBeLessThan(3);
  });

  it('puts a Latin word at the left end of a right-to-left line (Unicode bidi)', () => {
    const line = shaped('شكراً من فريق Finance', true);
    expect(line.rtl).toBe(true);
    const latin = line.glyphs.filter((g) => g.face.name.startsWith('Noto Sans Bold'));
    const arabic = line.glyphs.filter((g) => g.face.name.startsWith('Noto Sans Arabic'));
    expect(latin.length).toBe(7);
    expect(Math.max(...latin.map((g) => g.x))).toBeLessThan(Math.min(...arabic.map((g) => g.x)));
  });

  it('draws each cluster from the first font that has it and reports what none has', () => {
    expect(shaped('李小龙 สมชาย', true).faces).toEqual(['Noto Sans SC Bold', 'Noto Sans Thai Bold']);
    // Korean text draws its Hanja from the Korean family, Japanese its Kanji from the Japanese one.
    expect(shaped('김민준 金', true).faces).toEqual(['Noto Sans KR Bold']);
    expect(shaped('こんにちは世界', true).faces).toEqual(['Noto Sans JP Bold']);
    expect(shaped('Hi 𓀀 there', true).missing).toEqual(['𓀀']);
    const emoji = shaped('Team 🎉👩🏽‍💻', false);
    expect(emoji.emoji).toHaveLength(2);
    expect(emoji.missing).toEqual([]);
  });
});

describe('breakPieces', () => {
  it('breaks Thai and Japanese between words, Latin only at spaces, never inside a cluster', () => {
    const thai = breakPieces('สมชายสุขสันต์วันครบรอบการทำงาน');
    expect(thai.length).toBeGreaterThan(3);
    expect(thai.map((p) => p.text).join('')).toBe('สมชายสุขสันต์วันครบรอบการทำงาน');
    for (const p of thai) expect(graphemes(p.text).join('')).toBe(p.text);
    expect(breakPieces('Happy 3 years, Kenji!').map((p) => p.text)).toEqual(['Happy', '3', 'years,', 'Kenji!']);
    expect(breakPieces('おめでとうございます').length).toBeGreaterThan(1);
    expect(breakPieces('प्रिया शर्मा').map((p) => p.text)).toEqual(['प्रिया', 'शर्मा']);
  });
});

describe('cleanText and escapeXml', () => {
  it('keeps explicit line breaks, collapses whitespace and drops characters XML forbids', () => {
    expect(cleanText('  Big\t\tsale \r\n\r\n now\u0000\u0007!\uFFFE \uD800 ')).toBe('Big sale\nnow!');
  });

  it('escapes markup characters', () => {
    expect(escapeXml(`<script>&"'`)).toBe('&lt;script&gt;&amp;&quot;&apos;');
    expect(escapeXml('=HYPERLINK("x")')).toBe('=HYPERLINK(&quot;x&quot;)');
  });
});

describe('wrapText', () => {
  it('wraps at spaces without exceeding the width', () => {
    const { lines, brokeWord } = wrapText(LOREM, 40, true, 400);
    expect(lines.length).toBeGreaterThan(3);
    expect(brokeWord).toBe(false);
    for (const l of lines) expect(measureText(l, 40, true)).toBeLessThanOrEqual(400);
    expect(lines.join(' ')).toBe(LOREM.trim());
  });

  it('hard-breaks a word wider than the line, and honours explicit breaks', () => {
    const word = 'Supercalifragilisticexpialidocious'.repeat(3);
    const { lines, brokeWord } = wrapText(`go ${word}\nend`, 40, true, 300);
    expect(brokeWord).toBe(true);
    for (const l of lines) expect(measureText(l, 40, true)).toBeLessThanOrEqual(300);
    expect(lines.join('')).toBe(`go${word}end`);
    expect(lines.at(-1)).toBe('end');
  });

  it('balances lines instead of leaving a lonely last word', () => {
    const text = 'Fresh coffee roasted every single morning downtown today';
    const greedy = wrapText(text, 60, true, 900).lines;
    const balanced = balancedWrap(text, 60, true, 900);
    expect(balanced.length).toBe(greedy.length);
    expect(greedy.at(-1)).toBe('today');
    const widths = (ls: string[]): number[] => ls.map((l) => measureText(l, 60, true));
    const spread = (ls: string[]): number => Math.max(...widths(ls)) - Math.min(...widths(ls));
    expect(spread(balanced)).toBeLessThan(spread(greedy));
  });
});

describe('fitTextBlock', () => {
  const base = {
    subline: '',
    maxWidth: 880,
    maxHeight: 880,
    headlineSize: { max: 118, min: 35 },
    sublineSize: { max: 51, min: 27 },
  };

  it('uses the maximum size for a short headline', () => {
    const block = fitTextBlock({ ...base, headline: 'Sale' });
    expect(block.headline?.fontSize).toBe(118);
    expect(block.problem).toBeNull();
  });

  it('shrinks a long headline to fit, inside the box', () => {
    const block = fitTextBlock({ ...base, headline: LOREM.repeat(2).slice(0, 240), subline: 'A subline under it' });
    const size = block.headline?.fontSize ?? 0;
    expect(size).toBeLessThan(118);
    expect(size).toBeGreaterThanOrEqual(35);
    expect(block.height).toBeLessThanOrEqual(880);
    expect(block.width).toBeLessThanOrEqual(880);
    expect(block.subline?.lines.map((l) => l.text)).toEqual(['A subline under it']);
  });

  it('shrinks rather than breaking a long word while it can', () => {
    const block = fitTextBlock({ ...base, headline: 'Internationalisation' });
    expect(block.headline?.lines).toHaveLength(1);
    expect(block.headline?.fontSize).toBeLessThan(118);
  });

  it('fails with the part and about how much to cut when even the minimum size overflows (never a silent cut)', () => {
    const headline = LOREM.repeat(3);
    const block = fitTextBlock({ ...base, maxHeight: 300, headline, subline: 'Short subline' });
    expect(block.headline).toBeNull();
    expect(block.problem).toMatchObject({ kind: 'overflow', part: 'headline', minSize: 35 });
    const cut = block.problem?.kind === 'overflow' ? block.problem.shortenBy : 0;
    // Shortened by that much, it fits at the minimum size (or above).
    const shorter = fitTextBlock({ ...base, maxHeight: 300, headline: graphemes(headline).slice(0, -cut - 2).join(''), subline: 'Short subline' });
    expect(shorter.problem).toBeNull();
    expect(textProblemReason(block.problem!, '9:16')).toMatch(/^Headline does not fit 9:16 at 35 px or more \(shorten it by about \d+ characters\)$/);
    const sub = fitTextBlock({ ...base, maxHeight: 300, headline: 'Sale', subline: LOREM.repeat(6) });
    expect(sub.problem).toMatchObject({ kind: 'overflow', part: 'subline' });
  });

  it('fails with the cluster no font has, naming the part', () => {
    const block = fitTextBlock({ ...base, headline: 'Hello', subline: 'Pharaoh 𓀀' });
    expect(block.problem).toEqual({ kind: 'missing-glyph', part: 'subline', clusters: ['𓀀'] });
    expect(textProblemReason(block.problem!, '1:1')).toBe('no font for "𓀀" in the subline');
  });

  it('prefers a slightly smaller size that saves a ragged extra headline line', () => {
    const block = fitTextBlock({ ...base, headline: 'Happy 3 years, Kenji Watanabe!' });
    expect(block.headline?.lines.map((l) => l.text)).toEqual(['Happy 3 years,', 'Kenji Watanabe!']);
  });

  it('returns an empty block for empty text', () => {
    const block = fitTextBlock({ ...base, headline: '  \n ', subline: '' });
    expect(block.headline).toBeNull();
    expect(block.subline).toBeNull();
    expect(block.height).toBe(0);
  });
});
