// Text fitting: word wrap, shrink-to-fit between a maximum and minimum font size, hard breaks
// for words wider than the box, ellipsis when even the minimum size cannot fit, and balanced
// line lengths. Pure functions over the DejaVu Sans metrics in text-metrics.ts.
import { FONT_ASCENT, FONT_DESCENT, measureText } from './text-metrics';
import { stripInvalidXmlChars } from './svg';

export const ELLIPSIS = '\u2026';

export interface TextLine {
  text: string;
  /** Estimated advance width in px. */
  width: number;
}

export interface TextPart {
  lines: TextLine[];
  fontSize: number;
  /** Baseline-to-baseline distance in px. */
  lineHeight: number;
  bold: boolean;
  /** Height from the top of the first line's ascent to the bottom of the last line's descent. */
  height: number;
}

export interface TextBlock {
  headline: TextPart | null;
  subline: TextPart | null;
  /** Space between the headline's last descent and the subline's first ascent. */
  gap: number;
  /** Widest line. */
  width: number;
  height: number;
  /** True when text had to be cut and ended with an ellipsis. */
  truncated: boolean;
}

export interface SizeRange {
  max: number;
  min: number;
}

export interface FitOptions {
  headline: string;
  subline: string;
  maxWidth: number;
  maxHeight: number;
  headlineSize: SizeRange;
  sublineSize: SizeRange;
  /** Subline size as a fraction of the headline size (then clamped to sublineSize). */
  sublineRatio?: number;
  /** Line height as a multiple of the font size. */
  headlineLeading?: number;
  sublineLeading?: number;
  /** Gap between headline and subline as a multiple of the headline size. */
  gapRatio?: number;
  /** Even out line lengths (no lonely last word). Default true. */
  balance?: boolean;
}

/**
 * Normalises cell text for typesetting: drops characters XML forbids, keeps explicit line
 * breaks (Alt+Enter in a cell) as paragraph breaks, collapses other whitespace.
 */
