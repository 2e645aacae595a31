// Puts an XMP packet into a PNG (an iTXt chunk, keyword XML:com.adobe.xmp, right after IHDR) or
// a JPEG (an APP1 segment after SOI and any APP0/Exif), and takes it out again. Nothing else in
// the file changes, so taking Rowshot's packet out gives back the image as made, byte for byte:
// that is what the record's outputSha256 is taken over. WebP files are left as they are.
import { inflateSync } from 'node:zlib';
import { readXmpPacket, type EmbeddedProvenance } from './xmp';

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XMP_KEYWORD = 'XML:com.adobe.xmp';
const JPEG_XMP_NS = 'http://ns.adobe.com/xap/1.0/\0';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const b of data) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

interface Span { start: number; end: number; text: string }

/** PNG chunks as [type, start, end) spans; null when the file is not a well-formed PNG. */
function pngChunks(png: Buffer): { type: string; start: number; end: number; dataStart: number; length: number }[] | null {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIG)) return null;
  const out = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > png.length) return null;
    out.push({ type, start: at, end, dataStart: at + 8, length });
    at = end;
    if (type === 'IEND') break;
  }
  return out;
}

/** XMP text chunks: iTXt (as Rowshot writes it, or compressed), and zTXt (as libvips writes it). */
function pngXmpSpans(png: Buffer): Span[] {
  const spans: Span[] = [];
  for (const c of pngChunks(png) ?? []) {
    if (c.type !== 'iTXt' && c.type !== 'zTXt') continue;
    const data = png.subarray(c.dataStart, c.dataStart + c.length);
    const kwEnd = data.indexOf(0);
    if (kwEnd < 0 || data.toString('latin1', 0, kwEnd) !== XMP_KEYWORD) continue;
    try {
      if (c.type === 'zTXt') {
        spans.push({ start: c.start, end: c.end, text: inflateSync(data.subarray(kwEnd + 2)).toString('utf8') });
        continue;
      }
      // compression flag, method, language tag\0, translated keyword\0, then the text.
      const compressed = data[kwEnd + 1] === 1;
      const lang = data.indexOf(0, kwEnd + 3);
      const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
      if (translated < 0) continue;
      const text = data.subarray(translated + 1);
      spans.push({ start: c.start, end: c.end, text: (compressed ? inflateSync(text) : text).toString('utf8') });
    } catch {
      // A damaged chunk is not Rowshot's packet.
    }
  }
  return spans;
}

function jpegXmpSpans(jpg: Buffer): Span[] {
  const spans: Span[] = [];
  if (jpg.length < 4 || jpg[0] !== 0xff || jpg[1] !== 0xd8) return spans;
  let at = 2;
  while (at + 4 <= jpg.length && jpg[at] === 0xff) {
    const marker = jpg[at + 1] as number;
    if (marker === 0xda || marker === 0xd9) break; // start of scan / end: no more metadata segments
    const length = jpg.readUInt16BE(at + 2);
    const end = at + 2 + length;
    if (end > jpg.length) break;
    if (marker === 0xe1 && jpg.toString('latin1', at + 4, at + 4 + JPEG_XMP_NS.length) === JPEG_XMP_NS) {
      spans.push({ start: at, end, text: jpg.toString('utf8', at + 4 + JPEG_XMP_NS.length, end) });
    }
    at = end;
  }
  return spans;
}

/** Where metadata goes in a JPEG: after SOI and any leading APP0 (JFIF) and APP1 (Exif) segments. */
function jpegInsertAt(jpg: Buffer): number {
  let at = 2;
  while (at + 4 <= jpg.length && jpg[at] === 0xff && (jpg[at + 1] === 0xe0 || jpg[at + 1] === 0xe1)) at += 2 + jpg.readUInt16BE(at + 2);
  return at;
}

export function canEmbed(mimeType: string): boolean {
  return mimeType === 'image/png' || mimeType === 'image/jpeg';
}

/** The file with the packet in it; the same bytes for a type Rowshot does not embed into. */
export function embedXmp(data: Buffer, mimeType: string, packet: string): Buffer {
  if (mimeType === 'image/png') {
    const chunks = pngChunks(data);
    const ihdr = chunks?.[0];
    if (!ihdr || ihdr.type !== 'IHDR') throw new Error('not a PNG: no IHDR chunk');
    const body = Buffer.concat([Buffer.from(`${XMP_KEYWORD}\0\0\0\0\0`, 'latin1'), Buffer.from(packet, 'utf8')]);
    return Buffer.concat([data.subarray(0, ihdr.end), pngChunk('iTXt', body), data.subarray(ihdr.end)]);
  }
  if (mimeType === 'image/jpeg') {
    if (data[0] !== 0xff || data[1] !== 0xd8) throw new Error('not a JPEG: no SOI marker');
    const payload = Buffer.concat([Buffer.from(JPEG_XMP_NS, 'latin1'), Buffer.from(packet, 'utf8')]);
    if (payload.length + 2 > 0xffff) throw new Error('XMP packet too large for one JPEG segment');
    const head = Buffer.from([0xff, 0xe1, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    const at = jpegInsertAt(data);
    return Buffer.concat([data.subarray(0, at), head, payload, data.subarray(at)]);
  }
  return data;
}

/** Rowshot's packet in the file, and the file without it (the image as made). */
export function extractProvenance(data: Buffer): { embedded: EmbeddedProvenance; stripped: Buffer } | null {
  const spans = data[0] === 0x89 ? pngXmpSpans(data) : jpegXmpSpans(data);
  for (const s of spans) {
    const embedded = readXmpPacket(s.text);
    if (embedded) return { embedded, stripped: Buffer.concat([data.subarray(0, s.start), data.subarray(s.end)]) };
  }
  return null;
}
