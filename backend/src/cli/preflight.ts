// The CLI's pre-flight, before the file is prepared or anything submitted: the file is read
// (never written) and its headers must give a Prompt column; look-alike columns are warned about.
import { constants as fsConstants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import nodePath from 'node:path';
import { CLI_MAP_HINT, preflightHeaders, type ColumnMapping } from '../../../shared/index';
import { readWorkbook } from '../adapters/local/workbook/read-workbook';
import type { WorkbookTable } from '../adapters/local/workbook/workbook';
import { RunRefused } from './cli-errors';

/** The file as read (for --dry-run, which goes no further). */
export async function preflightFile(file: string, sheet: string | undefined, columns: ColumnMapping, warn: (line: string) => void): Promise<WorkbookTable> {
  const table = await readWorkbook(file, sheet ? { sheet } : {});
  if (table.note) warn(`Note: ${path(file)} ${table.note}`);
  const result = preflightHeaders(table.headers, columns, CLI_MAP_HINT);
  // A refusal is one message; warnings only come with a run that goes ahead.
  if (!result.ok) throw new RunRefused(`${path(file)}: ${result.message}`);
  for (const w of result.warnings) warn(`Warning: ${w.message}`);
  return table;
}

const path = (file: string): string => file.split(/[\\/]/).pop() ?? file;

/**
 * The run will rewrite the file (temp file and rename in its folder), so it must be a file we
 * may write: a read-only (0444) or immutable file, or a read-only folder, refuses the run here
 * with the file untouched. Mode bits are checked too: root may write anything, but a file
 * marked read-only was marked so on purpose.
 */
export async function assertWritableFile(file: string): Promise<void> {
  const name = nodePath.basename(file);
  const st = await stat(file);
  if (st.isDirectory()) throw new RunRefused(`${name} is a folder, not a file; give the path of a .csv or .xlsx file`);
  if ((st.mode & 0o222) === 0) throw new RunRefused(`${name} is read-only, so results could not be written; make it writable (chmod u+w) or copy it, then run again. Nothing was changed`);
  for (const [p, what] of [[file, name], [nodePath.dirname(file), `the folder of ${name}`]] as const) {
    try {
      await access(p, fsConstants.W_OK);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new RunRefused(`${what} cannot be written (${code === 'EROFS' ? 'read-only file system' : code === 'EPERM' ? 'the file is immutable or locked' : 'permission denied'}), so results could not be written; nothing was changed`);
    }
  }
}
