// Row IDs tie results to rows wherever the rows move. Rows in scope without a usable ID (none,
// one the backend would refuse, or a copy of an earlier row's ID) get a new one made from a
// UUID's bytes, written with one call over the Row ID column; every other cell is kept as it was.
import { isUsableRowId, newRowId } from '../../../shared/index';
import type { CellValue } from '../services/ports';
import { cellString, keptCellValue } from './cell-text';
import { columnOf, dataRowIndexes, type SheetData } from './read-sheet';

/** A new Row ID not in `taken`, from the bytes of `uuid()`'s hex digits (Apps Script's random source). */
export function freshRowId(uuid: () => string, taken: ReadonlySet<string>): string {
  for (let attempt = 0; attempt < 100; attempt++) {
    const id = newRowId(uuidBytes(uuid()));
    if (!taken.has(id)) return id;
  }
  throw new Error('could not make a new Row ID: the UUID source keeps repeating itself');
}

/**
 * The bytes of a UUID's hex digits, without the version digit (always 4 in a random UUID), so
 * every byte carries randomness. Anything but hex is skipped, so any string of hex works.
 */
export function uuidBytes(uuid: string): number[] {
  const hex = uuid.replace(/[^0-9a-fA-F]/g, '');
  const digits = hex.length >= 13 ? hex.slice(0, 12) + hex.slice(13) : hex;
  const bytes: number[] = [];
  for (let i = 0; i + 1 < digits.length; i += 2) bytes.push(parseInt(digits.slice(i, i + 2), 16));
  return bytes;
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
    const usable = isUsableRowId(id) && !taken.has(id);
    if (id !== '') taken.add(id);
    if (!wanted.has(r)) continue;
    if (usable) ids.set(r, id);
    else assigned.set(r, '');
  }
  for (const r of assigned.keys()) {
    const id = freshRowId(uuid, taken);
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
