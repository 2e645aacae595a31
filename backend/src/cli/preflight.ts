// The CLI's pre-flight, before the file is prepared or anything submitted: the file is read
// (never written) and its headers must give a Prompt column; look-alike columns are warned about.
import { CLI_MAP_HINT, preflightHeaders, type ColumnMapping } from '../../../shared/index';
import { readWorkbook } from '../adapters/local/workbook/read-workbook';
import type { WorkbookTable } from '../adapters/local/workbook/workbook';
import { RunRefused } from './cli-errors';

/** The file as read (for --dry-run, which goes no further). */
export async function preflightFile(file: string, sheet: string | undefined, columns: ColumnMapping, warn: (line: string) => void): Promise<WorkbookTable> {
  const table = await readWorkbook(file, sheet ? { sheet } : {});
  const result = preflightHeaders(table.headers, columns, CLI_MAP_HINT);
  // A refusal is one message; warnings only come with a run that goes ahead.
  if (!result.ok) throw new RunRefused(`${path(file)}: ${result.message}`);
  for (const w of result.warnings) warn(`Warning: ${w.message}`);
  return table;
}

const path = (file: string): string => file.split(/[\\/]/).pop() ?? file;
