// Row IDs: assigned to rows in scope that have none, in one write, without touching others.
import { describe, expect, it } from 'vitest';
import { addMissingOutputColumns } from '../../../../addon/server/sheet/output-columns';
import { readSheet } from '../../../../addon/server/sheet/read-sheet';
import { ensureRowIds } from '../../../../addon/server/sheet/row-ids';
import { MemorySheet } from '../helpers/memory-sheet';

let n = 0;
const uuid = () => `${(++n).toString(16).padStart(8, 'a')}-1111-4000-8000-000000000000`;

describe('ensureRowIds', () => {
  it('gives r_ + 10 characters to rows in scope without one, keeps existing ones, renews copies', () => {
    const sheet = new MemorySheet(1, 'S', [
      ['Prompt', 'Row ID'],
      ['a', 'SKU-1'], // 2 kept
      ['b', ''], //      3 in scope, gets one
      ['c', ''], //      4 not in scope: stays empty
      ['d', 'SKU-1'], // 5 a copied row: in scope, gets a new one
      ['e', "'=1+1"], // 6 not in scope: its text must stay text
      ['f', ''], //      7 in scope
    ]);
    const data = readSheet(sheet, {});
    sheet.resetCalls();
    const ids = ensureRowIds(data, [1, 2, 4, 6], uuid);
    expect(ids.get(1)).toBe('SKU-1');
    expect(ids.get(2)).toMatch(/^r_[0-9a-z]{10}$/);
    expect(ids.get(4)).toMatch(/^r_[0-9a-z]{10}$/);
    expect(new Set(ids.values()).size).toBe(4);
    expect(sheet.calls.write).toBe(1);
    expect(sheet.writes).toEqual([{ row: 3, column: 2, rows: 5, columns: 1 }]);
    expect(sheet.rows().map((r) => r[1])).toEqual(['Row ID', 'SKU-1', ids.get(2), '', ids.get(4), '=1+1', ids.get(6)]);
    expect(sheet.formula(6, 2)).toBe('');
  });

  it('writes nothing when every row in scope has an ID', () => {
    const sheet = new MemorySheet(1, 'S', [['Prompt', 'Row ID'], ['a', 'x1'], ['b', 'x2']]);
    const data = readSheet(sheet, {});
    sheet.resetCalls();
    expect([...ensureRowIds(data, [1, 2], uuid).values()]).toEqual(['x1', 'x2']);
    expect(sheet.calls.write).toBe(0);
  });
});

describe('addMissingOutputColumns', () => {
  it('adds the missing output headers at the right of everything, in one write', () => {
    const sheet = new MemorySheet(1, 'S', [['Title'], ['Prompt', 'Status', '', ''], ['a', '', '', 'stray note']]);
    const data = readSheet(sheet, {});
    sheet.resetCalls();
    expect(addMissingOutputColumns(data)).toEqual(['rowId', 'image', 'imageUrl', 'thumbnailUrl', 'error', 'provider', 'costUsd', 'batchId', 'updatedAt']);
    expect(sheet.calls.write).toBe(1);
    expect(sheet.rows()[1]).toEqual(['Prompt', 'Status', '', '', 'Row ID', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at']);
    expect(sheet.value(3, 4)).toBe('stray note');
    expect(addMissingOutputColumns(data)).toEqual([]);
    expect(sheet.calls.write).toBe(1);
  });
});
