// The example workbooks (as the generator makes them, byte for byte what is committed before
// anyone runs the quick start on them) read cleanly, every row is a valid request, and a full
// prepare → write cycle keeps their formatting and extra sheet.
import { copyFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { WorkbookTarget } from '../../../../../backend/src/adapters/local/workbook/workbook-target';
import { readRow } from '../../../../../shared/index';
import { writeExampleWorkbooks } from '../../../../../examples/make-workbooks';
import { FakeAssets, image, loadXlsx, png, rowWrite, tempDir } from './fixtures/helpers';

let EXAMPLES: string;
let root: string;
let cleanup: () => Promise<void>;
let cleanupExamples: () => Promise<void>;
beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir());
  ({ dir: EXAMPLES, cleanup: cleanupExamples } = await tempDir());
  await writeExampleWorkbooks(EXAMPLES);
});
afterAll(() => cleanupExamples());
afterAll(() => cleanup());

describe('examples/greeting-cards.csv', () => {
  it('has 20 valid rows with the documented columns and no output columns yet', async () => {
    const table = await readWorkbook(path.join(EXAMPLES, 'greeting-cards.csv'));
    expect(table.headers).toEqual(['Name', 'Team', 'Years', 'Prompt', 'Headline', 'Subline', 'Reference pack', 'Aspect ratios', 'Logo']);
    expect(table.rows).toHaveLength(20);
    const specs = table.rows.map((r) => readRow(r.cells));
    for (const s of specs) expect(s.ok, JSON.stringify(s)).toBe(true);
    const ok = specs.flatMap((s) => (s.ok ? [s.spec] : []));
    expect(ok[0]).toMatchObject({ headline: 'Happy 5 years, Aisha Bello!', subline: 'With thanks from the Engineering team', referencePack: 'celebration', logo: true });
    expect(ok[0]?.sizes.map((s) => s.id)).toEqual(['1080x1080']);
    expect(ok.filter((s) => s.referencePack === null).length).toBeGreaterThan(0);
    expect(ok.some((s) => s.sizes.map((z) => z.id).join() === '1080x1080,608x1080')).toBe(true);
    expect(ok.some((s) => s.sizes.map((z) => z.id).join() === '864x1080')).toBe(true);
    expect((await readFile(path.join(EXAMPLES, 'greeting-cards.csv'))).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

describe('examples/campaign.xlsx', () => {
  it('has a formatted Campaign sheet with valid rows and a Notes sheet', async () => {
    const file = path.join(EXAMPLES, 'campaign.xlsx');
    const table = await readWorkbook(file);
    expect(table.sheet).toBe('Campaign');
    expect(table.rows).toHaveLength(6);
    for (const r of table.rows) {
      const result = readRow(r.cells);
      expect(result.ok, JSON.stringify(result)).toBe(true);
      if (result.ok) {
        expect(result.spec.headline).toBe(r.cells.Product);
        expect(result.spec.prompt).toContain(String(r.cells.Product));
        expect(result.spec.referencePack).toBe('campaign');
        expect(result.spec.variants).toBe(r.cells.Variants);
      }
    }
    const wb = await loadXlsx(await readFile(file));
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Campaign', 'Notes']);
    expect(wb.getWorksheet('Campaign')!.getCell('A1').font?.bold).toBe(true);
  });

  it('survives a prepare + write cycle with formatting, the Notes sheet and a thumbnail per row', async () => {
    const file = path.join(root, 'campaign.xlsx');
    await copyFile(path.join(EXAMPLES, 'campaign.xlsx'), file);
    const { rows, added } = await ensureRowIds(file);
    expect(added.rowIds).toBe(6);
    const assets = new FakeAssets();
    const writes = await Promise.all(rows.map(async (r, i) => {
      const img = image(r.rowId, '1:1', 1);
      assets.blobs.set(img.image.key, await png(64, 64, `#${(i * 2 + 3).toString(16)}4a`));
      assets.blobs.set(img.thumbnail.key, await png(32, 32, `#${(i * 2 + 3).toString(16)}4a`));
      return rowWrite(r.rowId, { images: [img], costUsd: 0.039 });
    }));
    const target = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
    expect(await target.write({ kind: 'workbook', path: file }, 't1', writes)).toEqual({ ok: true, written: 6, missingRowIds: [] });

    const wb = await loadXlsx(await readFile(file));
    const ws = wb.getWorksheet('Campaign')!;
    expect(ws.getImages()).toHaveLength(6);
    expect(ws.getCell('A1').fill).toMatchObject({ type: 'pattern', fgColor: { argb: 'FF2F5D62' } });
    expect(ws.getColumn(3).width).toBe(60);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(wb.getWorksheet('Notes')!.getCell('A1').value).toMatch(/^Spring launch/);
    const table = await readWorkbook(file);
    expect(table.rows.every((r) => r.cells.Status === 'DONE' && r.cells['Cost (USD)'] === 0.039)).toBe(true);
    expect(String(table.rows[0]!.cells['Image URL'])).toMatch(/^campaign-assets\/r_[a-z0-9]{10}\/1x1-v1\.png$/);
  });
});
