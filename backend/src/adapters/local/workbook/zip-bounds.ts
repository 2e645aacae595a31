// A zip (xlsx) is checked from its central directory before anything is inflated, so a small
// file that inflates to gigabytes (a decompression bomb) is refused in milliseconds instead of
// taking the process's memory. The declared sizes are what fflate allocates and inflates into,
// so bounding them bounds the work.
import { WorkbookError } from './workbook';

export interface ZipLimits {
  /** Entries in the archive. */
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxTotalBytes: number;
  /** Uncompressed ÷ compressed size of one entry, for entries above 1 MiB. */
  maxRatio: number;
}

// A real workbook with 10,000 embedded thumbnails has about 20,000 entries and 300 MB inside;
// sheet XML compresses 10–50×. Bombs reach 1,000× and more.
export const XLSX_LIMITS: ZipLimits = { maxEntries: 100_000, maxTotalBytes: 1024 * 1024 * 1024, maxRatio: 200 };

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const MIB = 1024 * 1024;

/** Throws a WorkbookError ('corrupt' or 'unsupported') naming what is over the bound. */
export function assertZipWithinBounds(buf: Buffer, limits: ZipLimits = XLSX_LIMITS): void {
  // The end-of-central-directory record is in the last 22 + 65,535 bytes (its comment).
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new WorkbookError('corrupt', 'is not a complete .xlsx workbook (it may be truncated or still being saved)');
  const entries = buf.readUInt16LE(eocd + 10);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (entries === 0xffff || cdOffset === 0xffffffff) throw new WorkbookError('unsupported', 'is a ZIP64 archive, larger than a workbook Rowshot reads');
  if (entries > limits.maxEntries) throw tooBig(`${entries} parts (the limit is ${limits.maxEntries})`);
  let p = cdOffset;
  let total = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL) throw new WorkbookError('corrupt', 'is not a valid .xlsx workbook (its zip directory is damaged or truncated)');
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    if (compressed === 0xffffffff || size === 0xffffffff) throw new WorkbookError('unsupported', 'is a ZIP64 archive, larger than a workbook Rowshot reads');
    total += size;
    if (total > limits.maxTotalBytes) throw tooBig(`more than ${Math.round(limits.maxTotalBytes / MIB)} MB when unpacked`);
    if (size > MIB && size > compressed * limits.maxRatio) {
      const name = buf.toString('utf8', p + 46, p + 46 + buf.readUInt16LE(p + 28));
      throw tooBig(`part ${JSON.stringify(name)} unpacks ${Math.round(size / Math.max(1, compressed))}× its packed size (a zip bomb?)`);
    }
    p += 46 + buf.readUInt16LE(p + 28) + buf.readUInt16LE(p + 30) + buf.readUInt16LE(p + 32);
  }
}

const tooBig = (what: string) => new WorkbookError('unsupported', `is too large to read safely: ${what}; split it into smaller workbooks`);
