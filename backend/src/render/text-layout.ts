// Text fitting: line breaking by Unicode rules (word boundaries from Intl.Segmenter, so Thai,
// Lao, Khmer and CJK break between words, never inside a word or a grapheme cluster),
// shrink-to-fit between a maximum and a minimum legible size, balanced line lengths, and a
// reasoned failure (never an unreadable size, never a silent cut) when even the minimum size
// cannot hold the text. Every width comes from the real fonts (text-metrics.ts).
import { stripInvalidXmlChars } from './svg';
import { defaultTextFonts, shaped, type TextFonts } from './text-metrics';
import { isRtlParagraph, type ShapedLine } from './text-shaper';

export interface TextLine {
  text: string;
  /** Width in px of the line's box (advance and any overhanging ink), from shaping the whole line. */
  width: number;
  /** From the box's left edge to the pen's start, px (ink that hangs left of the origin). */
  offset: number;
  /** The line as shaped (em units): glyphs in visual order, ink extents. */
  shaped: ShapedLine;
}

export interface TextPart {
  lines: TextLine[];
  fontSize: number;
  /** Baseline-to-baseline distance in px. */
  lineHeight: number;
  bold: boolean;
  /** Distance from the part's top (highest ink) to the first baseline, px. */
  ascent: number;
  /** Height from the top of the first line's ink to the bottom of the last line's ink. */
  height: number;
  /** The paragraph runs right to left (start alignment means right). */
  rtl: boolean;
}

export type TextPartName = 'headline' | 'subline';

/** Why a block could not be set: too long at the minimum size, or a character no font has. */
export type TextProblem =
  | { kind: 'overflow'; part: TextPartName; minSize: number; shortenBy: number }
  | { kind: 'missing-glyph'; part: TextPartName; clusters: string[] };

