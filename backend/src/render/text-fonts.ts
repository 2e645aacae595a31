// The fonts text is drawn with. Rowshot brings its own (Noto families from npm packages, read
// from node_modules, never from the OS), so every machine draws the same pixels; a brand kit's
// fonts go in front of them. Each face is loaded on first use: a Latin-only batch never reads
// the 10 MB CJK files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as hb from 'harfbuzzjs';
import { fontFileToSfntSync } from './text-font-file';

/** One font, ready to shape and draw with. Glyph paths are cached (they never change). */
export class Face {
  readonly upem: number;
  /** hhea ascender / descender (positive below the baseline), in em. */
  readonly ascent: number;
  readonly descent: number;
  readonly font: hb.Font;
  private readonly paths = new Map<number, string>();
  private readonly covered = new Map<number, boolean>();

  constructor(
    /** A stable name: part of SVG ids and of cache keys. */
    readonly name: string,
    sfnt: Uint8Array,
  ) {
    const face = new hb.Face(new hb.Blob(sfnt));
    this.font = new hb.Font(face);
    this.upem = face.upem || 1000;
    const ext = this.font.hExtents();
    this.ascent = ext.ascender / this.upem;
    this.descent = -ext.descender / this.upem;
  }

  /** True when the font has a glyph for code point `cp`. */
  covers(cp: number): boolean {
    let has = this.covered.get(cp);
    if (has === undefined) {
      has = (this.font.nominalGlyph(cp) ?? 0) !== 0;
      this.covered.set(cp, has);
    }
    return has;
  }

  /** SVG path of a glyph in font units, y up. */
  path(gid: number): string {
    let d = this.paths.get(gid);
    if (d === undefined) {
      d = this.font.glyphToPath(gid);
      this.paths.set(gid, d);
    }
    return d;
  }

  /** Ink extents of a glyph in em: top above the baseline, bottom below it (both may be negative). */
  ink(gid: number): { top: number; bottom: number } | null {
    const e = this.font.glyphExtents(gid);
    if (!e || (e.width === 0 && e.height === 0)) return null;
    return { top: e.yBearing / this.upem, bottom: -(e.yBearing + e.height) / this.upem };
  }
}

/** A face loaded when first needed; `scripts` keeps a family from loading for text it cannot be for. */
export interface FontSlot {
  name: string;
  /** Characters of these scripts (and Common/Inherited ones) may come from this font. Null: any. */
  scripts: RegExp | null;
  load(): Face;
}

export type Weight = 'regular' | 'bold';

const require = createRequire(import.meta.url);

interface Family {
  name: string;
  scripts: RegExp | null;
  files: Record<Weight, string>;
  /** Pack that brings the files (for docs and the size report). */
  pkg: string;
}

const expo = (pkg: string, base: string): Record<Weight, string> => ({
  regular: `@expo-google-fonts/${pkg}/400Regular/${base}_400Regular.ttf`,
  bold: `@expo-google-fonts/${pkg}/700Bold/${base}_700Bold.ttf`,
});

/**
 * Rowshot's fallback order. Latin/Greek/Cyrillic first, then the scripts that have their own
 * family, then CJK (Simplified Chinese first; Japanese or Korean text moves its own family
 * forward, see cjkOrder).
 */
export const FAMILIES: readonly Family[] = [
  { name: 'Noto Sans', pkg: '@expo-google-fonts/noto-sans', scripts: null, files: expo('noto-sans', 'NotoSans') },
  { name: 'Noto Sans Arabic', pkg: '@expo-google-fonts/noto-sans-arabic', scripts: /\p{Script=Arabic}/u, files: expo('noto-sans-arabic', 'NotoSansArabic') },
  {
    name: 'Noto Sans Hebrew',
    pkg: '@fontsource/noto-sans-hebrew',
    scripts: /\p{Script=Hebrew}/u,
    files: {
      regular: '@fontsource/noto-sans-hebrew/files/noto-sans-hebrew-hebrew-400-normal.woff',
      bold: '@fontsource/noto-sans-hebrew/files/noto-sans-hebrew-hebrew-700-normal.woff',
    },
  },
  { name: 'Noto Sans Devanagari', pkg: '@expo-google-fonts/noto-sans-devanagari', scripts: /\p{Script=Devanagari}/u, files: expo('noto-sans-devanagari', 'NotoSansDevanagari') },
  { name: 'Noto Sans Thai', pkg: '@expo-google-fonts/noto-sans-thai', scripts: /\p{Script=Thai}/u, files: expo('noto-sans-thai', 'NotoSansThai') },
  { name: 'Noto Sans SC', pkg: '@expo-google-fonts/noto-sans-sc', scripts: CJK(), files: expo('noto-sans-sc', 'NotoSansSC') },
  { name: 'Noto Sans TC', pkg: '@expo-google-fonts/noto-sans-tc', scripts: CJK(), files: expo('noto-sans-tc', 'NotoSansTC') },
  { name: 'Noto Sans JP', pkg: '@expo-google-fonts/noto-sans-jp', scripts: CJK(), files: expo('noto-sans-jp', 'NotoSansJP') },
  { name: 'Noto Sans KR', pkg: '@expo-google-fonts/noto-sans-kr', scripts: CJK(), files: expo('noto-sans-kr', 'NotoSansKR') },
];

function CJK(): RegExp {
  return /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303f\uff00-\uffef]/u;
}

// Loaded faces are immutable and shared by every render in the process: a cache, not state.
const loaded = new Map<string, Face>();

function loadFile(spec: string, name: string): Face {
  let face = loaded.get(name);
  if (!face) {
    face = new Face(name, fontFileToSfntSync(readFileSync(require.resolve(spec))));
    loaded.set(name, face);
  }
  return face;
}

function familySlot(family: Family, weight: Weight): FontSlot {
  const name = `${family.name} ${weight === 'bold' ? 'Bold' : 'Regular'}`;
  return { name, scripts: family.scripts, load: () => loadFile(family.files[weight], name) };
}

/** Rowshot's own fonts for a weight, in fallback order. */
export function defaultSlots(weight: Weight): FontSlot[] {
  return FAMILIES.map((f) => familySlot(f, weight));
}

/** A brand font (already validated) as a slot that may draw any character it has. */
export function brandSlot(name: string, sfnt: Uint8Array): FontSlot {
  let face: Face | null = null;
  return {
    name,
    scripts: null,
    load: () => (face ??= new Face(name, sfnt)),
  };
}

const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HANGUL = /\p{Script=Hangul}/u;

/** Japanese (kana) or Korean (Hangul) text draws its Han characters from its own family. */
export function cjkOrder(slots: FontSlot[], paragraph: string): FontSlot[] {
  const first = KANA.test(paragraph) ? 'Noto Sans JP' : HANGUL.test(paragraph) ? 'Noto Sans KR' : null;
  if (!first) return slots;
  const isFirst = (s: FontSlot): boolean => s.name.startsWith(first + ' ');
  const firstCjk = slots.findIndex((s) => s.name.startsWith('Noto Sans SC'));
  const mine = slots.find(isFirst);
  if (firstCjk < 0 || !mine) return slots;
  const rest = slots.filter((s) => !isFirst(s));
  rest.splice(firstCjk, 0, mine);
  return rest;
}

/** The installed file of each family and weight, for the size report in the docs and bench. */
export function familyFiles(): { family: string; pkg: string; weight: Weight; path: string }[] {
  return FAMILIES.flatMap((f) =>
    (['regular', 'bold'] as const).map((weight) => ({ family: f.name, pkg: f.pkg, weight, path: require.resolve(f.files[weight]) })),
  );
}
