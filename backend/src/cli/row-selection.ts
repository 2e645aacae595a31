// Which rows of the file a run submits: those that still need work (not DONE; FAILED only with
// --retry-failed), or every chosen row with --force; only the rows of --rows when given; the
// first --limit of them.
import { FlagError } from './cli-errors';

export interface RowChoice {
  retryFailed: boolean;
  /** Re-render rows even if DONE (or FAILED). */
  force: boolean;
  /** Sheet row numbers (the header is row 1); null: every row. */
  rows: ReadonlySet<number> | null;
  limit: number | null;
}

export interface Selection<R> {
  todo: R[];
  skippedDone: number;
  skippedFailed: number;
  /** Rows that needed work but were left out by --limit. */
  overLimit: number;
}

/** `2-5,9` → {2,3,4,5,9}. Row 1 is the header row, so numbers start at 2. */
export function parseRowsSpec(spec: string): Set<number> {
  const out = new Set<number>();
  for (const part of spec.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) throw new FlagError(`--rows "${spec}": use row numbers and ranges such as 2-5,9`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 2 || to < from) throw new FlagError(`--rows "${spec}": "${part}" is not a range of data rows (row 1 is the header row)`);
    if (to - from > 1_000_000) throw new FlagError(`--rows "${spec}": "${part}" is too long a range`);
    for (let n = from; n <= to; n++) out.add(n);
  }
  return out;
}

export function parseLimit(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new FlagError(`--limit "${text}" must be a whole number of rows, 1 or more`);
  return n;
}

export function parseMaxCost(text: string): number {
  const n = Number(text.replace(/^\$/, ''));
  if (text.trim() === '' || !Number.isFinite(n) || n < 0) throw new FlagError(`--max-cost "${text}" must be an amount in USD, such as 5 or 2.50`);
  return n;
}

export function selectRows<R extends { rowNumber: number }>(rows: readonly R[], statusOf: (row: R) => string, choice: RowChoice): Selection<R> {
  let skippedDone = 0;
  let skippedFailed = 0;
  const needed: R[] = [];
  for (const row of rows) {
    if (choice.rows && !choice.rows.has(row.rowNumber)) continue;
    const s = statusOf(row);
    if (!choice.force && s === 'DONE') skippedDone++;
    else if (!choice.force && s.startsWith('FAILED') && !choice.retryFailed) skippedFailed++;
    else needed.push(row);
  }
  const todo = choice.limit === null ? needed : needed.slice(0, choice.limit);
  return { todo, skippedDone, skippedFailed, overLimit: needed.length - todo.length };
}
