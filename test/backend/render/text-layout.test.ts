import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { escapeXml } from '../../../backend/src/render/svg';
import { balancedWrap, cleanText, ELLIPSIS, fitTextBlock, wrapText } from '../../../backend/src/render/text-layout';
import { measureText } from '../../../backend/src/render/text-metrics';

const LOREM =
  'Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore et dolore magna aliqua. ';

describe('text metrics', () => {
  it('match what librsvg draws with DejaVu Sans (so the font is installed and used)', async () => {
    for (const [text, bold] of [
      ['Hello World', true],
      ['The quick brown fox jumps', false],
      ['Ünïcødé çàfé', false],
    ] as const) {
      const svg =
        `<svg xmlns="http://www.w3.org/2000/svg" width="2000" height="200"><rect width="2000" height="200" fill="#fff"/>` +
        `<text x="100" y="140" font-family="DejaVu Sans" font-size="100"${bold ? ' font-weight="bold"' : ''}>${escapeXml(text)}</text></svg>`;
      const { info } = await sharp(Buffer.from(svg)).trim({ background: '#ffffff', threshold: 10 }).toBuffer({ resolveWithObject: true });
      const estimate = measureText(text, 100, bold);
      // Ink is a little narrower than the advance (side bearings, kerning), never wider.
      expect(info.width, text).toBeLessThanOrEqual(estimate);
      expect(info.width, text).toBeGreaterThan(estimate * 0.93);
    }
  });

  it('makes bold wider than regular and scales linearly', () => {
    expect(measureText('Rowshot', 50, true)).toBeGreaterThan(measureText('Rowshot', 50, false));
    expect(measureText('Rowshot', 100, false)).toBeCloseTo(2 * measureText('Rowshot', 50, false), 6);
    expect(measureText('\u4e2d\u6587', 100, false)).toBe(200);
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
    for (const l of lines) expect(l.width).toBeLessThanOrEqual(400);
    expect(lines.map((l) => l.text).join(' ')).toBe(LOREM.trim());
  });

  it('hard-breaks a word wider than the line, and honours explicit breaks', () => {
    const word = 'Supercalifragilisticexpialidocious'.repeat(3);
    const { lines, brokeWord } = wrapText(`go ${word}\nend`, 40, true, 300);
    expect(brokeWord).toBe(true);
    for (const l of lines) expect(measureText(l.text, 40, true)).toBeLessThanOrEqual(300);
    expect(lines.map((l) => l.text).join('')).toBe(`go${word}end`);
    expect(lines.at(-1)?.text).toBe('end');
  });

  it('balances lines instead of leaving a lonely last word', () => {
    const text = 'Fresh coffee roasted every single morning downtown';
    const greedy = wrapText(text, 60, true, 900).lines;
    const balanced = balancedWrap(text, 60, true, 900);
    expect(balanced.length).toBe(greedy.length);
    const spread = (ls: { width: number }[]): number => Math.max(...ls.map((l) => l.width)) - Math.min(...ls.map((l) => l.width));
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
    expect(block.truncated).toBe(false);
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

  it('cuts with an ellipsis when even the minimum size overflows', () => {
    const block = fitTextBlock({ ...base, maxHeight: 300, headline: LOREM.repeat(20), subline: LOREM.repeat(5) });
    expect(block.truncated).toBe(true);
    expect(block.height).toBeLessThanOrEqual(300);
    expect(block.headline?.fontSize).toBe(35);
    expect(block.headline?.lines.at(-1)?.text.endsWith(ELLIPSIS)).toBe(true);
    for (const part of [block.headline, block.subline]) {
      for (const line of part?.lines ?? []) expect(measureText(line.text, part?.fontSize ?? 0, part?.bold ?? false)).toBeLessThanOrEqual(880);
    }
  });

  it('returns an empty block for empty text', () => {
    const block = fitTextBlock({ ...base, headline: '  \n ', subline: '' });
    expect(block.headline).toBeNull();
    expect(block.subline).toBeNull();
    expect(block.height).toBe(0);
  });
});
