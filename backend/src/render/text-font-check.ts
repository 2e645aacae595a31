// A brand font upload: sniffed from its bytes, size-limited, unwrapped (WOFF, WOFF2) and opened by
// HarfBuzz (whose sanitizer rejects malformed tables) before it is kept. Answers a value.
import * as hb from 'harfbuzzjs';
import { MAX_UPLOAD_BYTES } from '../../../shared/index';
import { FontFileError, fontFileToSfnt } from './text-font-file';

export type FontCheck = { ok: true; sfnt: Buffer; family: string; glyphs: number } | { ok: false; message: string };

export async function checkFontUpload(data: Buffer): Promise<FontCheck> {
  if (data.length > MAX_UPLOAD_BYTES) return { ok: false, message: `the font is larger than ${Math.round(MAX_UPLOAD_BYTES / 1048576)} MB` };
  let sfnt: Buffer;
  try {
    sfnt = await fontFileToSfnt(data);
  } catch (err) {
    return { ok: false, message: err instanceof FontFileError ? err.message : 'the font could not be read' };
  }
  const face = new hb.Face(new hb.Blob(sfnt));
  const unicodes = face.collectUnicodes();
  const font = new hb.Font(face);
  // The sanitizer drops tables it cannot trust: a font that maps no characters, or whose
  // glyph for "a"/the first mapped character has no outline, cannot draw text.
  const probes = [0x61, ...Array.from(unicodes.slice(0, 64))];
  const drawable = probes.some((cp) => {
    const gid = font.nominalGlyph(cp) ?? 0;
    return gid !== 0 && font.glyphToPath(gid) !== '';
  });
  if (!drawable) return { ok: false, message: 'the font is damaged: it maps no characters to drawable glyphs (truncated?)' };
  const family = face.getName(16, 'en') || face.getName(1, 'en') || 'Brand font';
  return { ok: true, sfnt, family, glyphs: unicodes.length };
}
