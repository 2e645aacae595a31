// Row IDs: assigned to rows in scope that have none, in one write, without touching others.
import { describe, expect, it } from 'vitest';
import { addMissingOutputColumns } from '../../../../addon/server/sheet/output-columns';
import { readSheet } from '../../../../addon/server/sheet/read-sheet';
import { ensureRowIds, freshRowId, uuidBytes } from '../../../../addon/server/sheet/row-ids';
import { NEW_ROW_ID_PATTERN, RowIdSchema } from '../../../../shared/index';
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

  it('renews IDs the backend would refuse (longer than 64 characters) instead of sending them', () => {
    const long = 'x'.repeat(70);
    const sheet = new MemorySheet(1, 'S', [['Prompt', 'Row ID'], ['a', long], ['b', 'ok-1'], ['c', 'y'.repeat(64)]]);
    const data = readSheet(sheet, {});
    const ids = ensureRowIds(data, [1, 2, 3], uuid);
    expect(ids.get(1)).toMatch(NEW_ROW_ID_PATTERN);
    expect(ids.get(2)).toBe('ok-1');
    expect(ids.get(3)).toBe('y'.repeat(64)); // the longest the API takes is kept
    for (const id of ids.values()) expect(RowIdSchema.safeParse(id).success).toBe(true);
    expect(sheet.rows()[1]?.[1]).toBe(ids.get(1));
  });

  it('writes nothing when every row in scope has an ID', () => {
    const sheet = new MemorySheet(1, 'S', [['Prompt', 'Row ID'], ['a', 'x1'], ['b', 'x2']]);
    const data = readSheet(sheet, {});
    sheet.resetCalls();
    expect([...ensureRowIds(data, [1, 2], uuid).values()]).toEqual(['x1', 'x2']);
    expect(sheet.calls.write).toBe(0);
  });
});

describe('freshRowId', () => {
  it('makes r_ + 10 base32 characters from a UUID, unique across UUIDs, skipping taken ones', () => {
    const real = ['0f8e7c1a-9b2d-4e3f-a5c6-7d8e9f0a1b2c', '123e4567-e89b-42d3-a456-426614174000'];
    const made = real.map((u) => freshRowId(() => u, new Set()));
    for (const id of made) expect(id).toMatch(NEW_ROW_ID_PATTERN);
    expect(made[0]).not.toBe(made[1]);
    // The version digit (the 13th hex digit, always 4) is left out: every byte is random.
    expect(uuidBytes(real[0]!).slice(0, 7)).toEqual([0x0f, 0x8e, 0x7c, 0x1a, 0x9b, 0x2d, 0xe3]);
    const queue = [real[0]!, real[0]!, real[1]!];
    expect(freshRowId(() => queue.shift()!, new Set([made[0]!]))).toBe(made[1]);
    expect(() => freshRowId(() => real[0]!, new Set([made[0]!]))).toThrow(/keeps repeating/);
  });
});

describe('addMissingOutputColumns', () => {
  it('adds the missing output headers at the right of everything, in one write', () => {
    const sheet = new MemorySheet(1, 'S', [['Title'], ['Prompt', 'Status', '', ''], ['a', '', '', 'stray note']]);
    const data = readSheet(sheet, {});
    sheet.resetCalls();
    expect(addMissingOutputColumns(data)).toEqual(['rowId', 'image', 'imageUrl', 'thumbnailUrl', 'error', 'provider', 'costUsd', 'batchId', 'updatedAt', 'provenance']);
    expect(sheet.calls.write).toBe(1);
    expect(sheet.rows()[1]).toEqual(['Prompt', 'Status', '', '', 'Row ID', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance']);
    expect(sheet.value(3, 4)).toBe('stray note');
    expect(addMissingOutputColumns(data)).toEqual([]);
    expect(sheet.calls.write).toBe(1);
  });
});
