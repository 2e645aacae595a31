// XLSX as an editable sheet, through exceljs: the whole workbook is loaded and written
// back, so other sheets, styles, column widths, merged cells, tables, comments, validations
// and pictures survive. (exceljs drops what it does not model, e.g. charts and pivot tables.)
// Picture bytes bypass exceljs for speed (xlsx-zip.ts). Strings we write are always plain
// string cells, never formulas.
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { assertZipWithinBounds } from './zip-bounds';
import sharp from 'sharp';
import { cellToText, type CellInput } from '../../../../../shared/index';
import { attachPlaceholders, repackXlsx, stripMedia, type StrippedXlsx } from './xlsx-zip';
import { addressableHeaders, isBlank, WorkbookError, type EditableSheet, type SheetRow } from './workbook';

export interface EmbedImage {
  buffer: Buffer;
  extension: 'png' | 'jpeg' | 'gif';
  /** Display size in pixels. */
  width: number;
  height: number;
}

/** Row height for rows with an embedded thumbnail: 96 px = 72 pt. */
export const IMAGE_ROW_HEIGHT_PX = 96;
const IMAGE_ROW_HEIGHT_PT = (IMAGE_ROW_HEIGHT_PX * 3) / 4;
/** Column width (in characters) that fits a 96 px square: Excel shows ≈ 7 px per character + 5. */
const IMAGE_COLUMN_WIDTH = 13.3;
const EMU_PER_PX = 9525;

/** Widths for the output columns we add, so results are readable without resizing. */
const NEW_COLUMN_WIDTHS: Record<string, number> = {
  'Row ID': 15,
  Status: 22,
  Image: IMAGE_COLUMN_WIDTH,
  'Image URL': 48,
  'Thumbnail URL': 48,
  Error: 40,
  Provider: 14,
  'Cost (USD)': 11,
  'Batch ID': 20,
  'Updated at': 25,
};

// exceljs keeps a worksheet's images in a private `_media` array and the workbook's image
// files in `media`; neither is typed, but both are needed to replace an embedded image.
interface SheetMedium {
  type: 'image' | 'background';
  imageId: number;
  range?: { tl: { nativeCol: number; nativeRow: number } };
}
interface BookMedium {
  type: string;
  name?: string;
  buffer?: Buffer | null;
  base64?: string;
  filename?: string;
  extension?: string;
}
const sheetMedia = (ws: ExcelJS.Worksheet): SheetMedium[] => (ws as unknown as { _media: SheetMedium[] })._media;
const bookMedia = (wb: ExcelJS.Workbook): { media: BookMedium[] } => wb as unknown as { media: BookMedium[] };

/** A cell's value as Rowshot reads it: rich text and hyperlinks as their text, formulas as their cached result. */
export function toCellInput(value: ExcelJS.CellValue | undefined): CellInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return isoDate(value);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      const result = (value as { result?: unknown }).result;
      return result === undefined ? null : toCellInput(result as ExcelJS.CellValue);
    }
    if ('error' in value) return value.error;
    if ('hyperlink' in value) return toCellInput((value as { text?: ExcelJS.CellValue }).text ?? value.hyperlink);
  }
  return null;
}

/**
 * Excel dates have no time zone; exceljs reads them as UTC. A date without a time reads as
 * `2024-05-01`, a date with a time as a full ISO string (`2024-05-01T09:30:00.000Z`).
 */
function isoDate(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
}

function sniffOrThrow(buf: Buffer): void {
  if (buf.length >= 4 && buf.readUInt32BE(0) === 0xd0cf11e0) {
    throw new WorkbookError('unsupported', 'is password-protected or an old .xls file; save it as an unprotected .xlsx workbook');
  }
  if (buf.length < 4 || buf[0] !== 0x50 || buf[1] !== 0x4b) {
    throw new WorkbookError('corrupt', 'is not a valid .xlsx workbook (it may be damaged or still being saved)');
  }
  assertZipWithinBounds(buf);
}

