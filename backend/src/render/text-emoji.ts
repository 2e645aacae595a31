// Colour emoji: each emoji (a grapheme cluster, ZWJ sequences and skin tones included) is
// drawn from Twemoji's colour SVG for it (the @twemoji/svg package), read on first use.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
let folder: string | null = null;
const cache = new Map<string, string | null>();

const PICTOGRAPHIC = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
const PRESENTATION = /\p{Emoji_Presentation}|\uFE0F|\u20E3|\p{Emoji_Modifier}|\u200D|\p{Regional_Indicator}/u;

/** True when a grapheme cluster is an emoji shown as a picture (not ©, ™ or a digit as text). */
export function isEmojiCluster(cluster: string): boolean {
  return (PICTOGRAPHIC.test(cluster) && PRESENTATION.test(cluster)) || /^[#*0-9]\uFE0F?\u20E3$/u.test(cluster);
}

function svgFolder(): string {
  folder ??= dirname(require.resolve('@twemoji/svg/package.json'));
  return folder;
}

/** Twemoji names files by code points in hex, dropping U+FE0F unless the sequence has a ZWJ. */
function fileNames(cluster: string): string[] {
  const cps = Array.from(cluster, (c) => c.codePointAt(0) ?? 0);
  const hex = (list: number[]): string => list.map((c) => c.toString(16)).join('-');
  const noVs = cps.filter((c) => c !== 0xfe0f);
  return [...new Set([cps.includes(0x200d) ? hex(cps) : hex(noVs), hex(noVs), hex(cps)])];
}

/** The inner markup and viewBox of the emoji's SVG, or null when Twemoji has no picture for it. */
export function emojiSvg(cluster: string): string | null {
  const hit = cache.get(cluster);
  if (hit !== undefined) return hit;
  let svg: string | null = null;
  for (const name of fileNames(cluster)) {
    const path = join(svgFolder(), `${name}.svg`);
    if (existsSync(path)) {
      svg = readFileSync(path, 'utf8');
      break;
    }
  }
  cache.set(cluster, svg);
  return svg;
}

/** Emoji metrics in em: advance, and the square drawn from `top` above the baseline. */
export const EMOJI_ADVANCE = 1.16;
export const EMOJI_SIZE = 1.0;
export const EMOJI_TOP = 0.86;
