import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { WorkbookTarget } from '../../../../../backend/src/adapters/local/workbook/workbook-target';
import { FakeAssets, image, loadXlsx, png, rowWrite, tempDir, webp, xlsxMedia, xlsxParts } from './fixtures/helpers';

let root: string;
let cleanup: () => Promise<void>;
const assets = new FakeAssets();
let target: WorkbookTarget;

let LOGO: Buffer;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir());
  LOGO = await png(40, 20, '#123456');
  target = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
});
afterAll(() => cleanup());

const FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDE9D9' } };

/** A formatted "Campaign" sheet (bold filled header, widths, a real formula) plus a "Notes" sheet. */
async function campaign(name: string): Promise<{ file: string; ids: Record<string, string> }> {
  const file = path.join(root, name);
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Campaign');
  ws.columns = [
    { header: 'Product', width: 24 },
    { header: 'Tagline', width: 36 },
    { header: 'Prompt', width: 50 },
    { header: 'Length', width: 9 },
  ];
  ws.getRow(1).eachCell((c) => {
    c.font = { bold: true };
    c.fill = FILL;
  });
  for (const [p, t] of [['Mug', 'Hot coffee'], ['Tee', 'Soft cotton'], ['Cap', 'Sun-ready']]) {
    const r = ws.addRow([p, t, `Product photo of a {{Product}}`]);
    r.getCell(4).value = { formula: `LEN(B${r.number})`, result: t!.length };
  }
  const notes = wb.addWorksheet('Notes');
  notes.getCell('A1').value = 'Prices checked on Monday';
  // The user's own pictures: a logo on each sheet, away from the Image column.
  const logo = wb.addImage({ buffer: LOGO as unknown as ExcelJS.Buffer, extension: 'png' });
  ws.addImage(logo, { tl: { col: 0, row: 6 }, ext: { width: 40, height: 20 } });
  notes.addImage(logo, { tl: { col: 1, row: 2 }, ext: { width: 40, height: 20 } });
  await wb.xlsx.writeFile(file);
  const prepared = await ensureRowIds(file);
  return { file, ids: Object.fromEntries(prepared.rows.map((r) => [String(r.cells.Product), r.rowId])) };
}

function findRow(ws: ExcelJS.Worksheet, product: string): ExcelJS.Row {
  for (let n = 2; n <= ws.rowCount; n++) if (ws.getRow(n).getCell(1).value === product) return ws.getRow(n);
  throw new Error(`no row ${product}`);
}

function imagesIn(ws: ExcelJS.Worksheet, rowNumber: number, col: number): number {
  return ws.getImages().filter((m) => {
    const tl = m.range.tl as unknown as { nativeRow: number; nativeCol: number };
    return tl.nativeRow === rowNumber - 1 && tl.nativeCol === col - 1;
  }).length;
}

