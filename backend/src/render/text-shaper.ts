// Shaping one line of text with the fonts that draw it: each grapheme cluster takes the first
// font of the stack that has all its characters (emoji take their colour picture), runs of
// one font and one bidi level are shaped by HarfBuzz (kerning, ligatures, Arabic joining,
// Indic conjuncts, Thai mark placement), and the runs are put in visual order by the Unicode
// bidi algorithm. All positions are in em, so one shaping serves every font size.
import bidiFactory from 'bidi-js';
import * as hb from 'harfbuzzjs';
import { EMOJI_ADVANCE, EMOJI_SIZE, EMOJI_TOP, emojiSvg, isEmojiCluster } from './text-emoji';
import { cjkOrder, type Face, type FontSlot } from './text-fonts';

const bidi = bidiFactory();
const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export interface PlacedGlyph {
  face: Face;
  gid: number;
  /** Pen position of the glyph origin in em from the line's left edge; y up from the baseline. */
  x: number;
  y: number;
}

export interface PlacedEmoji {
  svg: string;
  /** Left edge of the emoji's square in em. */
  x: number;
}

export interface ShapedLine {
  text: string;
  /** Advance width in em. */
  advance: number;
  /** Highest ink above the baseline and lowest below it, in em (0 for an empty line). */
  inkTop: number;
  inkBottom: number;
  /** Leftmost and rightmost ink in em (the advance box may differ by side bearings). */
  inkLeft: number;
  inkRight: number;
  glyphs: PlacedGlyph[];
  emoji: PlacedEmoji[];
  /** Clusters no font could draw (each listed once). */
  missing: string[];
  /** The paragraph direction is right to left. */
  rtl: boolean;
  /** Names of the fonts that drew something. */
  faces: string[];
}

const COMMON = /^[\p{Script=Common}\p{Script=Inherited}]+$/u;
/** Characters HarfBuzz hides (joiners, variation selectors, bidi controls): no glyph needed. */
const IGNORABLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufe00-\ufe0f\ufeff\u{e0000}-\u{e0fff}]/u;

function needed(cluster: string): number[] {
  return Array.from(cluster)
    .filter((c) => !IGNORABLE.test(c))
    .map((c) => c.codePointAt(0) ?? 0);
}

function coversAll(slot: FontSlot, cps: number[], cluster: string): Face | null {
  if (slot.scripts && !COMMON.test(cluster) && !slot.scripts.test(cluster)) return null;
  const face = slot.load();
  return cps.every((cp) => face.covers(cp)) ? face : null;
}

type Source = { kind: 'font'; face: Face } | { kind: 'emoji'; svg: string } | { kind: 'missing' };

function pickSource(cluster: string, slots: FontSlot[], previous: Face | null): Source {
  const cps = needed(cluster);
  if (cps.length === 0) return previous ? { kind: 'font', face: previous } : { kind: 'font', face: (slots[0] as FontSlot).load() };
  if (isEmojiCluster(cluster)) {
    const svg = emojiSvg(cluster);
    if (svg) return { kind: 'emoji', svg };
  }
  // Spaces, digits and punctuation stay in the font of the text around them when it has them.
  if (previous && COMMON.test(cluster) && cps.every((cp) => previous.covers(cp))) return { kind: 'font', face: previous };
  for (const slot of slots) {
    const face = coversAll(slot, cps, cluster);
    if (face) return { kind: 'font', face };
  }
  return { kind: 'missing' };
}

interface Run {
  source: Source;
  level: number;
  start: number;
  end: number;
}

// One HarfBuzz buffer reused for every run (shaping is synchronous).
let buffer: hb.Buffer | null = null;

function shapeRun(text: string, face: Face, rtl: boolean): { gid: number; cluster: number; ax: number; dx: number; dy: number }[] {
  buffer ??= new hb.Buffer();
  buffer.reset();
  buffer.addText(text);
  buffer.setDirection(rtl ? hb.Direction.RTL : hb.Direction.LTR);
  buffer.guessSegmentProperties();
  hb.shape(face.font, buffer);
  const infos = buffer.getGlyphInfos();
  const positions = buffer.getGlyphPositions();
  return infos.map((info, i) => {
    const p = positions[i];
    return { gid: info.codepoint, cluster: info.cluster, ax: (p?.xAdvance ?? 0) / face.upem, dx: (p?.xOffset ?? 0) / face.upem, dy: (p?.yOffset ?? 0) / face.upem };
  });
}

