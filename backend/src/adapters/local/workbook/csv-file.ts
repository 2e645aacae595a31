// CSV as an editable sheet that writes back byte-for-byte: every field keeps the exact text
// it had in the file (quotes, spacing, line endings inside it), every record keeps its own
// line ending (CRLF, LF or CR, even mixed), and the BOM and encoding are kept. Only the
// fields Rowshot writes are re-encoded, so a diff of the file shows just the result cells.
//
// The tokenizer is our own rather than csv-parse because byte-exact write-back needs each
// field's raw span, which csv-parse does not expose (its `raw` option gives one string per
// record, with the record delimiter only partly included). Parsing follows RFC 4180 as
// Excel reads it; the tests check its values against csv-parse on the same input.
import { TextDecoder } from 'node:util';
import { cellToText, formulaSafeText, type CellInput } from '../../../../../shared/index';
import { addressableHeaders, isBlank, WorkbookError, type EditableSheet, type SheetRow } from './workbook';

interface CsvRecord {
  /** Parsed values. */
  values: string[];
  /** The exact text of each field in the file. */
  raws: string[];
  /** The record's own terminator: '\r\n', '\n', '\r', or '' for a last line without one. */
  term: string;
}

type CsvEncoding = 'utf8' | 'utf16le' | 'utf16be' | 'windows-1252';

export interface CsvParseResult {
  records: CsvRecord[];
  delimiter: string;
  bom: boolean;
  encoding: CsvEncoding;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;

const BOMS: Record<Exclude<CsvEncoding, 'windows-1252'>, Buffer> = {
  utf8: Buffer.from([0xef, 0xbb, 0xbf]),
  utf16le: Buffer.from([0xff, 0xfe]),
  utf16be: Buffer.from([0xfe, 0xff]),
};

/**
 * Decodes the file: UTF-8 or UTF-16 (LE or BE), each with or without a BOM; bytes that are not
 * valid UTF-8 mean an Excel "CSV (Comma delimited)" export in Windows-1252, kept in a
 * byte-preserving form. A file that does not decode, holds NUL characters or would not encode
 * back to the same bytes is refused: a file we cannot read faithfully is never rewritten.
 */
function decode(buf: Buffer): { text: string; bom: boolean; encoding: CsvEncoding } {
  if (buf.length === 0) throw new WorkbookError('unsupported', 'is empty (0 bytes); add a header row with a Prompt column and one row per image, then run again');
  const bomEncoding = (['utf8', 'utf16le', 'utf16be'] as const).find((e) => buf.subarray(0, BOMS[e].length).equals(BOMS[e]));
  const encoding: CsvEncoding = bomEncoding ?? sniffUtf16(buf) ?? 'utf8';
  const body = bomEncoding ? buf.subarray(BOMS[bomEncoding].length) : buf;
  let text: string;
  let used: CsvEncoding = encoding;
  try {
    text = decodeAs(body, encoding);
  } catch {
    if (encoding !== 'utf8' || bomEncoding) throw unreadable(`is not valid ${label(encoding)} (it may be truncated or saved in another encoding)`);
    // latin1 maps each byte to one char (U+0000–U+00FF) and back, so untouched fields are
    // written back exactly; values are mapped to Windows-1252 characters when read.
    text = body.toString('latin1');
    used = 'windows-1252';
  }
  if (text.includes('\0')) throw unreadable('holds NUL characters, so it is not a text CSV in an encoding Rowshot reads (UTF-8, UTF-16, Windows-1252)');
  if (!encodeAs(text, used).equals(body)) throw unreadable(`does not read back to the same bytes as ${label(used)}`);
  return { text, bom: bomEncoding !== undefined, encoding: used };
}

const unreadable = (why: string) => new WorkbookError('unsupported', `${why}; save it as "CSV UTF-8" and run again. The file was not changed`);
const label = (e: CsvEncoding): string => ({ utf8: 'UTF-8', utf16le: 'UTF-16 LE', utf16be: 'UTF-16 BE', 'windows-1252': 'Windows-1252' })[e];

/**
 * UTF-16 without a BOM: every ASCII character (delimiters, line ends, Latin text) has a zero
 * byte in its odd (LE) or even (BE) position, which UTF-8 text never has. Checks the first 4 KiB.
 */
function sniffUtf16(buf: Buffer): 'utf16le' | 'utf16be' | null {
  if (buf.length < 2 || buf.length % 2 !== 0) return null;
  const n = Math.min(buf.length, 4096) >> 1;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < n; i++) {
    if (buf[2 * i] === 0) evenZeros++;
    if (buf[2 * i + 1] === 0) oddZeros++;
  }
  // Delimiters and line ends alone give a CSV in any script such zero bytes.
  if (oddZeros > 0 && evenZeros * 10 <= oddZeros) return 'utf16le';
  if (evenZeros > 0 && oddZeros * 10 <= evenZeros) return 'utf16be';
  return null;
}