export class XlsxSheet implements EditableSheet {
  readonly format = 'xlsx' as const;
  private names: string[] = [];
  private width = 0;
  private rows: SheetRow[] = [];
  private mediaByHash: Map<string, number> | undefined;

  private constructor(
    private readonly wb: ExcelJS.Workbook,
    private readonly ws: ExcelJS.Worksheet,
    /** Image bytes held back from exceljs (see xlsx-zip.ts), restored on write. */
    private readonly media: ReadonlyMap<string, Uint8Array>,
    private readonly readOnly: boolean,
  ) {
    this.scan();
  }

  /** `readOnly`: pictures are not loaded at all (faster) and `serialize` refuses. */
  static async load(buf: Buffer, sheet?: string, options: { readOnly?: boolean } = {}): Promise<XlsxSheet> {
    sniffOrThrow(buf);
    const wb = new ExcelJS.Workbook();
    let stripped: StrippedXlsx;
    try {
      stripped = stripMedia(buf, { drop: options.readOnly === true });
      await wb.xlsx.load(stripped.zip as unknown as ArrayBuffer);
    } catch (err) {
      throw new WorkbookError('corrupt', `could not be opened as an .xlsx workbook (${err instanceof Error ? err.message : String(err)})`, 'permanent', { cause: err });
    }
    const media = attachPlaceholders(bookMedia(wb).media, stripped.originals);
    const ws = pickSheet(wb, sheet);
    return new XlsxSheet(wb, ws, media, options.readOnly === true);
  }

  get sheetName(): string {
    return this.ws.name;
  }

  get headers(): readonly string[] {
    return this.names;
  }