describe('WorkbookTarget on XLSX', () => {
  it('writes by Row ID and keeps formatting, widths, formulas and other sheets', async () => {
    const { file, ids } = await campaign('keep.xlsx');
    // The user sorts the rows (Cap, Mug, Tee → reversed) and deletes Tee before results come in.
    const wb = await loadXlsx(await readFile(file));
    const ws = wb.getWorksheet('Campaign')!;
    const values = [2, 3, 4].map((n) => ws.getRow(n).values as ExcelJS.CellValue[]);
    ws.getRow(2).values = values[2]!;
    ws.getRow(3).values = values[0]!;
    ws.spliceRows(4, 1);
    await wb.xlsx.writeFile(file);

    const out = await target.write({ kind: 'workbook', path: file, sheet: 'Campaign', links: 'urls' }, 't1', [
      rowWrite(ids.Mug!, { costUsd: 0.04, images: [image(ids.Mug!, '1:1', 1), image(ids.Mug!, '16:9', 1)] }),
      rowWrite(ids.Tee!),
      rowWrite(ids.Cap!, { state: 'FAILED', reason: 'Provider timed out' }),
    ]);
    expect(out).toEqual({ ok: true, written: 2, missingRowIds: [ids.Tee] });

    const back = await loadXlsx(await readFile(file));
    const sheet = back.getWorksheet('Campaign')!;
    const headers = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    const col = (label: string) => headers.indexOf(label) + 1;
    const mug = findRow(sheet, 'Mug');
    expect(mug.getCell(col('Row ID')).value).toBe(ids.Mug);
    expect(mug.getCell(col('Status')).value).toBe('DONE');
    expect(mug.getCell(col('Cost (USD)')).value).toBe(0.04);
    expect(mug.getCell(col('Image URL')).value).toBe(`https://rowshot.test/a/${ids.Mug}-1x1-1\nhttps://rowshot.test/a/${ids.Mug}-16x9-1`);
    expect(mug.getCell(col('Image URL')).alignment?.wrapText).toBe(true);
    const cap = findRow(sheet, 'Cap');
    expect(cap.getCell(col('Status')).value).toBe('FAILED: Provider timed out');
    expect(cap.getCell(col('Error')).value).toBe('Provider timed out');

    // Formatting and the rest of the workbook survive.
    expect(sheet.getCell('A1').font?.bold).toBe(true);
    expect(sheet.getCell('B1').fill).toEqual(FILL);
    expect(sheet.getColumn(1).width).toBe(24);
    expect(sheet.getColumn(3).width).toBe(50);
    expect(mug.getCell(4).value).toMatchObject({ formula: expect.stringMatching(/^LEN\(B\d\)$/) });
    expect(back.getWorksheet('Notes')!.getCell('A1').value).toBe('Prices checked on Monday');
    // The user's pictures are still there, byte for byte.
    expect(sheet.getImages()).toHaveLength(1);
    expect(back.getWorksheet('Notes')!.getImages()).toHaveLength(1);
    const files = unzipSync(new Uint8Array(await readFile(file)));
    const media = Object.entries(files).filter(([n]) => n.startsWith('xl/media/') && !n.endsWith('/'));
    expect(media).toHaveLength(1);
    expect(Buffer.from(media[0]![1])).toEqual(LOGO);
  });

  it('stores formula-looking text as plain strings, never as formulas', async () => {
    const { file, ids } = await campaign('formula.xlsx');
    const nasty = '=HYPERLINK("http://evil.test","click")';
    const out = await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [
      rowWrite(ids.Mug!, { state: 'FAILED', reason: nasty, provider: '+1', batchId: '-2' }),
      rowWrite(ids.Tee!, { state: 'SKIPPED', reason: '@SUM(A1:A9)' }),
    ]);
    expect(out).toMatchObject({ ok: true, written: 2 });
    const buf = await readFile(file);
    const sheet = (await loadXlsx(buf)).getWorksheet('Campaign')!;
    const headers = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    const col = (label: string) => headers.indexOf(label) + 1;
    const mug = findRow(sheet, 'Mug');
    for (const [label, text] of [['Error', nasty], ['Provider', '+1'], ['Batch ID', '-2']] as const) {
      const cell = mug.getCell(col(label));
      expect(cell.type).toBe(ExcelJS.ValueType.String);
      expect(cell.value).toBe(text);
    }
    expect(findRow(sheet, 'Tee').getCell(col('Error')).type).toBe(ExcelJS.ValueType.String);
    // In the XML, the only formulas are the sheet's own three LEN() cells.
    const xml = xlsxParts(buf)['xl/worksheets/sheet1.xml']!;
    expect(xml.match(/<f>[^<]*<\/f>/g)).toEqual([expect.stringContaining('LEN('), expect.stringContaining('LEN('), expect.stringContaining('LEN(')]);
    // The (unguarded) text reads back as the text it is.
    const table = await readWorkbook(file);
    expect(table.rows.find((r) => r.cells.Product === 'Mug')!.cells.Error).toBe(nasty);
  });

  it('embeds the first thumbnail in the Image cell and replaces it on rewrite instead of stacking', async () => {
    const { file, ids } = await campaign('thumbs.xlsx');
    const first = image(ids.Mug!, '1:1', 1, 'webp');
    const second = image(ids.Mug!, '4:5', 1);
    assets.blobs.set(first.image.key, await webp(512, 512, '#c33'));
    assets.blobs.set(first.thumbnail.key, await webp(256, 256, '#c33')); // WebP: converted for Excel
    assets.blobs.set(second.image.key, await png(400, 500, '#36c'));
    assets.blobs.set(second.thumbnail.key, await png(80, 100, '#36c'));
    const tee = image(ids.Tee!, '1:1', 1);
    assets.blobs.set(tee.image.key, await png(64, 64, '#3c3'));
    assets.blobs.set(tee.thumbnail.key, await png(32, 32, '#3c3'));

    const write = (rows: Parameters<WorkbookTarget['write']>[2]) => target.write({ kind: 'workbook', path: file }, 't1', rows);
    expect(await write([rowWrite(ids.Mug!, { images: [first, second] }), rowWrite(ids.Tee!, { images: [tee] })])).toMatchObject({ ok: true, written: 2 });

    let buf = await readFile(file);
    let sheet = (await loadXlsx(buf)).getWorksheet('Campaign')!;
    const headers = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1);
    const imageCol = headers.indexOf('Image') + 1;
    const mugRow = findRow(sheet, 'Mug').number;
    expect(imagesIn(sheet, mugRow, imageCol)).toBe(1);
    expect(imagesIn(sheet, findRow(sheet, 'Tee').number, imageCol)).toBe(1);
    expect(sheet.getImages()).toHaveLength(3); // two thumbnails and the user's logo
    expect(sheet.getRow(mugRow).getCell(imageCol).value).toBeNull();
    expect(sheet.getRow(mugRow).height).toBe(72); // 96 px
    // The WebP thumbnail was converted to a format Excel shows.
    expect(xlsxMedia(buf)).toEqual(['xl/media/image1.png', 'xl/media/image2.jpeg', 'xl/media/image3.png']);

    // Second run: Mug now has only the 4:5 image. Still one picture in the cell, and the
    // old picture's file is gone from the workbook.
    expect(await write([rowWrite(ids.Mug!, { images: [second] })])).toMatchObject({ ok: true, written: 1 });
    expect(await write([rowWrite(ids.Mug!, { images: [second] })])).toMatchObject({ ok: true, written: 1 });
    buf = await readFile(file);
    sheet = (await loadXlsx(buf)).getWorksheet('Campaign')!;
    expect(imagesIn(sheet, mugRow, imageCol)).toBe(1);
    expect(sheet.getImages()).toHaveLength(3);
    expect(xlsxMedia(buf)).toHaveLength(3);
    // A small PNG thumbnail is embedded as it is, not re-encoded.
    const media = Object.values(unzipSync(new Uint8Array(buf))).map((d) => Buffer.from(d));
    expect(media.some((d) => d.equals(assets.blobs.get(second.thumbnail.key)!))).toBe(true);
    const mugImage = sheet.getImages().find((m) => (m.range.tl as unknown as { nativeRow: number }).nativeRow === mugRow - 1)!;
    expect((mugImage.range as unknown as { ext: { width: number; height: number } }).ext).toEqual({ width: 70, height: 88 });

    // A re-run in progress keeps the previous picture; a failed re-run clears it.
    expect(await write([rowWrite(ids.Mug!, { state: 'RUNNING' })])).toMatchObject({ ok: true });
    sheet = (await loadXlsx(await readFile(file))).getWorksheet('Campaign')!;
    expect(imagesIn(sheet, mugRow, imageCol)).toBe(1);
    expect(findRow(sheet, 'Mug').getCell(headers.indexOf('Status') + 1).value).toBe('RUNNING');
    expect(await write([rowWrite(ids.Mug!, { state: 'FAILED', reason: 'x' })])).toMatchObject({ ok: true });
    sheet = (await loadXlsx(await readFile(file))).getWorksheet('Campaign')!;
    expect(imagesIn(sheet, mugRow, imageCol)).toBe(0);
    expect(sheet.getImages()).toHaveLength(2);
  });

  it('reports a corrupt workbook, a missing sheet and a missing file as permanent failures', async () => {
    const bad = path.join(root, 'corrupt.xlsx');
    await writeFile(bad, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]));
    expect(await target.write({ kind: 'workbook', path: bad }, 't1', [rowWrite('r_1')])).toMatchObject({ ok: false, kind: 'permanent', reason: '"corrupt.xlsx" is not a complete .xlsx workbook (it may be truncated or still being saved)' });
    const { file } = await campaign('sheets.xlsx');
    expect(await target.write({ kind: 'workbook', path: file, sheet: 'Results' }, 't1', [rowWrite('r_1')])).toEqual({
      ok: false, kind: 'permanent', reason: '"sheets.xlsx" has no sheet named "Results"; its sheets are "Campaign", "Notes"',
    });
    expect(await target.write({ kind: 'workbook', path: path.join(root, 'gone.xlsx') }, 't1', [rowWrite('r_1')])).toMatchObject({ ok: false, kind: 'permanent' });
  });
});
