// Results land in their rows by Row ID, whatever the rows' order now; text stays text; only
// IMAGE is a formula; rows in between keep what they hold; a repeat writes nothing.
import { describe, expect, it } from 'vitest';
import type { RowResult } from '../../../../shared/index';
import { writeResults } from '../../../../addon/server/sync/write-results';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { memoryServices } from '../helpers/memory-services';

const HEADERS = ['Prompt', 'Row ID', 'Status', 'Image', 'Image URL', 'Thumbnail URL', 'Error', 'Provider', 'Cost (USD)', 'Batch ID', 'Updated at', 'Provenance'];
const done = (rowId: string, extra: Partial<RowResult> = {}): RowResult => ({
  rowId, index: 0, state: 'DONE', reason: null, provider: 'template', costUsd: 0.039, notes: [], attempts: 1, updatedAt: '2026-03-01T10:00:00.000Z',
  images: [{ size: '1080x1080', aspectRatio: '1:1', variant: 1, url: `https://cdn.test/${rowId}.png`, thumbnailUrl: `https://cdn.test/${rowId}_t.png` }],
  ...extra,
});

function setup(rows: string[][]) {
  const sheet = new MemorySheet(5, 'S', [HEADERS, ...rows]);
  const s = memoryServices({ sheets: [sheet], http: new FakeBackend() });
  return { sheet, s };
}

describe('writeResults', () => {
  it('finds rows by Row ID after a sort, and counts results whose row is gone', () => {
    const { sheet, s } = setup([['a', 'r1'], ['b', 'r2'], ['c', 'r3']]);
    sheet.reorderRows(2, [4, 2, 3]); // c, a, b
    const out = writeResults(s, 5, 'b_1', [done('r1'), done('r2'), done('r9')], new Set());
    expect(out).toEqual({ written: 2, missing: 1 });
    expect(sheet.record(3)).toMatchObject({ Prompt: 'a', 'Row ID': 'r1', Status: 'DONE', Image: '=IMAGE("https://cdn.test/r1_t.png")', 'Image URL': 'https://cdn.test/r1.png', 'Cost (USD)': 0.039, 'Batch ID': 'b_1' });
    expect(sheet.record(4)).toMatchObject({ Prompt: 'b', Status: 'DONE', Image: '=IMAGE("https://cdn.test/r2_t.png")' });
    expect(sheet.record(2)).toMatchObject({ Prompt: 'c', Status: '', Image: '' });
  });

  it('writes text that looks like a formula as text, and only IMAGE as a formula', () => {
    const { sheet, s } = setup([['a', 'r1']]);
    writeResults(s, 5, 'b_1', [done('r1', { state: 'FAILED', reason: '=HYPERLINK("http://evil")', provider: '+cmd', images: [] })], new Set());
    expect(sheet.value(2, 7)).toBe('=HYPERLINK("http://evil")');
    expect(sheet.formula(2, 7)).toBe('');
    expect(sheet.value(2, 3)).toBe('FAILED: =HYPERLINK("http://evil")');
    expect(sheet.value(2, 8)).toBe('+cmd');
    expect(sheet.formula(2, 8)).toBe('');
    expect(sheet.value(2, 9)).toBe(0.039);
  });

  it('keeps the IMAGE formulas and text of rows it does not change, and the old image while a re-run is running', () => {
    const { sheet, s } = setup([['a', 'r1'], ['b', 'r2'], ['c', 'r3']]);
    writeResults(s, 5, 'b_1', [done('r1'), done('r2'), done('r3')], new Set());
    sheet.set(3, 7, "'-note typed by a user");
    // Only rows 1 and 3 are re-run; row 2 sits inside the rewritten block.
    const running = (id: string): RowResult => ({ ...done(id), state: 'RUNNING', images: [], updatedAt: null });
    sheet.resetCalls();
    const out = writeResults(s, 5, 'b_2', [running('r1'), running('r3')], new Set());
    expect(out.written).toBe(2);
    expect(sheet.formula(3, 4)).toBe('=IMAGE("https://cdn.test/r2_t.png")');
    expect(sheet.value(3, 7)).toBe('-note typed by a user');
    expect(sheet.formula(3, 7)).toBe('');
    expect(sheet.record(2)).toMatchObject({ Status: 'RUNNING', Image: '=IMAGE("https://cdn.test/r1_t.png")', 'Batch ID': 'b_2', 'Updated at': '' });
  });

  it('writes nothing when the sheet already shows the results', () => {
    const { sheet, s } = setup([['a', 'r1'], ['b', 'r2']]);
    writeResults(s, 5, 'b_1', [done('r1'), done('r2')], new Set());
    sheet.resetCalls();
    expect(writeResults(s, 5, 'b_1', [done('r1'), done('r2')], new Set())).toEqual({ written: 0, missing: 0 });
    expect(sheet.calls.write).toBe(0);
  });

  it('leaves rows that a newer run of this sheet has taken over', () => {
    const { sheet, s } = setup([['a', 'r1'], ['b', 'r2']]);
    writeResults(s, 5, 'b_new', [done('r1')], new Set());
    const out = writeResults(s, 5, 'b_old', [done('r1', { state: 'FAILED', images: [] }), done('r2')], new Set(['b_new']));
    expect(out.written).toBe(1);
    expect(sheet.record(2)).toMatchObject({ Status: 'DONE', 'Batch ID': 'b_new' });
    expect(sheet.record(3)).toMatchObject({ Status: 'DONE', 'Batch ID': 'b_old' });
  });

  it('puts back output columns deleted since the run started', () => {
    const sheet = new MemorySheet(5, 'S', [['Prompt', 'Row ID'], ['a', 'r1']]);
    const s = memoryServices({ sheets: [sheet], http: new FakeBackend() });
    expect(writeResults(s, 5, 'b_1', [done('r1')], new Set())).toEqual({ written: 1, missing: 0 });
    expect(sheet.record(2)).toMatchObject({ Status: 'DONE', 'Batch ID': 'b_1', Image: '=IMAGE("https://cdn.test/r1_t.png")' });
  });
});
