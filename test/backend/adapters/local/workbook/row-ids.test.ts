import { readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { randomBytes } from 'node:crypto';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { CreateBatchRequest, isUsableRowId, newRowId, NEW_ROW_ID_PATTERN as ROW_ID_PATTERN, OUTPUT_FIELDS, OUTPUT_ORDER, RowIdSchema } from '../../../../../shared/index';
import { loadXlsx, tempDir } from './fixtures/helpers';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(() => cleanup());

const ALL_OUTPUT_LABELS = OUTPUT_ORDER.map((f) => OUTPUT_FIELDS[f]);

describe('newRowId', () => {
  it('is r_ + 10 base32 characters, valid as a Row ID, and random', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newRowId(randomBytes(10))));
    expect(ids.size).toBe(2000);
    for (const id of ids) {
      expect(id).toMatch(ROW_ID_PATTERN);
      expect(RowIdSchema.safeParse(id).success).toBe(true);
    }
  });
});

describe('isUsableRowId', () => {
  it('keeps exactly the IDs the batch contract accepts', () => {
    for (const id of ['r_0123456789', 'SKU-1', '42', 'a b', 'é'.repeat(64), '', ' x', 'x ', 'a\tb', 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(70)]) {
      expect(isUsableRowId(id), JSON.stringify(id)).toBe(RowIdSchema.safeParse(id).success);
    }
    expect(isUsableRowId('x'.repeat(70))).toBe(false);
    expect(isUsableRowId('x'.repeat(64))).toBe(true);
  });
});