  /** Reads every value once; cells hidden under a merge (not its top-left) read as empty. */
  private scan(): void {
    const byRow: { rowNumber: number; values: CellInput[] }[] = [];
    let width = 0;
    this.ws.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      const values: CellInput[] = [];
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        if (cell.type === ExcelJS.ValueType.Merge) return;
        const v = toCellInput(cell.value);
        if (isBlank(v)) return;
        values[col - 1] = v;
        if (col > width) width = col;
      });
      byRow.push({ rowNumber, values });
    });
    const header = byRow.find((r) => r.rowNumber === 1)?.values ?? [];
    this.width = width;
    this.names = addressableHeaders(Array.from({ length: width }, (_, i) => cellToText(header[i] ?? null)));
    this.rows = byRow
      .filter((r) => r.rowNumber > 1 && r.values.some((v) => !isBlank(v ?? null)))
      .map((r) => ({ rowNumber: r.rowNumber, values: Array.from({ length: width }, (_, i) => r.values[i] ?? null) }));
  }

  dataRows(): SheetRow[] {
    return this.rows;
  }

  appendColumn(label: string): number {
    const col = this.width;
    this.width++;
    const cell = this.ws.getCell(1, col + 1);
    cell.value = label;
    // The new header cell looks like its neighbour (bold, fill, border…).
    if (col > 0) cell.style = { ...this.ws.getCell(1, col).style };
    const column = this.ws.getColumn(col + 1);
    if (!column.width) column.width = NEW_COLUMN_WIDTHS[label] ?? 16;
    this.names = addressableHeaders([...this.names.slice(0, col), label]);
    return col;
  }

  setText(rowNumber: number, col: number, text: string): void {
    const cell = this.ws.getCell(rowNumber, col + 1);
    // A JS string is always stored as a string cell; exceljs only writes a formula for a
    // `{ formula }` object, so text like "=HYPERLINK(...)" can never run.
    cell.value = text === '' ? null : text;
    if (text.includes('\n')) {
      // A fresh style object: exceljs may share one between cells with the same style.
      cell.style = { ...cell.style, alignment: { ...cell.style.alignment, wrapText: true, vertical: cell.style.alignment?.vertical ?? 'top' } };
    }
  }

  setNumber(rowNumber: number, col: number, value: number): void {
    this.ws.getCell(rowNumber, col + 1).value = value;
  }

  /**
   * Replaces the picture in a cell: any image anchored there is removed (so re-running a
   * batch never stacks images), then `image`, if any, is placed centred in the cell, moving
   * with it (one-cell anchor). The row is made at least 96 px tall.
   */
  setImage(rowNumber: number, col: number, image: EmbedImage | null): void {
    const media = sheetMedia(this.ws);
    for (let i = media.length - 1; i >= 0; i--) {
      const m = media[i]!;
      if (m.type === 'image' && m.range?.tl.nativeCol === col && m.range.tl.nativeRow === rowNumber - 1) media.splice(i, 1);
    }
    if (image === null) return;
    const row = this.ws.getRow(rowNumber);
    if (!row.height || row.height < IMAGE_ROW_HEIGHT_PT) row.height = IMAGE_ROW_HEIGHT_PT;
    const column = this.ws.getColumn(col + 1);
    if (!column.width || column.width < IMAGE_COLUMN_WIDTH) column.width = IMAGE_COLUMN_WIDTH;
    const cellWidthPx = Math.round(column.width * 7 + 5);
    const cellHeightPx = Math.round((row.height * 4) / 3);
    const id = this.mediaId(image);
    const range = {
      tl: {
        nativeCol: col,
        nativeColOff: Math.max(0, Math.floor((cellWidthPx - image.width) / 2)) * EMU_PER_PX,
        nativeRow: rowNumber - 1,
        nativeRowOff: Math.max(0, Math.floor((cellHeightPx - image.height) / 2)) * EMU_PER_PX,
      },
      ext: { width: image.width, height: image.height },
      editAs: 'oneCell',
    };
    this.ws.addImage(id, range as unknown as Parameters<ExcelJS.Worksheet['addImage']>[1]);
  }

  /** The workbook image id for these bytes, reusing an identical image already stored. */
  private mediaId(image: EmbedImage): number {
    const book = bookMedia(this.wb);
    if (this.mediaByHash === undefined) {
      this.mediaByHash = new Map();
      book.media.forEach((m, i) => {
        // Loaded images are placeholders here; hash the bytes they stand for.
        const original = m.buffer && m.buffer.length < 256 ? this.media.get(m.buffer.toString('latin1')) : undefined;
        const bytes = original === undefined ? m.buffer : Buffer.from(original.buffer, original.byteOffset, original.byteLength);
        if (m.type === 'image' && bytes) this.mediaByHash!.set(`${m.extension}:${hash(bytes)}`, i);
      });
    }
    const key = `${image.extension}:${hash(image.buffer)}`;
    const existing = this.mediaByHash.get(key);
    if (existing !== undefined) return existing;
    const id = this.wb.addImage({ buffer: image.buffer as unknown as ExcelJS.Buffer, extension: image.extension });
    this.mediaByHash.set(key, id);
    return id;
  }

  /** Drops image files no sheet shows any more, so rewrites do not grow the file. */
  private pruneMedia(): void {
    const book = bookMedia(this.wb);
    const remap = new Map<number, number>();
    const kept: BookMedium[] = [];
    for (const ws of this.wb.worksheets) {
      for (const m of sheetMedia(ws)) {
        let id = remap.get(m.imageId);
        if (id === undefined) {
          const medium = book.media[m.imageId];
          if (medium === undefined) continue;
          id = kept.length;
          kept.push(medium);
          remap.set(m.imageId, id);
        }
        m.imageId = id;
      }
    }
    book.media = kept;
    this.mediaByHash = undefined;
  }

  async serialize(): Promise<Buffer> {
    // Opened without its pictures: writing it would delete them.
    if (this.readOnly) throw new Error('this workbook was opened read-only');
    this.pruneMedia();
    // Uncompressed first, then re-packed with the original images (see xlsx-zip.ts).
    const stored = await this.wb.xlsx.writeBuffer({ zip: { compression: 'STORE' } });
    return repackXlsx(new Uint8Array(stored as ArrayBuffer), this.media);
  }
}