function decodeAs(body: Buffer, encoding: CsvEncoding): string {
  if (encoding === 'windows-1252') return body.toString('latin1');
  if (encoding === 'utf8') return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  const le = encoding === 'utf16le' ? body : Buffer.from(body).swap16();
  return new TextDecoder('utf-16le', { fatal: true, ignoreBOM: true }).decode(le);
}

function encodeAs(text: string, encoding: CsvEncoding): Buffer {
  if (encoding === 'windows-1252') return Buffer.from(text, 'latin1');
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  const le = Buffer.from(text, 'utf16le');
  return encoding === 'utf16le' ? le : le.swap16();
}

// Windows-1252 bytes 0x80–0x9F (the rest of the code page equals Latin-1). A table rather
// than TextDecoder('windows-1252'): Node 20 decodes that label as plain Latin-1.
const CP1252 = '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f' +
  '\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';
const CP1252_HIGH = /[\u0080-\u009f]/g;
const CP1252_ENCODE = new Map<string, string>([...CP1252].map((ch, i) => [ch, String.fromCharCode(0x80 + i)]));

function fromCp1252(latin1: string): string {
  return latin1.replace(CP1252_HIGH, (c) => CP1252[c.charCodeAt(0) - 0x80]!);
}

/** Our text as a latin1 string of Windows-1252 bytes; characters it lacks become '?'. */
function toCp1252(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code <= 0xff && !(code >= 0x80 && code <= 0x9f)) out += ch;
    else out += CP1252_ENCODE.get(ch) ?? '?';
  }
  return out;
}

/** The delimiter Excel used: ',' unless the header line has more ';' or tabs (European locales). */
function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted && c in counts) counts[c]!++;
  }
  let best = ',';
  for (const d of [';', '\t']) if (counts[d]! > counts[best]!) best = d;
  return best;
}

/**
 * Parses CSV text into records with values and raw field text. Lenient where Excel is: a
 * quote inside an unquoted field is literal, text after a closing quote is appended, rows
 * may have any number of fields. An unclosed quote is an error (the rest of the file would
 * silently become one cell).
 */
export function parseCsvText(text: string, delimiter = ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  const n = text.length;
  const delim = delimiter.charCodeAt(0);
  let i = 0;
  const scanUnquoted = (from: number): number => {
    let k = from;
    while (k < n) {
      const c = text.charCodeAt(k);
      if (c === delim || c === LF || c === CR) break;
      k++;
    }
    return k;
  };
  while (i < n) {
    const values: string[] = [];
    const raws: string[] = [];
    for (;;) {
      const start = i;
      let value: string;
      if (text.charCodeAt(i) === QUOTE) {
        let j = i + 1;
        let segStart = j;
        value = '';
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            throw new WorkbookError('corrupt', `has a quoted field that is never closed (record ${records.length + 1}); fix the stray " and try again`);
          }
          if (text.charCodeAt(q + 1) === QUOTE) {
            value += text.slice(segStart, q + 1);
            j = q + 2;
            segStart = j;
            continue;
          }
          value += text.slice(segStart, q);
          i = q + 1;
          break;
        }
        const end = scanUnquoted(i);
        if (end > i) value += text.slice(i, end);
        i = end;
      } else {
        const end = scanUnquoted(i);
        value = text.slice(i, end);
        i = end;
      }
      values.push(value);
      raws.push(text.slice(start, i));
      if (i < n && text.charCodeAt(i) === delim) {
        i++;
        continue;
      }
      break;
    }
    let term = '';
    if (i < n) {
      term = text.charCodeAt(i) === CR ? (text.charCodeAt(i + 1) === LF ? '\r\n' : '\r') : '\n';
      i += term.length;
    }
    records.push({ values, raws, term });
  }
  return records;
}

