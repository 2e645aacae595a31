// Opening a workbook file (CSV or XLSX) as an EditableSheet, reading it as a table, and the
// read–modify–write cycle every writer uses: per-path lock, one read, optimistic check that
// nobody changed the file meanwhile, one atomic write.
import { open, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { atomicWriteFile, removeStaleTemps, withPathLock } from './atomic-write';
import { CsvSheet } from './csv-file';
import { fsError, tableFromSheet, WorkbookError, type EditableSheet, type WorkbookFormat, type WorkbookTable } from './workbook';
import { XlsxSheet } from './xlsx-file';

export interface ReadWorkbookOptions {
  /** Worksheet name (xlsx; matched exactly, then ignoring case). Default: the first visible sheet. */
  sheet?: string;
}

export function workbookFormat(file: string): WorkbookFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.xlsx') return 'xlsx';
  const hint = ext === '.xls' || ext === '.xlsm' || ext === '.ods' || ext === '.numbers' ? ' (save it as .xlsx)' : '';
  throw new WorkbookError('unsupported', `"${path.basename(file)}" is not a .csv or .xlsx file${hint}`);
}

/** Parses file bytes; errors name the file. `readOnly` sheets load faster but cannot be written. */
export async function loadSheet(buf: Buffer, file: string, options: ReadWorkbookOptions = {}, readOnly = false): Promise<EditableSheet> {
  const format = workbookFormat(file);
  try {
    return format === 'csv' ? new CsvSheet(buf) : await XlsxSheet.load(buf, options.sheet, { readOnly });
  } catch (err) {
    if (err instanceof WorkbookError) {
      throw new WorkbookError(err.code, `"${path.basename(file)}" ${err.message}`, err.kind, { cause: err });
    }
    throw new WorkbookError('corrupt', `"${path.basename(file)}" could not be read (${err instanceof Error ? err.message : String(err)})`, 'permanent', { cause: err });
  }
}

/** Identifies one version of a file, to notice another program replacing it mid-cycle. */
interface FileStamp {
  ino: number;
  size: number;
  mtimeMs: number;
  mode: number;
}

async function readWithStamp(file: string): Promise<{ buf: Buffer; stamp: FileStamp }> {
  const label = `"${path.basename(file)}"`;
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    throw fsError(err, label);
  }
  try {
    const st = await fh.stat();
    if (st.isDirectory()) throw new WorkbookError('unsupported', `${label} is a folder, not a file`);
    const buf = await fh.readFile();
    return { buf, stamp: { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o777 } };
  } catch (err) {
    throw fsError(err, label);
  } finally {
    await fh.close();
  }
}

async function unchanged(file: string, stamp: FileStamp): Promise<boolean> {
  try {
    const st = await stat(file);
    return st.ino === stamp.ino && st.size === stamp.size && st.mtimeMs === stamp.mtimeMs;
  } catch {
    return false;
  }
}

/** Reads a .csv or .xlsx file: the first row holds the headers. */
export async function readWorkbook(file: string, options: ReadWorkbookOptions = {}): Promise<WorkbookTable> {
  workbookFormat(file);
  const { buf } = await readWithStamp(file);
  return tableFromSheet(file, await loadSheet(buf, file, options, true));
}

/** The real path of an existing file (symlinks and `..` resolved). */
export async function realFile(file: string): Promise<string> {
  try {
    return await realpath(path.resolve(file));
  } catch (err) {
    throw fsError(err, `"${path.basename(file)}"`);
  }
}

export interface EditResult<T> {
  result: T;
  /** False: nothing to write. */
  changed: boolean;
}

const MAX_ATTEMPTS = 3;

/**
 * Read–modify–write of one sheet. Runs under the in-process lock for the file's real path,
 * reads the file once per attempt, and writes it once, atomically. If another program
 * replaced the file between our read and our write, the cycle starts again from a fresh read
 * (up to three times), so its changes are not overwritten by our stale copy. `edit` may run
 * more than once and must be idempotent.
 */
export async function editWorkbook<T>(file: string, options: ReadWorkbookOptions, edit: (sheet: EditableSheet) => Promise<EditResult<T>>): Promise<T> {
  workbookFormat(file);
  const real = await realFile(file);
  return withPathLock(real, async () => {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { buf, stamp } = await readWithStamp(real);
      const sheet = await loadSheet(buf, real, options);
      const { result, changed } = await edit(sheet);
      if (!changed) return result;
      const out = await sheet.serialize();
      if (!(await unchanged(real, stamp))) continue;
      try {
        await atomicWriteFile(real, out, { mode: stamp.mode });
      } catch (err) {
        throw fsError(err, `"${path.basename(file)}"`);
      }
      await removeStaleTemps(real);
      return result;
    }
    throw new WorkbookError('locked', `"${path.basename(file)}" kept changing while results were being written; will try again`, 'transient');
  });
}
