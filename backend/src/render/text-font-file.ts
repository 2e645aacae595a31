// Font files: what kind a file is (from its bytes, never its name), WOFF 1.0 unwrapped to the
// plain sfnt HarfBuzz reads, and the checks an uploaded brand font must pass before it is kept.
import { inflateSync } from 'node:zlib';

export type FontFileKind = 'ttf' | 'otf' | 'woff' | 'woff2' | 'collection';

/** The kind of font file `data` is, from its signature, or null when it is not a font. */
export function sniffFont(data: Uint8Array): FontFileKind | null {
  if (data.length < 12) return null;
  const tag = String.fromCharCode(data[0] ?? 0, data[1] ?? 0, data[2] ?? 0, data[3] ?? 0);
  if (tag === '\x00\x01\x00\x00' || tag === 'true') return 'ttf';
  if (tag === 'OTTO') return 'otf';
  if (tag === 'wOFF') return 'woff';
  if (tag === 'wOF2') return 'woff2';
  if (tag === 'ttcf') return 'collection';
  return null;
}

export class FontFileError extends Error {}

const u16 = (b: Buffer, o: number): number => b.readUInt16BE(o);
const u32 = (b: Buffer, o: number): number => b.readUInt32BE(o);

/** The largest table a WOFF may unpack to: bounds the memory a hostile file can claim. */
const MAX_TABLE_BYTES = 64 * 1024 * 1024;

/** Unwraps WOFF 1.0 (zlib-compressed sfnt tables) into the sfnt it was made from. Throws FontFileError. */
export function woffToSfnt(input: Uint8Array): Buffer {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 44) throw new FontFileError('the WOFF header is cut short');
  const flavor = u32(buf, 4);
  const count = u16(buf, 12);
  if (count === 0 || 44 + count * 20 > buf.length) throw new FontFileError('the WOFF table directory is cut short');
  const tables: { tag: number; checksum: number; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    const o = 44 + i * 20;
    const offset = u32(buf, o + 4);
    const compLength = u32(buf, o + 8);
    const origLength = u32(buf, o + 12);
    if (offset + compLength > buf.length) throw new FontFileError('a WOFF table runs past the end of the file (truncated?)');
    if (origLength > MAX_TABLE_BYTES || compLength > origLength) throw new FontFileError('a WOFF table has impossible sizes');
    const raw = buf.subarray(offset, offset + compLength);
    let data: Buffer;
    try {
      data = compLength < origLength ? inflateSync(raw, { maxOutputLength: origLength }) : Buffer.from(raw);
    } catch {
      throw new FontFileError('a WOFF table does not decompress (corrupt or truncated)');
    }
    if (data.length !== origLength) throw new FontFileError('a WOFF table decompresses to the wrong size');
    tables.push({ tag: u32(buf, o), checksum: u32(buf, o + 16), data });
  }
  const header = Buffer.alloc(12 + count * 16);
  header.writeUInt32BE(flavor, 0);
  header.writeUInt16BE(count, 4);
  let entrySelector = 0;
  while (1 << (entrySelector + 1) <= count) entrySelector++;
  header.writeUInt16BE((1 << entrySelector) * 16, 6);
  header.writeUInt16BE(entrySelector, 8);
  header.writeUInt16BE(count * 16 - (1 << entrySelector) * 16, 10);
  const parts: Buffer[] = [header];
  let offset = header.length;
  tables.forEach((t, i) => {
    const o = 12 + i * 16;
    header.writeUInt32BE(t.tag, o);
    header.writeUInt32BE(t.checksum, o + 4);
    header.writeUInt32BE(offset, o + 8);
    header.writeUInt32BE(t.data.length, o + 12);
    const pad = (4 - (t.data.length % 4)) % 4;
    parts.push(t.data, Buffer.alloc(pad));
    offset += t.data.length + pad;
  });
  return Buffer.concat(parts);
}

/** Reads the sfnt table directory and checks every table lies inside the file. Throws FontFileError. */
export function checkSfntTables(sfnt: Buffer): Set<string> {
  if (sfnt.length < 12) throw new FontFileError('the font header is cut short');
  const count = u16(sfnt, 4);
  if (count === 0 || 12 + count * 16 > sfnt.length) throw new FontFileError('the font table directory is cut short (truncated file?)');
  const tags = new Set<string>();
  for (let i = 0; i < count; i++) {
    const o = 12 + i * 16;
    const tag = sfnt.toString('latin1', o, o + 4);
    const offset = u32(sfnt, o + 8);
    const length = u32(sfnt, o + 12);
    if (offset + length > sfnt.length) throw new FontFileError(`the font's "${tag.trim()}" table runs past the end of the file (truncated?)`);
    tags.add(tag);
  }
  for (const required of ['cmap', 'head', 'hhea', 'hmtx', 'maxp']) {
    if (!tags.has(required)) throw new FontFileError(`the font has no "${required}" table`);
  }
  if (!tags.has('glyf') && !tags.has('CFF ') && !tags.has('CFF2')) throw new FontFileError('the font has no glyph outlines (glyf or CFF table)');
  return tags;
}

/** The largest font a WOFF2 may unpack to (its header says so before anything is decompressed). */
const MAX_SFNT_BYTES = 64 * 1024 * 1024;

/**
 * Unpacks WOFF2 (Brotli-compressed, with transformed glyf/loca tables) into the sfnt it was made
 * from, with Google's reference decoder (wawoff2, WebAssembly). Throws FontFileError.
 */
export async function woff2ToSfnt(input: Uint8Array): Promise<Buffer> {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (buf.length < 48) throw new FontFileError('the WOFF2 header is cut short');
  const declared = u32(buf, 16);
  if (u32(buf, 8) !== buf.length) throw new FontFileError('the WOFF2 file is not the length its header says (truncated?)');
  if (declared > MAX_SFNT_BYTES) throw new FontFileError(`the WOFF2 font unpacks to more than ${MAX_SFNT_BYTES / 1048576} MB`);
  const { decompress } = await import('wawoff2');
  try {
    const out = await decompress(buf);
    return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  } catch {
    throw new FontFileError('the WOFF2 font does not decompress (corrupt or truncated)');
  }
}

/**
 * The sfnt bytes of a font file HarfBuzz can draw with: TTF/OTF as they are, WOFF and WOFF2
 * unpacked. Collections are refused with a reason. Throws FontFileError.
 */
export async function fontFileToSfnt(data: Uint8Array): Promise<Buffer> {
  if (sniffFont(data) !== 'woff2') return fontFileToSfntSync(data);
  const sfnt = await woff2ToSfnt(data);
  checkSfntTables(sfnt);
  return sfnt;
}

/** fontFileToSfnt for TTF, OTF and WOFF (Rowshot's own font files load synchronously). Throws FontFileError. */
export function fontFileToSfntSync(data: Uint8Array): Buffer {
  const kind = sniffFont(data);
  if (kind === null) throw new FontFileError('the file is not a font (expected TTF, OTF, WOFF or WOFF2)');
  if (kind === 'collection') throw new FontFileError('font collections (.ttc) are not supported: upload one TTF or OTF');
  if (kind === 'woff2') throw new FontFileError('a WOFF2 font must be unpacked first (fontFileToSfnt)');
  const sfnt = kind === 'woff' ? woffToSfnt(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  checkSfntTables(sfnt);
  return sfnt;
}