function hash(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('hex');
}

function pickSheet(wb: ExcelJS.Workbook, name: string | undefined): ExcelJS.Worksheet {
  const sheets = wb.worksheets;
  if (name !== undefined && name !== '') {
    const ws = wb.getWorksheet(name) ?? sheets.find((s) => s.name.trim().toLowerCase() === name.trim().toLowerCase());
    if (ws === undefined) {
      throw new WorkbookError('sheet_not_found', `has no sheet named "${name}"; its sheets are ${sheets.map((s) => `"${s.name}"`).join(', ') || 'none'}`);
    }
    return ws;
  }
  const ws = sheets.find((s) => s.state === 'visible') ?? sheets[0];
  if (ws === undefined) throw new WorkbookError('corrupt', 'has no worksheets');
  return ws;
}

/** Largest side of the picture shown in a cell, leaving a small margin in the 96 px row. */
const EMBED_BOX_PX = 88;
/** PNG/JPEG/GIF thumbnails up to this size are embedded as they are (Rowshot's are 256 px). */
const EMBED_AS_IS_PX = 256;
const EMBED_AS_IS_BYTES = 128 * 1024;

/**
 * Prepares a thumbnail for embedding. Excel shows PNG, JPEG and GIF only: Rowshot's own
 * thumbnails (≤ 256 px JPEG) are embedded untouched, with their size read from the header
 * (decoding each one with sharp cost ~3 ms a row). Other formats (WebP with transparency,
 * AVIF…) and large images are converted and shrunk to 2× the display size. Null when the
 * bytes are not an image.
 */
export async function embeddableThumbnail(buf: Buffer): Promise<EmbedImage | null> {
  const display = (w: number, h: number) => {
    const scale = Math.min(1, EMBED_BOX_PX / Math.max(w, h));
    return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
  };
  const header = imageHeader(buf);
  if (header !== null && Math.max(header.width, header.height) <= EMBED_AS_IS_PX && buf.length <= EMBED_AS_IS_BYTES) {
    return { buffer: buf, extension: header.format, ...display(header.width, header.height) };
  }
  try {
    const meta = await sharp(buf).metadata();
    if (!meta.width || !meta.height) return null;
    const alpha = meta.hasAlpha === true;
    const resized = sharp(buf).rotate().resize({ width: EMBED_BOX_PX * 2, height: EMBED_BOX_PX * 2, fit: 'inside', withoutEnlargement: true });
    const { data, info } = await (alpha ? resized.png({ compressionLevel: 9 }) : resized.jpeg({ quality: 80 })).toBuffer({ resolveWithObject: true });
    return { buffer: data, extension: alpha ? 'png' : 'jpeg', ...display(info.width, info.height) };
  } catch {
    return null;
  }
}

/** Format and pixel size of a PNG, JPEG or GIF from its header; null for anything else. */
export function imageHeader(buf: Buffer): { format: 'png' | 'jpeg' | 'gif'; width: number; height: number } | null {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47 && buf.toString('latin1', 12, 16) === 'IHDR') {
    return { format: 'png', width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  }
  if (buf.length >= 10 && buf.toString('latin1', 0, 4) === 'GIF8') {
    return { format: 'gif', width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  }
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let pos = 2;
    while (pos + 4 <= buf.length) {
      if (buf[pos] !== 0xff) return null;
      const marker = buf[pos + 1]!;
      if (marker === 0xff) {
        pos++; // fill byte
        continue;
      }
      if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
        pos += 2; // markers without a length
        continue;
      }
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) {
        if (pos + 9 > buf.length) return null;
        const height = buf.readUInt16BE(pos + 5);
        const width = buf.readUInt16BE(pos + 7);
        return width > 0 && height > 0 ? { format: 'jpeg', width, height } : null;
      }
      pos += 2 + buf.readUInt16BE(pos + 2);
    }
  }
  return null;
}