/** Reorders runs into visual order (UAX #9 rule L2) given their embedding levels. */
function visualOrder(runs: Run[]): Run[] {
  const out = [...runs];
  const max = Math.max(0, ...out.map((r) => r.level));
  const minOdd = Math.min(...out.map((r) => (r.level % 2 === 1 ? r.level : Infinity)));
  for (let level = max; level >= minOdd && level > 0; level--) {
    for (let i = 0; i < out.length; ) {
      if ((out[i]?.level ?? 0) < level) {
        i++;
        continue;
      }
      let j = i;
      while (j < out.length && (out[j]?.level ?? 0) >= level) j++;
      const reversed = out.slice(i, j).reverse();
      out.splice(i, j - i, ...reversed);
      i = j;
    }
  }
  return out;
}

/** Paragraph direction from its first strong character (UAX #9 P2–P3). */
export function isRtlParagraph(text: string): boolean {
  return (bidi.getEmbeddingLevels(text, 'auto').paragraphs[0]?.level ?? 0) % 2 === 1;
}

/**
 * Shapes one line. `paragraphRtl` is the direction of the paragraph the line came from (so a
 * wrapped line keeps its paragraph's base level).
 */
export function shapeLine(text: string, slots: FontSlot[], paragraphRtl?: boolean): ShapedLine {
  const rtl = paragraphRtl ?? isRtlParagraph(text);
  const stack = cjkOrder(slots, text);
  const levels = text === '' ? new Uint8Array(0) : bidi.getEmbeddingLevels(text, rtl ? 'rtl' : 'ltr').levels;
  const runs: Run[] = [];
  const missing: string[] = [];
  let previous: Face | null = null;
  for (const { segment, index } of graphemeSegmenter.segment(text)) {
    let source = pickSource(segment, stack, previous);
    if (source.kind === 'missing') {
      if (!missing.includes(segment)) missing.push(segment);
    }
    if (source.kind === 'font') previous = source.face;
    // Missing clusters are still shaped (as the first font's .notdef box) so widths stay honest.
    if (source.kind === 'missing') source = { kind: 'font', face: (stack[0] as FontSlot).load() };
    const level = levels[index] ?? (rtl ? 1 : 0);
    const last = runs[runs.length - 1];
    const same =
      last &&
      last.level === level &&
      last.source.kind === 'font' &&
      source.kind === 'font' &&
      last.source.face === source.face;
    if (same) last.end = index + segment.length;
    else runs.push({ source, level, start: index, end: index + segment.length });
  }

  const glyphs: PlacedGlyph[] = [];
  const emoji: PlacedEmoji[] = [];
  const faces = new Set<string>();
  let x = 0;
  let inkTop = 0;
  let inkBottom = 0;
  let inkLeft = Infinity;
  let inkRight = -Infinity;
  for (const run of visualOrder(runs)) {
    const runText = text.slice(run.start, run.end);
    if (run.source.kind === 'emoji') {
      const pad = (EMOJI_ADVANCE - EMOJI_SIZE) / 2;
      emoji.push({ svg: run.source.svg, x: x + pad });
      inkTop = Math.max(inkTop, EMOJI_TOP);
      inkBottom = Math.max(inkBottom, EMOJI_SIZE - EMOJI_TOP);
      inkLeft = Math.min(inkLeft, x + pad);
      inkRight = Math.max(inkRight, x + pad + EMOJI_SIZE);
      x += EMOJI_ADVANCE;
      continue;
    }
    if (run.source.kind !== 'font') continue;
    const face = run.source.face;
    faces.add(face.name);
    for (const g of shapeRun(runText, face, run.level % 2 === 1)) {
      if (g.gid === 0) {
        const cluster = runText.slice(g.cluster).match(/^./su)?.[0] ?? '';
        if (cluster !== '' && !IGNORABLE.test(cluster) && !missing.includes(cluster)) missing.push(cluster);
      }
      const gx = x + g.dx;
      glyphs.push({ face, gid: g.gid, x: gx, y: g.dy });
      const ink = face.ink(g.gid);
      if (ink) {
        const e = face.font.glyphExtents(g.gid);
        inkTop = Math.max(inkTop, ink.top + g.dy);
        inkBottom = Math.max(inkBottom, ink.bottom - g.dy);
        if (e) {
          inkLeft = Math.min(inkLeft, gx + e.xBearing / face.upem);
          inkRight = Math.max(inkRight, gx + (e.xBearing + e.width) / face.upem);
        }
      }
      x += g.ax;
    }
  }
  if (inkLeft > inkRight) {
    inkLeft = 0;
    inkRight = 0;
  }
  return { text, advance: x, inkTop, inkBottom, inkLeft, inkRight, glyphs, emoji, missing, rtl, faces: [...faces] };
}
