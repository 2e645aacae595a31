// Large workbooks end to end: 10,000 CSV rows and 2,000 XLSX rows are read, given Row IDs and
// written back whole and in part. Their times are figures in `npm run bench` (bench/workbook.ts),
// not ceilings here: a shared machine's load is not a regression.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { WorkbookTarget } from '../../../../../backend/src/adapters/local/workbook/workbook-target';
import { FakeAssets, image, rowWrite, tempDir } from './fixtures/helpers';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: root, cleanup } = await tempDir()));
afterAll(() => cleanup());

const HEADERS = ['Name', 'Team', 'Years', 'Prompt', 'Headline', 'Subline', 'Reference pack', 'Aspect ratios', 'Logo'];
const row = (i: number) => [`Person ${i}`, `Team ${i % 7}`, String(i % 30), 'Warm card for {{Name}} from the {{Team}} team, confetti, soft light', 'Happy {{Years}} years, {{Name}}!', 'With thanks', 'celebration', '1:1, 9:16', 'yes'];

async function timed<T>(label: string, fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const start = performance.now();
  const result = await fn();
  const ms = performance.now() - start;
  console.log(`${label}: ${ms.toFixed(0)} ms`);
  return { ms, result };
}

describe('large workbooks', () => {
  it('reads, prepares and writes a 10,000-row CSV, whole and as a 100-row flush', async () => {
    const file = path.join(root, 'big.csv');
    const lines = [HEADERS, ...Array.from({ length: 10_000 }, (_, i) => row(i))].map((r) => r.map((v) => (v.includes(',') ? `"${v}"` : v)).join(','));
    await writeFile(file, `\ufeff${lines.join('\r\n')}\r\n`);

    const read = await timed('csv 10k readWorkbook', () => readWorkbook(file));
    expect(read.result.rows).toHaveLength(10_000);
    const prepared = await timed('csv 10k ensureRowIds', () => ensureRowIds(file));
    const target = new WorkbookTarget({ readAsset: new FakeAssets().readAsset, allowedRoots: [root] });
    const writes = prepared.result.rows.map((r) => rowWrite(r.rowId, { images: [image(r.rowId, '1:1', 1), image(r.rowId, '9:16', 1)], costUsd: 0.078 }));
    const write = await timed('csv 10k write (links: urls)', () => target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', writes));
    expect(write.result).toEqual({ ok: true, written: 10_000, missingRowIds: [] });
    const flush = await timed('csv 10k write 100 rows', () => target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', writes.slice(5000, 5100)));
    expect(flush.result).toMatchObject({ ok: true, written: 100 });
    // Every row got its own links back, in its own row.
    const back = await readWorkbook(file);
    expect(back.rows).toHaveLength(10_000);
    for (const i of [0, 4999, 5050, 9999]) {
      const r = back.rows[i]!;
      const id = String(r.cells['Row ID']);
      expect(id).toBe(prepared.result.rows[i]!.rowId);
      expect(String(r.cells['Image URL'] ?? '').split('\n')).toEqual([`https://rowshot.test/a/${id}-1x1-1`, `https://rowshot.test/a/${id}-9x16-1`]);
    }
  });

  it('prepares and writes a 2,000-row XLSX', async () => {
    const file = path.join(root, 'big.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Cards');
    ws.addRow(HEADERS);
    for (let i = 0; i < 2000; i++) ws.addRow(row(i));
    await wb.xlsx.writeFile(file);
    const prepared = await timed('xlsx 2k ensureRowIds', () => ensureRowIds(file));
    const target = new WorkbookTarget({ readAsset: new FakeAssets().readAsset, allowedRoots: [root] });
    const write = await timed('xlsx 2k write (links: urls)', () =>
      target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', prepared.result.rows.map((r) => rowWrite(r.rowId, { images: [image(r.rowId, '1:1', 1)] }))));
    expect(write.result).toMatchObject({ ok: true, written: 2000 });
  });
});
