// Guards against accidental slow paths (quadratic lookups, per-row re-serialisation). The
// bounds are ~8× what a loaded 2-core machine measures, so they only trip on real regressions.
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

describe('performance', () => {
  it('reads, prepares and writes a 10,000-row CSV quickly', async () => {
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

    expect(read.ms).toBeLessThan(1500);
    expect(prepared.ms).toBeLessThan(2000);
    expect(write.ms).toBeLessThan(2000);
    expect(flush.ms).toBeLessThan(1500);
  });

  it('writes a 2,000-row XLSX in reasonable time', async () => {
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
    expect(write.ms).toBeLessThan(8000);
  });
});