export interface TextBlock {
  headline: TextPart | null;
  subline: TextPart | null;
  /** Space between the headline's last line ink and the subline's first line ink. */
  gap: number;
  /** Widest line. */
  width: number;
  height: number;
  /** Set when the text cannot be drawn right; the block is then empty. */
  problem: TextProblem | null;
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
  /** Line height as a multiple of the font size (raised for tall scripts so lines never touch). */
  headlineLeading?: number;
  sublineLeading?: number;
  /** Gap between headline and subline as a multiple of the headline size. */
  gapRatio?: number;
  /** Even out line lengths (no lonely last word). Default true. */
  balance?: boolean;
  /**
   * Go up to 15% under the largest fitting size when that saves a headline line. Default true;
   * off when the size is a set's shared one, which must be the same on every image.
   */
  tighten?: boolean;
  fonts?: TextFonts;
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

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const wordSegmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

export function graphemes(text: string): string[] {
  return Array.from(graphemeSegmenter.segment(text), (s) => s.segment);
}

/** Scripts written without spaces between words: a break is allowed at any word boundary. */
const NO_SPACE = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Extended_Pictographic}]/u;
const OPENING = /[\p{Ps}\p{Pi}"'¿¡]$/u;

/** A piece of a paragraph between two break opportunities, with the spaces after it. */
export interface Piece {
  text: string;
  space: string;
}

const piecesCache = new Map<string, Piece[]>();

/** Splits a paragraph at its line-break opportunities: after spaces, and between words of scripts written without spaces. */
export function breakPieces(paragraph: string): Piece[] {
  let pieces = piecesCache.get(paragraph);
  if (!pieces) {
    pieces = segmentPieces(paragraph);
    if (piecesCache.size >= 2000) piecesCache.delete(piecesCache.keys().next().value as string);
    piecesCache.set(paragraph, pieces);
  }
  return pieces;
}

function segmentPieces(paragraph: string): Piece[] {
  const pieces: Piece[] = [];
  let current = '';
  for (const seg of wordSegmenter.segment(paragraph)) {
    const s = seg.segment;
    if (/^\s+$/u.test(s)) {
      if (current !== '') pieces.push({ text: current, space: s });
      else if (pieces.length > 0) (pieces[pieces.length - 1] as Piece).space += s;
      current = '';
      continue;
    }
    const prevChar = current.slice(-2);
    const canBreak =
      current !== '' && seg.isWordLike === true && (NO_SPACE.test(prevChar) || NO_SPACE.test(s.slice(0, 2))) && !OPENING.test(current);
    if (canBreak) {
      pieces.push({ text: current, space: '' });
      current = s;
    } else current += s;
  }
  if (current !== '') pieces.push({ text: current, space: '' });
  return pieces;
}

interface Measure {
  fonts: TextFonts;
  bold: boolean;
  rtl: boolean;
}

/** Advance width in em. */
const adv = (m: Measure, text: string): number => (text === '' ? 0 : shaped(text, m.bold, m.fonts, m.rtl).advance);

/** Width of the line's box in em: the advance, widened by ink that overhangs it (Devanagari ी, italics). */
export function boxEm(line: ShapedLine): number {
  return Math.max(line.advance, line.inkRight) - Math.min(0, line.inkLeft);
}

const em = (m: Measure, text: string): number => (text === '' ? 0 : boxEm(shaped(text, m.bold, m.fonts, m.rtl)));

export interface WrapResult {
  lines: string[];
  /** Some piece was wider than maxWidth and was broken between grapheme clusters. */
  brokeWord: boolean;
}

/** Splits a piece wider than the line into chunks of whole grapheme clusters. */
function hardBreak(m: Measure, text: string, maxEm: number): string[] {
  const chunks: string[] = [];
  let chunk = '';
  for (const g of graphemes(text)) {
    if (chunk !== '' && em(m, chunk + g) > maxEm) {
      chunks.push(chunk);
      chunk = '';
    }
    chunk += g;
  }
  if (chunk !== '') chunks.push(chunk);
  return chunks;
}

/**
 * Greedy line breaking at `maxEm` (the line width in em at this size); `\n` forces a break.
 * Line widths add up the pieces' shaped widths (shaping does not cross a break opportunity);
 * a line close to the limit is shaped whole to be sure. Stops early past `maxLines`.
 */
function wrapEm(m: Measure, text: string, maxEm: number, maxLines = Infinity): WrapResult {
  const lines: string[] = [];
  let brokeWord = false;
  for (const paragraph of text.split('\n')) {
    let line = '';
    let lineEm = 0;
    let pending = '';
    for (const piece of breakPieces(paragraph)) {
      if (lines.length > maxLines) return { lines, brokeWord };
      const pieceEm = adv(m, piece.text);
      if (line !== '') {
        const candidateEm = lineEm + adv(m, pending) + pieceEm;
        const fits = candidateEm <= maxEm * 0.9 || (candidateEm <= maxEm * 1.02 && em(m, line + pending + piece.text) <= maxEm);
        if (fits) {
          line += pending + piece.text;
          lineEm = candidateEm;
          pending = piece.space;
          continue;
        }
        lines.push(line);
      }
      if (em(m, piece.text) <= maxEm) {
        line = piece.text;
        lineEm = pieceEm;
      } else {
        brokeWord = true;
        const chunks = hardBreak(m, piece.text, maxEm);
        line = chunks.pop() ?? '';
        lineEm = adv(m, line);
        lines.push(...chunks);
      }
      pending = piece.space;
    }
    if (line !== '') lines.push(line);
  }
  return { lines, brokeWord };
}

function measureFor(text: string, bold: boolean, fonts: TextFonts): Measure {
  const firstParagraph = text.split('\n')[0] ?? '';
  return { fonts, bold, rtl: isRtlParagraph(firstParagraph) };
}

/** Greedy word wrap of cleaned text at `maxWidth` px for `fontSize`. */
export function wrapText(text: string, fontSize: number, bold: boolean, maxWidth: number, fonts: TextFonts = defaultTextFonts()): WrapResult {
  return wrapEm(measureFor(text, bold, fonts), text, maxWidth / fontSize);
}

/**
 * Re-wraps into the narrowest width that still needs no more lines than greedy wrapping at
 * maxWidth, so a two-line headline splits evenly instead of leaving one word on line two.
 */
function balancedEm(m: Measure, text: string, maxEm: number): string[] {
  const first = wrapEm(m, text, maxEm);
  if (first.lines.length < 2) return first.lines;
  let lo = maxEm / 2;
  let hi = maxEm;
  let best = first.lines;
  for (let i = 0; i < 12; i++) {
    const mid = (lo + hi) / 2;
    const { lines, brokeWord } = wrapEm(m, text, mid);
    // Narrower is fine as long as it adds no line and breaks no word that was whole.
    if (lines.length <= first.lines.length && (first.brokeWord || !brokeWord)) {
      best = lines;
      hi = mid;
    } else lo = mid;
  }
  return best;
}

export function balancedWrap(text: string, fontSize: number, bold: boolean, maxWidth: number, fonts: TextFonts = defaultTextFonts()): string[] {
  return balancedEm(measureFor(text, bold, fonts), text, maxWidth / fontSize);
}

interface PartShape {
  lines: ShapedLine[];
  /** Ink above the first baseline and below the last, em; line pitch in em. */
  top: number;
  bottom: number;
  pitch: number;
}

function partShape(m: Measure, lines: string[], leading: number): PartShape {
  const shapedLines = lines.map((l) => shaped(l, m.bold, m.fonts, m.rtl));
  const top = Math.max(0.72, ...shapedLines.map((l) => l.inkTop));
  const bottom = Math.max(0.2, ...shapedLines.map((l) => l.inkBottom));
  // Tall scripts (Arabic marks, Devanagari, Thai) get more leading so lines never collide.
  const pitch = Math.max(leading, (top + bottom) * 1.04);
  return { lines: shapedLines, top, bottom, pitch };
}

const heightEm = (p: PartShape): number => (p.lines.length === 0 ? 0 : (p.lines.length - 1) * p.pitch + p.top + p.bottom);

function makePart(p: PartShape, fontSize: number, bold: boolean, rtl: boolean): TextPart | null {
  if (p.lines.length === 0) return null;
  return {
    lines: p.lines.map((l) => ({ text: l.text, width: boxEm(l) * fontSize, offset: -Math.min(0, l.inkLeft) * fontSize, shaped: l })),
    fontSize,
    lineHeight: p.pitch * fontSize,
    bold,
    ascent: p.top * fontSize,
    height: heightEm(p) * fontSize,
    rtl,
  };
}

function makeBlock(headline: TextPart | null, subline: TextPart | null, gap: number): TextBlock {
  const parts = [headline, subline].filter((p): p is TextPart => p !== null);
  const width = Math.max(0, ...parts.flatMap((p) => p.lines.map((l) => l.width)));
  const effectiveGap = headline && subline ? gap : 0;
  const height = parts.reduce((sum, p) => sum + p.height, 0) + effectiveGap;
  return { headline, subline, gap: effectiveGap, width, height, problem: null };
}

const empty = (problem: TextProblem | null): TextBlock => ({ headline: null, subline: null, gap: 0, width: 0, height: 0, problem });

function missingIn(text: string, m: Measure): string[] {
  const found = new Set<string>();
  for (const paragraph of text.split('\n')) for (const c of shaped(paragraph, m.bold, m.fonts, m.rtl).missing) found.add(c);
  return [...found];
}

/** How many grapheme clusters of `text` fit in `maxLines` lines at `maxEm`. */
function clustersThatFit(m: Measure, text: string, maxEm: number, maxLines: number): number {
  const lines = wrapEm(m, text, maxEm).lines.slice(0, Math.max(0, maxLines));
  return lines.reduce((n, l) => n + graphemes(l).length + 1, 0);
}

/**
 * Fits headline (bold) and subline (regular) into maxWidth × maxHeight: the largest headline
 * size from max down to min at which everything fits without breaking a word (at the minimum
 * size long words may break between clusters). When even the minimum size overflows, or a
 * character has no font, the block comes back empty with the problem stated.
 */
export function fitTextBlock(options: FitOptions): TextBlock {
  const headline = cleanText(options.headline);
  const subline = cleanText(options.subline);
  const fonts = options.fonts ?? defaultTextFonts();
  const { maxWidth, maxHeight, headlineSize, sublineSize } = options;
  const ratio = options.sublineRatio ?? 0.45;
  const hLead = options.headlineLeading ?? 1.12;
  const sLead = options.sublineLeading ?? 1.3;
  const gapRatio = options.gapRatio ?? 0.3;
  const balance = options.balance ?? true;
  const tighten = options.tighten ?? true;
  if (headline === '' && subline === '') return empty(null);
  const hm = measureFor(headline, true, fonts);
  const sm = measureFor(subline, false, fonts);
  for (const [part, text, m] of [['headline', headline, hm], ['subline', subline, sm]] as const) {
    const clusters = text === '' ? [] : missingIn(text, m);
    if (clusters.length > 0) return empty({ kind: 'missing-glyph', part, clusters });
  }

  const hMin = Math.max(1, Math.min(headlineSize.min, headlineSize.max));
  const sMin = Math.max(1, Math.min(sublineSize.min, sublineSize.max));
  const sizesFor = (hs: number): { ss: number; gap: number } => {
    const ss = Math.max(sMin, Math.min(sublineSize.max, Math.round(hs * ratio)));
    return { ss, gap: Math.round(hs * gapRatio) };
  };
  const wrap = (m: Measure, text: string, maxEm: number, maxLines?: number): WrapResult =>
    text === '' ? { lines: [], brokeWord: false } : wrapEm(m, text, maxEm, maxLines);
  // No more lines than the height could hold at any leading: lets hopeless sizes stop early.
  const linesFor = (size: number, leading: number): number => Math.floor(maxHeight / (size * leading)) + 1;

  const setAt = (size: number): TextBlock => {
    const { ss, gap } = sizesFor(size);
    const hLines = balance && headline !== '' ? balancedEm(hm, headline, maxWidth / size) : wrap(hm, headline, maxWidth / size).lines;
    const sLines = balance && subline !== '' ? balancedEm(sm, subline, maxWidth / ss) : wrap(sm, subline, maxWidth / ss).lines;
    return makeBlock(makePart(partShape(hm, hLines, hLead), size, true, hm.rtl), makePart(partShape(sm, sLines, sLead), ss, false, sm.rtl), gap);
  };

  let hs = Math.max(hMin, Math.round(headlineSize.max));
  if (maxWidth > 0 && maxHeight > 0) {
    for (;;) {
      const { ss, gap } = sizesFor(hs);
      const h = wrap(hm, headline, maxWidth / hs, linesFor(hs, hLead));
      const s = wrap(sm, subline, maxWidth / ss, linesFor(ss, sLead));
      const hp = partShape(hm, h.lines, hLead);
      const sp = partShape(sm, s.lines, sLead);
      const height = heightEm(hp) * hs + heightEm(sp) * ss + (h.lines.length > 0 && s.lines.length > 0 ? gap : 0);
      const atMin = hs <= hMin;
      if (height <= maxHeight && (atMin || (!h.brokeWord && !s.brokeWord))) {
        // A slightly smaller size (up to 15%) that saves a headline line reads better than
        // the largest size with a ragged extra line ("Happy 3 / years, Kenji / Watanabe!").
        if (tighten && !atMin && h.lines.length > 1) {
          for (let smaller = hs - 1; smaller >= Math.max(hMin, Math.ceil(hs * 0.85)); smaller--) {
            const fewer = wrap(hm, headline, maxWidth / smaller);
            if (fewer.lines.length < h.lines.length && !fewer.brokeWord) {
              hs = smaller;
              break;
            }
          }
        }
        return setAt(hs);
      }
      if (atMin) break;
      hs = Math.max(hMin, hs - Math.max(1, Math.round(hs * 0.04)));
    }
  }

  // Even the minimum sizes overflow: say which part, and by about how much.
  const { ss, gap } = sizesFor(hMin);
  const sp = partShape(sm, wrap(sm, subline, maxWidth / ss).lines, sLead);
  const hp = partShape(hm, wrap(hm, headline, maxWidth / hMin).lines, hLead);
  const sHeight = heightEm(sp) * ss;
  const hHeight = heightEm(hp) * hMin;
  const gapPx = headline !== '' && subline !== '' ? gap : 0;
  if (headline !== '' && hHeight + gapPx + Math.min(sHeight, (sp.top + sp.bottom) * ss) > maxHeight) {
    // The headline keeps room for one subline line.
    const room = maxHeight - gapPx - (subline !== '' ? (sp.top + sp.bottom) * ss : 0);
    const lines = room < (hp.top + hp.bottom) * hMin ? 0 : 1 + Math.floor((room - (hp.top + hp.bottom) * hMin) / (hp.pitch * hMin));
    const fit = maxWidth > 0 ? clustersThatFit(hm, headline, maxWidth / hMin, lines) : 0;
    return empty({ kind: 'overflow', part: 'headline', minSize: hMin, shortenBy: Math.max(1, graphemes(headline).length - fit) });
  }
  const room = maxHeight - hHeight - gapPx;
  const lines = room < (sp.top + sp.bottom) * ss ? 0 : 1 + Math.floor((room - (sp.top + sp.bottom) * ss) / (sp.pitch * ss));
  const fit = maxWidth > 0 ? clustersThatFit(sm, subline, maxWidth / ss, lines) : 0;
  return empty({ kind: 'overflow', part: 'subline', minSize: ss, shortenBy: Math.max(1, graphemes(subline).length - fit) });
}

/** The reason a row fails with, for a text problem on an image of `ratio` (e.g. `9:16`). */
export function textProblemReason(problem: TextProblem, ratio: string): string {
  const Part = problem.part === 'headline' ? 'Headline' : 'Subline';
  if (problem.kind === 'missing-glyph') {
    const list = problem.clusters.slice(0, 5).map((c) => `"${c}"`).join(', ');
    return `no font for ${list} in the ${problem.part}`;
  }
  const n = problem.shortenBy;
  return `${Part} does not fit ${ratio} at ${problem.minSize} px or more (shorten it by about ${n} character${n === 1 ? '' : 's'})`;
}