describe('ensureRowIds', () => {
  it('adds the output columns and an ID for every data row of a CSV, leaving existing fields byte-identical', async () => {
    const file = path.join(dir, 'new.csv');
    const original = '\ufeffName,Prompt\r\nAda,"Hi, ""Ada"""\r\n\r\nBob,x\r\n';
    await writeFile(file, original);
    const result = await ensureRowIds(file);
    expect(result.added).toEqual({ columns: ALL_OUTPUT_LABELS, rowIds: 2 });
    expect(result.headers).toEqual(['Name', 'Prompt', ...ALL_OUTPUT_LABELS]);
    expect(result.rows.map((r) => r.rowNumber)).toEqual([2, 4]);
    for (const r of result.rows) {
      expect(r.rowId).toMatch(ROW_ID_PATTERN);
      expect(r.cells['Row ID']).toBe(r.rowId);
      expect(r.cells.Status).toBe('');
    }
    const [ada, bob] = result.rows;
    // Every row gets a field per column (empty ones at the end); the blank line stays blank.
    const empties = ','.repeat(ALL_OUTPUT_LABELS.length - 1);
    expect(await readFile(file, 'utf8')).toBe(
      `\ufeffName,Prompt,${ALL_OUTPUT_LABELS.join(',')}\r\nAda,"Hi, ""Ada""",${ada!.rowId}${empties}\r\n\r\nBob,x,${bob!.rowId}${empties}\r\n`,
    );
    // Rectangular, so strict CSV readers (csv-parse with `columns: true`) accept it.
    expect(parse(await readFile(file, 'utf8'), { columns: true, bom: true, skip_empty_lines: true })).toHaveLength(2);
    // What is on disk reads back the same.
    const table = await readWorkbook(file);
    expect(table.rows.map((r) => r.cells['Row ID'])).toEqual([ada!.rowId, bob!.rowId]);
  });

  it('keeps existing IDs, reuses a differently spelled row_id column, and re-IDs later duplicates', async () => {
    const file = path.join(dir, 'existing.csv');
    await writeFile(file, 'name,row_id,prompt\nA,keep-1,x\nB,,y\nC,keep-1,z\nD, keep-2 ,w\n');
    const result = await ensureRowIds(file);
    // row_id is the Row ID column; the other nine output columns are appended.
    expect(result.added.columns).toEqual(ALL_OUTPUT_LABELS.filter((l) => l !== 'Row ID'));
    expect(result.added.rowIds).toBe(2);
    const ids = result.rows.map((r) => r.rowId);
    expect(ids[0]).toBe('keep-1');
    expect(ids[1]).toMatch(ROW_ID_PATTERN);
    expect(ids[2]).toMatch(ROW_ID_PATTERN); // the later duplicate of keep-1
    expect(ids[3]).toBe('keep-2');
    const lines = (await readFile(file, 'utf8')).split('\n');
    const empties = ','.repeat(10);
    expect(lines[1]).toBe(`A,keep-1,x${empties}`);
    expect(lines[3]).toBe(`C,${ids[2]},z${empties}`);
    expect(lines[4]).toBe(`D, keep-2 ,w${empties}`);
  });

  it('renews IDs the API would refuse, so the batch is accepted instead of failing as a whole', async () => {
    const file = path.join(dir, 'long-ids.csv');
    const long = 'x'.repeat(70);
    const longest = 'y'.repeat(64);
    await writeFile(file, `Prompt,Row ID\na,${long}\nb,${longest}\nc,"tab\there"\nd,${long}\n`);
    const result = await ensureRowIds(file);
    const ids = result.rows.map((r) => r.rowId);
    expect(ids[0]).toMatch(ROW_ID_PATTERN);
    expect(ids[1]).toBe(longest); // the longest the API takes is kept
    expect(ids[2]).toMatch(ROW_ID_PATTERN); // a control character inside
    expect(ids[3]).toMatch(ROW_ID_PATTERN);
    expect(new Set(ids).size).toBe(4);
    expect(result.added.rowIds).toBe(3);
    // The request `rowshot run` sends from these rows passes the API's own schema (it got 422 before).
    const request = { rows: result.rows.map((r) => ({ rowId: r.rowId, cells: r.cells })) };
    expect(CreateBatchRequest.safeParse(request).success).toBe(true);
    // And the file now holds the new IDs.
    expect((await readWorkbook(file)).rows.map((r) => r.cells['Row ID'])).toEqual(ids);
  });

  it('does not touch the file when nothing is missing', async () => {
    const file = path.join(dir, 'complete.csv');
    await writeFile(file, 'Prompt\nx\n');
    await ensureRowIds(file);
    const before = await stat(file);
    const bytes = await readFile(file);
    const again = await ensureRowIds(file);
    expect(again.added).toEqual({ columns: [], rowIds: 0 });
    const after = await stat(file);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
    expect(await readFile(file)).toEqual(bytes);
  });

  it('prepares an xlsx sheet, keeping formatting and the other sheets', async () => {
    const file = path.join(dir, 'book.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Campaign');
    ws.columns = [{ header: 'Product', width: 28 }, { header: 'Row ID', width: 9 }];
    ws.getRow(1).font = { bold: true };
    ws.addRow(['Mug', 'existing_1']);
    ws.addRow(['Tee', null]);
    ws.addRow(['Cap', 42]); // a number is a valid existing ID too
    wb.addWorksheet('Notes').getCell('A1').value = 'keep me';
    await wb.xlsx.writeFile(file);

    const result = await ensureRowIds(file, { sheet: 'Campaign' });
    expect(result.added.columns).toEqual(ALL_OUTPUT_LABELS.filter((l) => l !== 'Row ID'));
    expect(result.rows.map((r) => r.rowId)).toEqual(['existing_1', expect.stringMatching(ROW_ID_PATTERN), '42']);

    const back = await loadXlsx(await readFile(file));
    const sheet = back.getWorksheet('Campaign')!;
    expect(sheet.getCell('B3').value).toBe(result.rows[1]!.rowId);
    expect(sheet.getCell('B4').value).toBe(42);
    expect(sheet.getColumn(1).width).toBe(28);
    expect(sheet.getCell('C1').value).toBe('Status');
    expect(sheet.getCell('C1').font?.bold).toBe(true); // new headers look like their neighbours
    expect(back.getWorksheet('Notes')!.getCell('A1').value).toBe('keep me');
  });
});
