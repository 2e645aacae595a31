// Row IDs tie results to rows wherever the rows move. Rows in scope without a usable ID (none,
// one the backend would refuse, or a copy of an earlier row's ID) get `r_` + 10 characters of
// a UUID, written with one call over the Row ID column; every other cell is kept as it was.
import { RowIdSchema } from '../../../shared/index';
import type { CellValue } from '../services/ports';
import { cellString, keptCellValue } from './cell-text';
import { columnOf, dataRowIndexes, type SheetData } from './read-sheet';

export function newRowId(uuid: () => string, taken: ReadonlySet<string>): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    const id = `r_${uuid().replace(/[^a-zA-Z0-9]/g, '').slice(0, 10).toLowerCase()}`;
    if (id.length === 12 && !taken.has(id)) return id;
  }
  throw new Error('could not make a new Row ID: the UUID source keeps repeating itself');
}

/** Row ID by 0-based row index for each row in `rows`, assigning (and writing) the missing ones. */
export function ensureRowIds(data: SheetData, rows: readonly number[], uuid: () => string): Map<number, string> {
  const col = columnOf(data, 'rowId');
  if (col < 0) throw new Error('ensureRowIds needs a Row ID column (add the output columns first)');
  const wanted = new Set(rows);
  const taken = new Set<string>();
  const ids = new Map<number, string>();
  const assigned = new Map<number, string>();
  for (const r of dataRowIndexes(data)) {
    const id = cellString(data.values[r]?.[col]);
    const usable = id !== '' && !taken.has(id) && RowIdSchema.safeParse(id).success;
    if (id !== '') taken.add(id);
    if (!wanted.has(r)) continue;
    if (usable) ids.set(r, id);
    else assigned.set(r, '');
  }
  for (const r of assigned.keys()) {
    const id = newRowId(uuid, taken);
    taken.add(id);
    assigned.set(r, id);
    ids.set(r, id);
  }
  if (assigned.size > 0) {
    const [first, last] = span(assigned.keys());
    const block: CellValue[][] = [];
    for (let r = first; r <= last; r++) {
      const row = data.values[r] ?? [];
      const id = assigned.get(r);
      if (id !== undefined) row[col] = id;
      block.push([id ?? keptCellValue(row[col] ?? '', '')]);
    }
    data.sheet.write(first + 1, col + 1, block);
  }
  return ids;
}

/** The smallest and largest of some row indexes (no spread: 50,000 arguments is too many for some engines). */
export function span(indexes: Iterable<number>): [number, number] {
  let first = Infinity;
  let last = -Infinity;
  for (const i of indexes) {
    if (i < first) first = i;
    if (i > last) last = i;
  }
  return [first, last];
}
