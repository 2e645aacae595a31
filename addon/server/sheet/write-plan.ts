// Writing results into rows found by Row ID. The rows to change are compared with what the
// sheet shows (values, and formulas so IMAGE cells are seen), then each run of adjacent output
// columns is written as ONE rectangle from the first to the last changed row; rows in between
// get back exactly what they held (their formulas included). So the Sheet calls do not grow
// with the number of rows, and a sync that changes nothing writes nothing.
import { ON_DEMAND_OUTPUTS, OUTPUT_ORDER, type OutputField, type ResultCell } from '../../../shared/index';
import type { CellValue } from '../services/ports';
import { cellShows, keptCellValue, resultCellValue } from './cell-text';
import { columnOf, type SheetData } from './read-sheet';
import { span } from './row-ids';

export interface RowUpdate {
  /** 0-based index into the sheet's values. */
  index: number;
  cells: Partial<Record<OutputField, ResultCell>>;
}

export interface PlannedWrite {
  /** 1-based, as SheetPort.write takes them. */
  row: number;
  column: number;
  values: CellValue[][];
}

export interface WritePlan {
  writes: PlannedWrite[];
  /** Rows whose cells change. */
  changed: number;
}

/** Output columns written by results (never Row ID), by 0-based column. */
function resultColumns(data: SheetData): { field: OutputField; column: number }[] {
  const used = new Set<number>();
  const out: { field: OutputField; column: number }[] = [];
  // Review columns count only where the sheet has them (columnOf answers -1 otherwise).
  for (const field of [...OUTPUT_ORDER, ...ON_DEMAND_OUTPUTS]) {
    const column = columnOf(data, field);
    if (field === 'rowId' || column < 0 || used.has(column) || column === columnOf(data, 'rowId')) continue;
    used.add(column);
    out.push({ field, column });
  }
  return out.sort((a, b) => a.column - b.column);
}

/** The block `readFormulas` must cover for these updates: rows and columns spanned, or null. */
export function formulaBlock(data: SheetData, updates: readonly RowUpdate[]): { row: number; column: number; numRows: number; numColumns: number } | null {
  const cols = resultColumns(data);
  if (updates.length === 0 || cols.length === 0) return null;
  const [first, last] = span(updates.map((u) => u.index));
  const left = cols[0]!.column;
  const right = cols[cols.length - 1]!.column;
  return { row: first + 1, column: left + 1, numRows: last - first + 1, numColumns: right - left + 1 };
}

/**
 * `formulas` is what readFormulas returned for `formulaBlock(data, updates)`. One update per
 * row (one batch's results).
 */
export function planWrites(data: SheetData, updates: readonly RowUpdate[], formulas: readonly (readonly string[])[]): WritePlan {
  const block = formulaBlock(data, updates);
  if (block === null) return { writes: [], changed: 0 };
  const cols = resultColumns(data);
  const formulaAt = (index: number, column: number): string => formulas[index - (block.row - 1)]?.[column - (block.column - 1)] ?? '';

  const next = new Map<number, Map<number, CellValue>>();
  for (const u of updates) {
    const row = data.values[u.index] ?? [];
    for (const { field, column } of cols) {
      const cell = u.cells[field];
      if (cell === undefined || cellShows(row[column] ?? '', formulaAt(u.index, column), cell)) continue;
      let changes = next.get(u.index);
      if (!changes) next.set(u.index, (changes = new Map()));
      changes.set(column, resultCellValue(cell));
    }
  }
  if (next.size === 0) return { writes: [], changed: 0 };

  const [first, last] = span(next.keys());
  const writes: PlannedWrite[] = [];
  for (const run of adjacentRuns(cols.map((c) => c.column))) {
    const values: CellValue[][] = [];
    for (let r = first; r <= last; r++) {
      const changes = next.get(r);
      const row = data.values[r] ?? [];
      values.push(run.map((column) => changes?.get(column) ?? keptCellValue(row[column] ?? '', formulaAt(r, column))));
    }
    // Only runs where something changes are written.
    if (values.some((_, i) => run.some((column) => next.get(first + i)?.has(column)))) {
      writes.push({ row: first + 1, column: run[0]! + 1, values });
    }
  }
  return { writes, changed: next.size };
}

function adjacentRuns(columns: readonly number[]): number[][] {
  const runs: number[][] = [];
  for (const c of columns) {
    const run = runs[runs.length - 1];
    if (run !== undefined && run[run.length - 1]! + 1 === c) run.push(c);
    else runs.push([c]);
  }
  return runs;
}
