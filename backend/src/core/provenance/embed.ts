// Puts an XMP packet into a PNG (an iTXt chunk, keyword XML:com.adobe.xmp, right after IHDR) or
// a JPEG (an APP1 segment after SOI and any APP0/Exif), and takes it out again, together with
// Rowshot's C2PA manifest store (a PNG caBX chunk before the first IDAT; JPEG APP11 JUMBF
// segments after APP0), which the Content Credentials adapter adds after the XMP. Nothing else
// in the file changes, so taking Rowshot's packet and manifest out gives back the image as made,
// byte for byte: that is what the record's outputSha256 is taken over. WebP files are left as
// they are.
import { inflateSync } from 'node:zlib';
import { readXmpPacket, type EmbeddedProvenance } from './xmp';

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XMP_KEYWORD = 'XML:com.adobe.xmp';
const JPEG_XMP_NS = 'http://ns.adobe.com/xap/1.0/\0';
/** The label of Rowshot's own assertion: a manifest store holding it is Rowshot's. */
const ROWSHOT_ASSERTION = Buffer.from('com.rowshot.provenance', 'latin1');

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

interface ManifestStore {
  /** The chunk or segments that hold it. */
  spans: { start: number; end: number }[];
  /** It holds Rowshot's `com.rowshot.provenance` assertion. */
  rowshot: boolean;
}

/** C2PA manifest stores in a PNG (caBX chunks) or a JPEG (APP11 JPEG XT segments of a `c2pa` JUMBF box, by box instance). */
function manifestStores(data: Buffer): ManifestStore[] {
  if (data[0] === 0x89) {
    return (pngChunks(data) ?? [])
      .filter((c) => c.type === 'caBX')
      .map((c) => ({ spans: [{ start: c.start, end: c.end }], rowshot: data.subarray(c.dataStart, c.dataStart + c.length).includes(ROWSHOT_ASSERTION) }));
  }
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) return [];
  // APP11 payload: "JP", box instance (2 bytes), sequence number (4), then the JUMBF box: its
  // header (LBox, TBox "jumb") first, repeated in every continuation segment.
  const groups = new Map<number, { spans: { start: number; end: number }[]; parts: Buffer[]; c2pa: boolean }>();
  let at = 2;
  while (at + 4 <= data.length && data[at] === 0xff) {
    const marker = data[at + 1] as number;
    if (marker === 0xda || marker === 0xd9) break;
    const end = at + 2 + data.readUInt16BE(at + 2);
    if (end > data.length) break;
    const p = at + 4;
    if (marker === 0xeb && end - p >= 16 && data.toString('latin1', p, p + 2) === 'JP' && data.toString('latin1', p + 12, p + 16) === 'jumb') {
      const instance = data.readUInt16BE(p + 2);
      const first = data.readUInt32BE(p + 4) === 1;
      const group = groups.get(instance) ?? { spans: [], parts: [], c2pa: false };
      groups.set(instance, group);
      if (first) group.c2pa = end - p >= 28 && data.toString('latin1', p + 20, p + 24) === 'jumd' && data.toString('latin1', p + 24, p + 28) === 'c2pa';
      group.spans.push({ start: at, end });
      group.parts.push(data.subarray(first ? p + 8 : p + 16, end));
    }
    at = end;
  }
  return [...groups.values()].filter((g) => g.c2pa).map((g) => ({ spans: g.spans, rowshot: Buffer.concat(g.parts).includes(ROWSHOT_ASSERTION) }));
}

/** Whether the file carries a C2PA manifest store at all (Rowshot's or anyone's). */
export function hasC2paManifest(data: Buffer): boolean {
  return manifestStores(data).length > 0;
}

/** Whether the file carries Rowshot's C2PA manifest store (by its assertion's label; its signature is a C2PA reader's to check). */
export function hasRowshotC2paManifest(data: Buffer): boolean {
  return manifestStores(data).some((s) => s.rowshot);
}

function without(data: Buffer, spans: { start: number; end: number }[]): Buffer {
  if (spans.length === 0) return data;
  const parts: Buffer[] = [];
  let at = 0;
  for (const s of [...spans].sort((a, b) => a.start - b.start)) {
    parts.push(data.subarray(at, s.start));
    at = s.end;
  }
  parts.push(data.subarray(at));
  return Buffer.concat(parts);
}

/** The file without Rowshot's C2PA manifest store (the same bytes when it has none). Another signer's manifest stays. */
export function withoutRowshotC2pa(data: Buffer): Buffer {
  return without(data, manifestStores(data).filter((s) => s.rowshot).flatMap((s) => s.spans));
}

/** Rowshot's packet in the file, and the file without it and without Rowshot's C2PA manifest (the image as made). */
export function extractProvenance(data: Buffer): { embedded: EmbeddedProvenance; stripped: Buffer } | null {
  const spans = data[0] === 0x89 ? pngXmpSpans(data) : jpegXmpSpans(data);
  for (const s of spans) {
    const embedded = readXmpPacket(s.text);
    if (!embedded) continue;
    const c2pa = manifestStores(data).filter((m) => m.rowshot).flatMap((m) => m.spans);
    return { embedded, stripped: without(data, [s, ...c2pa]) };
  }
  return null;
}