export function parseCsv(buf: Buffer): CsvParseResult {
  const { text, bom, encoding } = decode(buf);
  const delimiter = detectDelimiter(text);
  const records = parseCsvText(text, delimiter);
  if (encoding === 'windows-1252') {
    for (const r of records) r.values = r.values.map(fromCp1252);
  }
  return { records, delimiter, bom, encoding };
}

export class CsvSheet implements EditableSheet {
  readonly format = 'csv' as const;
  readonly sheetName = null;
  private readonly records: CsvRecord[];
  private readonly delimiter: string;
  private readonly bom: boolean;
  private readonly encoding: CsvEncoding;
  private width: number;
  private names: string[];
  /** Set once a column was appended: every non-empty record is then padded to the new width. */
  private padAll = false;

  /** Said once to the user when the file is read: how its encoding was guessed. */
  readonly note: string | null;

  constructor(buf: Buffer) {
    const parsed = parseCsv(buf);
    this.note = parsed.encoding === 'windows-1252'
      ? 'is not UTF-8, so it was read as Windows-1252 (Excel\'s "CSV (Comma delimited)") and is written back the same way; if its accents look wrong, save it as "CSV UTF-8"'
      : null;
    this.records = parsed.records;
    this.delimiter = parsed.delimiter;
    this.bom = parsed.bom;
    this.encoding = parsed.encoding;
    // Ragged rows longer than the header get columns too (named `Column H`), so output
    // columns are appended after every value in the file, never on top of one.
    this.width = this.records.reduce((w, r) => Math.max(w, r.values.length), 0);
    if (this.records.length > 0 && this.width === 1 && this.records.every((r) => r.values[0] === '')) this.width = 0;
    this.names = this.computeNames();
  }

  private computeNames(): string[] {
    const header = this.records[0]?.values ?? [];
    return addressableHeaders(Array.from({ length: this.width }, (_, i) => header[i] ?? ''));
  }

  get headers(): readonly string[] {
    return this.names;
  }

  dataRows(): SheetRow[] {
    const rows: SheetRow[] = [];
    for (let i = 1; i < this.records.length; i++) {
      const values = this.records[i]!.values;
      if (values.every((v) => isBlank(v))) continue;
      rows.push({ rowNumber: i + 1, values: values as CellInput[] });
    }
    return rows;
  }

  appendColumn(label: string): number {
    if (this.records.length === 0) this.records.push({ values: [], raws: [], term: '' });
    const col = this.width;
    this.width++;
    this.padAll = true;
    this.setText(1, col, label);
    this.names = this.computeNames();
    return col;
  }

  setText(rowNumber: number, col: number, text: string): void {
    this.setField(rowNumber, col, text, this.encodeField(formulaSafeText(text)));
  }

  setNumber(rowNumber: number, col: number, value: number): void {
    // As a cell reads everywhere else (0.1 + 0.2 → 0.3); NaN or Infinity would be junk in a CSV.
    const text = Number.isFinite(value) ? cellToText(value) : '';
    this.setField(rowNumber, col, text, text);
  }

  private setField(rowNumber: number, col: number, value: string, raw: string): void {
    const record = this.records[rowNumber - 1];
    if (record === undefined) throw new Error(`CSV has no row ${rowNumber}`);
    pad(record, Math.max(col + 1, this.width));
    record.values[col] = value;
    record.raws[col] = raw;
  }

  /** Quotes a field when it holds the delimiter, a quote or a line break (RFC 4180). */
  private encodeField(text: string): string {
    const t = this.encoding === 'windows-1252' ? toCp1252(text) : text;
    if (t.includes(this.delimiter) || /["\r\n]/.test(t)) return `"${t.replace(/"/g, '""')}"`;
    return t;
  }

  async serialize(): Promise<Buffer> {
    const parts: string[] = [];
    for (const r of this.records) {
      // Rows we changed, and after appending columns every row, get a field for every
      // column (empty ones added at the end), so strict CSV readers see a rectangle. Blank
      // lines and the text of existing fields stay exactly as they were.
      if (this.padAll && !r.values.every((v) => isBlank(v))) pad(r, this.width);
      parts.push(r.raws.join(this.delimiter), r.term);
    }
    const body = encodeAs(parts.join(''), this.encoding);
    return this.bom && this.encoding !== 'windows-1252' ? Buffer.concat([BOMS[this.encoding], body]) : body;
  }
}

function pad(record: CsvRecord, width: number): void {
  while (record.values.length < width) {
    record.values.push('');
    record.raws.push('');
  }
}