export function cleanText(raw: string): string {
  return stripInvalidXmlChars(raw.replace(/\r\n?/g, '\n'))
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

function graphemes(text: string): string[] {
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Splits a word wider than maxWidth into chunks that fit (at least one grapheme each). */
function hardBreak(word: string, fontSize: number, bold: boolean, maxWidth: number): TextLine[] {
  const chunks: TextLine[] = [];
  let text = '';
  let width = 0;
  for (const g of graphemes(word)) {
    const w = measureText(g, fontSize, bold);
    if (text !== '' && width + w > maxWidth) {
      chunks.push({ text, width });
      text = '';
      width = 0;
    }
    text += g;
    width += w;
  }
  if (text !== '') chunks.push({ text, width });
  return chunks;
}

export interface WrapResult {
  lines: TextLine[];
  /** Some word was wider than maxWidth and was broken mid-word. */
  brokeWord: boolean;
}

/** Greedy word wrap of cleaned text; `\n` forces a break. */
export function wrapText(text: string, fontSize: number, bold: boolean, maxWidth: number): WrapResult {
  const lines: TextLine[] = [];
  let brokeWord = false;
  const space = measureText(' ', fontSize, bold);
  for (const paragraph of text.split('\n')) {
    let line = '';
    let width = 0;
    for (const word of paragraph.split(' ')) {
      if (word === '') continue;
      const w = measureText(word, fontSize, bold);
      if (line !== '' && width + space + w <= maxWidth) {
        line += ' ' + word;
        width += space + w;
        continue;
      }
      if (line !== '') lines.push({ text: line, width });
      if (w <= maxWidth) {
        line = word;
        width = w;
      } else {
        brokeWord = true;
        const chunks = hardBreak(word, fontSize, bold, maxWidth);
        const last = chunks.pop() ?? { text: '', width: 0 };
        lines.push(...chunks);
        line = last.text;
        width = last.width;
      }
    }
    if (line !== '') lines.push({ text: line, width });
  }
  return { lines, brokeWord };
}

/**
 * Re-wraps into the narrowest width that still needs no more lines than greedy wrapping at
 * maxWidth, so a two-line headline splits evenly instead of leaving one word on line two.
 */
export function balancedWrap(text: string, fontSize: number, bold: boolean, maxWidth: number): TextLine[] {
  const first = wrapText(text, fontSize, bold, maxWidth);
  const greedy = first.lines;
  if (greedy.length < 2) return greedy;
  let lo = Math.floor(maxWidth / 2);
  let hi = Math.floor(maxWidth);
  let best = greedy;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const { lines, brokeWord } = wrapText(text, fontSize, bold, mid);
    // Narrower is fine as long as it adds no line and breaks no word that was whole.
    if (lines.length <= greedy.length && (first.brokeWord || !brokeWord)) {
      best = lines;
      hi = mid - 1;
    } else lo = mid + 1;
  }
  return best;
}

const ink = (fontSize: number): number => fontSize * (FONT_ASCENT + FONT_DESCENT);

function partHeight(lineCount: number, fontSize: number, lineHeight: number): number {
  return lineCount === 0 ? 0 : (lineCount - 1) * lineHeight + ink(fontSize);
}

function maxLinesFor(available: number, fontSize: number, lineHeight: number): number {
  if (available < ink(fontSize)) return 0;
  return 1 + Math.floor((available - ink(fontSize)) / lineHeight + 1e-9);
}

/** Keeps `count` lines, ending the last with an ellipsis that fits maxWidth. */
function truncateLines(lines: TextLine[], count: number, fontSize: number, bold: boolean, maxWidth: number): TextLine[] {
  if (lines.length <= count) return lines;
  if (count <= 0) return [];
  const kept = lines.slice(0, count);
  let chars = graphemes(kept[count - 1]?.text ?? '');
  let text = '';
  for (;;) {
    text = chars.join('').trimEnd().replace(/[\s,;:.\-–—]+$/u, '') + ELLIPSIS;
    if (chars.length === 0 || measureText(text, fontSize, bold) <= maxWidth) break;
    chars = chars.slice(0, -1);
  }
  kept[count - 1] = { text, width: measureText(text, fontSize, bold) };
  return kept;
}

function makePart(lines: TextLine[], fontSize: number, leading: number, bold: boolean): TextPart | null {
  if (lines.length === 0) return null;
  const lineHeight = fontSize * leading;
  return { lines, fontSize, lineHeight, bold, height: partHeight(lines.length, fontSize, lineHeight) };
}

function makeBlock(headline: TextPart | null, subline: TextPart | null, gap: number, truncated: boolean): TextBlock {
  const parts = [headline, subline].filter((p): p is TextPart => p !== null);
  const width = Math.max(0, ...parts.flatMap((p) => p.lines.map((l) => l.width)));
  const effectiveGap = headline && subline ? gap : 0;
  const height = parts.reduce((sum, p) => sum + p.height, 0) + effectiveGap;
  return { headline, subline, gap: effectiveGap, width, height, truncated };
}

/**
 * Fits headline (bold) and subline (regular) into maxWidth × maxHeight: the largest headline
 * size from max down to min at which everything fits without breaking a word; at the minimum
 * size words may be hard-broken, and what still does not fit is cut with an ellipsis
 * (headline first, keeping room for one subline line when possible).
 */
export function fitTextBlock(options: FitOptions): TextBlock {
  const headline = cleanText(options.headline);
  const subline = cleanText(options.subline);
  const { maxWidth, maxHeight, headlineSize, sublineSize } = options;
  const ratio = options.sublineRatio ?? 0.45;
  const hLead = options.headlineLeading ?? 1.12;
  const sLead = options.sublineLeading ?? 1.3;
  const gapRatio = options.gapRatio ?? 0.3;
  const balance = options.balance ?? true;
  if ((headline === '' && subline === '') || maxWidth <= 0 || maxHeight <= 0) return makeBlock(null, null, 0, false);

  const hMin = Math.max(1, Math.min(headlineSize.min, headlineSize.max));
  const sizesFor = (hs: number): { ss: number; gap: number } => {
    const ss = Math.max(sublineSize.min, Math.min(sublineSize.max, Math.round(hs * ratio)));
    return { ss, gap: Math.round(hs * gapRatio) };
  };
  const wrap = (text: string, size: number, bold: boolean): TextLine[] =>
    text === '' ? [] : balance ? balancedWrap(text, size, bold, maxWidth) : wrapText(text, size, bold, maxWidth).lines;

  let hs = Math.max(hMin, Math.round(headlineSize.max));
  for (;;) {
    const { ss, gap } = sizesFor(hs);
    const h = headline === '' ? { lines: [], brokeWord: false } : wrapText(headline, hs, true, maxWidth);
    const s = subline === '' ? { lines: [], brokeWord: false } : wrapText(subline, ss, false, maxWidth);
    const height =
      partHeight(h.lines.length, hs, hs * hLead) +
      partHeight(s.lines.length, ss, ss * sLead) +
      (h.lines.length > 0 && s.lines.length > 0 ? gap : 0);
    const atMin = hs <= hMin;
    if (height <= maxHeight && (atMin || (!h.brokeWord && !s.brokeWord))) {
      return makeBlock(
        makePart(wrap(headline, hs, true), hs, hLead, true),
        makePart(wrap(subline, ss, false), ss, sLead, false),
        gap,
        false,
      );
    }
    if (atMin) break;
    hs = Math.max(hMin, hs - Math.max(1, Math.round(hs * 0.04)));
  }

  // Even the minimum size overflows: keep what fits and cut with an ellipsis.
  const { ss, gap } = sizesFor(hMin);
  const hLines = headline === '' ? [] : wrapText(headline, hMin, true, maxWidth).lines;
  const sLines = subline === '' ? [] : wrapText(subline, ss, false, maxWidth).lines;
  const reserve = sLines.length > 0 && hLines.length > 0 ? gap + ink(ss) : 0;
  let hCount = maxLinesFor(maxHeight - reserve, hMin, hMin * hLead);
  if (hCount === 0) hCount = maxLinesFor(maxHeight, hMin, hMin * hLead);
  const hKept = truncateLines(hLines, hCount, hMin, true, maxWidth);
  const used = partHeight(hKept.length, hMin, hMin * hLead) + (hKept.length > 0 ? gap : 0);
  const sKept = truncateLines(sLines, maxLinesFor(maxHeight - used, ss, ss * sLead), ss, false, maxWidth);
  return makeBlock(makePart(hKept, hMin, hLead, true), makePart(sKept, ss, sLead, false), gap, true);
}
