// Workbook figures for `npm run bench`: a 10,000-row CSV read, prepared (Row IDs) and written
// back whole and as one 100-row flush, and a 2,000-row XLSX prepared and written. These were
// wall-clock ceilings in a test once; on a shared machine they belong here, as figures.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { readWorkbook } from '../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../backend/src/adapters/local/workbook/row-ids';
import { WorkbookTarget } from '../backend/src/adapters/local/workbook/workbook-target';
import type { RowWrite } from '../backend/src/ports/sheet-target';

const HEADERS = ['Name', 'Team', 'Years', 'Prompt', 'Headline', 'Subline', 'Reference pack', 'Aspect ratios', 'Logo'];
const row = (i: number) => [`Person ${i}`, `Team ${i % 7}`, String(i % 30), 'Warm card for {{Name}} from the {{Team}} team, confetti, soft light', 'Happy {{Years}} years, {{Name}}!', 'With thanks', 'celebration', '1:1, 9:16', 'yes'];

const done = (rowId: string, ratios: string[]): RowWrite => ({
  rowId,
  state: 'DONE',
  reason: null,
  images: ratios.map((aspectRatio) => {
    const slug = `${rowId}-${aspectRatio.replace(':', 'x')}-1`;
    return { size: aspectRatio.replace(':', 'x'), aspectRatio, variant: 1, image: { key: `t/a/${slug}.png`, url: `https://rowshot.test/a/${slug}` }, thumbnail: { key: `t/a/${slug}-t.png`, url: `https://rowshot.test/a/${slug}-t` } };
  }),
  provider: 'template',
  costUsd: 0.078,
  batchId: 'b_bench',
  updatedAt: new Date(0).toISOString(),
});

async function ms(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return Math.round(performance.now() - t);
}

export async function workbookBench(): Promise<{ csv10k: { readMs: number; prepareMs: number; writeMs: number; flush100Ms: number }; xlsx2k: { prepareMs: number; writeMs: number } }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'rowshot-bench-wb-'));
  try {
    const target = new WorkbookTarget({ readAsset: async () => null, allowedRoots: [root] });
    const csv = path.join(root, 'big.csv');
    const lines = [HEADERS, ...Array.from({ length: 10_000 }, (_, i) => row(i))].map((r) => r.map((v) => (v.includes(',') ? `"${v}"` : v)).join(','));
    await writeFile(csv, `\ufeff${lines.join('\r\n')}\r\n`);
    const readMs = await ms(() => readWorkbook(csv));
    let ids: string[] = [];
    const prepareMs = await ms(async () => (ids = (await ensureRowIds(csv)).rows.map((r) => r.rowId)));
    const writes = ids.map((id) => done(id, ['1:1', '9:16']));
    const writeMs = await ms(() => target.write({ kind: 'workbook', path: csv, links: 'urls' }, 't1', writes));
    const flush100Ms = await ms(() => target.write({ kind: 'workbook', path: csv, links: 'urls' }, 't1', writes.slice(5000, 5100)));

    const xlsx = path.join(root, 'big.xlsx');
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Cards');
    ws.addRow(HEADERS);
    for (let i = 0; i < 2000; i++) ws.addRow(row(i));
    await wb.xlsx.writeFile(xlsx);
    let xIds: string[] = [];
    const xPrepareMs = await ms(async () => (xIds = (await ensureRowIds(xlsx)).rows.map((r) => r.rowId)));
    const xWriteMs = await ms(() => target.write({ kind: 'workbook', path: xlsx, links: 'urls' }, 't1', xIds.map((id) => done(id, ['1:1']))));
    return { csv10k: { readMs, prepareMs, writeMs, flush100Ms }, xlsx2k: { prepareMs: xPrepareMs, writeMs: xWriteMs } };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
