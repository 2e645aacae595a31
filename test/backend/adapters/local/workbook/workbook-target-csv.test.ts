import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsvText } from '../../../../../backend/src/adapters/local/workbook/csv-file';
import { readWorkbook } from '../../../../../backend/src/adapters/local/workbook/read-workbook';
import { ensureRowIds } from '../../../../../backend/src/adapters/local/workbook/row-ids';
import { WorkbookTarget } from '../../../../../backend/src/adapters/local/workbook/workbook-target';
import { FakeAssets, image, png, rowWrite, tempDir } from './fixtures/helpers';

let root: string;
let cleanup: () => Promise<void>;
const assets = new FakeAssets();
let target: WorkbookTarget;

beforeAll(async () => {
  ({ dir: root, cleanup } = await tempDir());
  target = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [root] });
});
afterAll(() => cleanup());

/** Stores the image and thumbnail of `img` in the fake asset store; returns their bytes. */
async function storeImage(img: ReturnType<typeof image>, color: string): Promise<{ image: Buffer; thumb: Buffer }> {
  const full = await png(64, 64, color);
  const thumb = await png(16, 16, color);
  assets.blobs.set(img.image.key, full);
  assets.blobs.set(img.thumbnail.key, thumb);
  return { image: full, thumb };
}

const INPUT = [
  'Name,Prompt,Note',
  'Ada,"Card for Ada, warm light",plain',
  'Bob,"Card with ""quotes"" and, commas","two\r\nlines"',
  'Cy,=1+1,  spaced  ', // an input that looks like a formula is the user's own: left alone
  'Di,"",',
];

async function preparedCsv(name: string): Promise<{ file: string; ids: Record<string, string> }> {
  const file = path.join(root, name);
  await writeFile(file, `\ufeff${INPUT.join('\r\n')}\r\n`);
  const prepared = await ensureRowIds(file);
  const ids = Object.fromEntries(prepared.rows.map((r) => [String(r.cells.Name), r.rowId]));
  return { file, ids };
}

/** The file's records as raw field text (exactly as on disk). */
async function rawRecords(file: string): Promise<string[][]> {
  const text = (await readFile(file, 'utf8')).replace(/^\ufeff/, '');
  return parseCsvText(text).map((r) => r.raws);
}

describe('WorkbookTarget on CSV', () => {
  it('writes each result into its row by Row ID after rows were shuffled, inserted and deleted', async () => {
    const { file, ids } = await preparedCsv('moved.csv');
    // Meanwhile the user sorted the sheet (reversed), deleted Cy and inserted a new row.
    const records = await rawRecords(file);
    const [header, ada, bob, cy, di] = records.map((r) => r.join(','));
    expect(cy).toContain(ids.Cy!);
    const inserted = 'Eve,"new row, no id",x';
    const edited = `\ufeff${[header, di, bob, inserted, ada].join('\r\n')}\r\n`;
    await writeFile(file, edited);

    const out = await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [
      rowWrite(ids.Ada!, { images: [image(ids.Ada!, '1:1', 1)], costUsd: 0.1 + 0.2, provider: 'gemini' }),
      rowWrite(ids.Bob!, { state: 'FAILED', reason: 'Prompt is empty', provider: null }),
      rowWrite(ids.Cy!),
      rowWrite(ids.Di!, { state: 'SKIPPED', reason: 'Logo must be yes or no (got "maybe")' }),
    ]);
    expect(out).toEqual({ ok: true, written: 3, missingRowIds: [ids.Cy] });

    const table = await readWorkbook(file);
    const byName = Object.fromEntries(table.rows.map((r) => [r.cells.Name, r]));
    expect(table.rows.map((r) => r.cells.Name)).toEqual(['Di', 'Bob', 'Eve', 'Ada']);
    expect(byName.Ada!.cells).toMatchObject({
      'Row ID': ids.Ada, Status: 'DONE', Error: '', Provider: 'gemini', 'Cost (USD)': '0.3', 'Batch ID': 'b_test',
      'Updated at': '2025-01-02T03:04:05.000Z',
      'Image URL': `https://rowshot.test/a/${ids.Ada}-1x1-1`,
      'Thumbnail URL': `https://rowshot.test/a/${ids.Ada}-1x1-1-thumb`,
      Image: `https://rowshot.test/a/${ids.Ada}-1x1-1-thumb`,
    });
    expect(byName.Bob!.cells).toMatchObject({ Status: 'FAILED: Prompt is empty', Error: 'Prompt is empty', Provider: '', 'Image URL': '' });
    expect(byName.Di!.cells).toMatchObject({ Status: 'SKIPPED: Logo must be yes or no (got "maybe")', Error: 'Logo must be yes or no (got "maybe")' });
    expect(byName.Eve!.cells).toMatchObject({ 'Row ID': '', Status: '' });

    // Byte-level: BOM and CRLF kept; the inserted row untouched; in written rows every
    // input field and the Row ID are exactly the text they were.
    const after = await readFile(file, 'utf8');
    expect(after.startsWith('\ufeffName,Prompt,Note,Row ID,')).toBe(true);
    expect(after.replace(/\r\n/g, '')).not.toContain('\n'); // no stray LF line endings
    expect(after).toContain(`\r\n${inserted}\r\n`);
    const rawAfter = await rawRecords(file);
    const rawBefore = parseCsvText(edited.slice(1)).map((r) => r.raws);
    for (let i = 0; i < rawBefore.length; i++) expect(rawAfter[i]!.slice(0, 4)).toEqual(rawBefore[i]!.slice(0, 4));
    expect(rawAfter[4]![2]).toBe('plain');
    expect(rawAfter[2]![2]).toBe('"two\r\nlines"');
  });

  it('keeps LF line endings and files without a BOM as they are', async () => {
    const file = path.join(root, 'lf.csv');
    await writeFile(file, 'Prompt,Row ID\nhello,r_lf\nagain,r_other\n');
    const out = await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [rowWrite('r_lf')]);
    expect(out).toMatchObject({ ok: true, written: 1 });
    const text = await readFile(file, 'utf8');
    expect(text.includes('\r')).toBe(false);
    expect(text.charCodeAt(0)).toBe('P'.charCodeAt(0));
    expect(text.split('\n')[2]).toBe(`again,r_other${','.repeat(10)}`); // padded to the new columns
  });

  it('writes results into a Windows-1252 file without damaging its other bytes', async () => {
    const file = path.join(root, 'ansi.csv');
    const original = Buffer.concat([Buffer.from('Name,Row ID\r\nJos', 'latin1'), Buffer.from([0xe9, 0x92]), Buffer.from(',r_ansi\r\n', 'latin1')]);
    await writeFile(file, original);
    const out = await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [rowWrite('r_ansi', { state: 'FAILED', reason: 'It’s “wrong” — 漢' })]);
    expect(out).toMatchObject({ ok: true, written: 1 });
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 'Name,Row ID'.length).toString('latin1')).toBe('Name,Row ID');
    const row = bytes.subarray(bytes.indexOf('\r\n') + 2);
    expect(row.subarray(0, 13)).toEqual(Buffer.concat([Buffer.from('Jos', 'latin1'), Buffer.from([0xe9, 0x92]), Buffer.from(',r_ansi,', 'latin1')]));
    expect((await readWorkbook(file)).rows[0]!.cells.Error).toBe('It’s “wrong” — ?');
  });

  it('prefixes result text that a spreadsheet would run as a formula, and only that', async () => {
    const { file, ids } = await preparedCsv('formula.csv');
    const out = await target.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [
      rowWrite(ids.Ada!, { state: 'FAILED', reason: '=HYPERLINK("http://evil.test","click")', provider: '+1', batchId: '@SUM(A1)' }),
      rowWrite(ids.Bob!, { state: 'SKIPPED', reason: '-2', provider: '\tcmd' }),
    ]);
    expect(out).toMatchObject({ ok: true, written: 2 });
    const rows = Object.fromEntries((await readWorkbook(file)).rows.map((r) => [r.cells.Name, r.cells]));
    expect(rows.Ada).toMatchObject({ Error: `'=HYPERLINK("http://evil.test","click")`, Provider: "'+1", 'Batch ID': "'@SUM(A1)" });
    expect(rows.Ada!.Status).toBe('FAILED: =HYPERLINK("http://evil.test","click")'); // starts with F: not a formula
    expect(rows.Bob).toMatchObject({ Error: "'-2", Provider: "'\tcmd" });
    // Quoted correctly on disk, and the user's own "=1+1" input is left exactly as it was.
    const raw = await readFile(file, 'utf8');
    expect(raw).toContain(`"'=HYPERLINK(""http://evil.test"",""click"")"`);
    expect(raw).toContain('\r\nCy,=1+1,  spaced  ,');
  });

  it('copies images into the assets folder, one line per image in the order given', async () => {
    const { file, ids } = await preparedCsv('cards.csv');
    const id = ids.Ada!;
    const images = [image(id, '1:1', 1), image(id, '1:1', 2), image(id, '9:16', 1)];
    const bytes = await Promise.all(images.map((img, i) => storeImage(img, ['#c00', '#0c0', '#00c'][i]!)));
    const out = await target.write({ kind: 'workbook', path: file }, 't1', [rowWrite(id, { images })]);
    expect(out).toMatchObject({ ok: true, written: 1 });

    const cells = (await readWorkbook(file)).rows.find((r) => r.cells.Name === 'Ada')!.cells;
    const expected = ['1x1-v1', '1x1-v2', '9x16-v1'];
    expect(cells['Image URL']).toBe(expected.map((n) => `cards-assets/${id}/${n}.png`).join('\n'));
    expect(cells['Thumbnail URL']).toBe(expected.map((n) => `cards-assets/${id}/${n}-thumb.png`).join('\n'));
    expect(cells.Image).toBe(`cards-assets/${id}/1x1-v1-thumb.png`);
    for (const [i, n] of expected.entries()) {
      expect(await readFile(path.join(root, 'cards-assets', id, `${n}.png`))).toEqual(bytes[i]!.image);
      expect(await readFile(path.join(root, 'cards-assets', id, `${n}-thumb.png`))).toEqual(bytes[i]!.thumb);
    }

    // Re-sending the same row does not rewrite identical files.
    const before = await stat(path.join(root, 'cards-assets', id, '1x1-v1.png'));
    await target.write({ kind: 'workbook', path: file }, 't1', [rowWrite(id, { images })]);
    expect((await stat(path.join(root, 'cards-assets', id, '1x1-v1.png'))).ino).toBe(before.ino);
  });

  it('uses a custom assets folder, and falls back to the link when an asset is gone', async () => {
    const { file, ids } = await preparedCsv('custom.csv');
    const id = ids.Bob!;
    const kept = image(id, '4:5', 1);
    await storeImage(kept, '#888');
    const gone = image(id, '4:5', 2); // never stored
    const out = await target.write({ kind: 'workbook', path: file, assetsDir: 'out/images' }, 't1', [rowWrite(id, { images: [kept, gone] })]);
    expect(out).toMatchObject({ ok: true, written: 1 });
    const cells = (await readWorkbook(file)).rows.find((r) => r.cells.Name === 'Bob')!.cells;
    expect(cells['Image URL']).toBe(`out/images/${id}/4x5-v1.png\n${gone.image.url}`);
    await expect(stat(path.join(root, 'out/images', id, '4x5-v1-thumb.png'))).resolves.toBeTruthy();
  });

  it('keeps asset file names inside the assets folder whatever the Row ID', async () => {
    const file = path.join(root, 'odd-ids.csv');
    await writeFile(file, 'Row ID,Prompt\n..,x\nns:1,y\n');
    const dots = image('..', '1:1', 1);
    const colon = image('ns:1', '1:1', 1);
    await storeImage(dots, '#111');
    await storeImage(colon, '#222');
    const out = await target.write({ kind: 'workbook', path: file }, 't1', [rowWrite('..', { images: [dots] }), rowWrite('ns:1', { images: [colon] })]);
    expect(out).toMatchObject({ ok: true, written: 2 });
    const rows = (await readWorkbook(file)).rows;
    expect(rows[0]!.cells['Image URL']).toBe('odd-ids-assets/x-fyxa/1x1-v1.png');
    expect(rows[1]!.cells['Image URL']).toBe('odd-ids-assets/x-nzztumi/1x1-v1.png');
  });

  it('gives distinct Row IDs distinct image folders: SKU:12, SKU_12 and sku_12 each show their own picture', async () => {
    const file = path.join(root, 'skus.csv');
    await writeFile(file, 'Row ID,Prompt\nSKU:12,x\nSKU_12,y\nsku_12,z\n');
    const ids = ['SKU:12', 'SKU_12', 'sku_12'];
    const imgs = ids.map((id) => image(id, '1:1', 1));
    const colours = ['#aa0000', '#00aa00', '#0000aa'];
    for (const [i, img] of imgs.entries()) await storeImage(img, colours[i]!);
    const out = await target.write({ kind: 'workbook', path: file }, 't1', ids.map((id, i) => rowWrite(id, { images: [imgs[i]!] })));
    expect(out).toMatchObject({ ok: true, written: 3 });
    const rows = (await readWorkbook(file)).rows;
    const links = rows.map((r) => String(r.cells['Image URL']));
    expect(new Set(links).size).toBe(3);
    expect(links).toEqual(['skus-assets/x-knfvkorrgi/1x1-v1.png', 'skus-assets/x-knfvkxzrgi/1x1-v1.png', 'skus-assets/sku_12/1x1-v1.png']);
    for (const [i, link] of links.entries()) expect(await readFile(path.join(root, link))).toEqual(assets.blobs.get(imgs[i]!.image.key));
  });

  it('refuses targets outside the allowed roots, including via .. and symlinks', async () => {
    const { dir: outside, cleanup: cleanupOutside } = await tempDir('rowshot-outside-');
    try {
      const victim = path.join(outside, 'victim.csv');
      const original = 'Row ID,Prompt\nr_1,x\n';
      await writeFile(victim, original);
      const link = path.join(root, 'innocent.csv');
      await symlink(victim, link);
      const linkedDir = path.join(root, 'linked-dir');
      await symlink(outside, linkedDir);

      for (const p of [victim, path.join(root, '..', path.basename(outside), 'victim.csv'), link, path.join(linkedDir, 'victim.csv')]) {
        const out = await target.write({ kind: 'workbook', path: p, links: 'urls' }, 't1', [rowWrite('r_1')]);
        expect(out, p).toEqual({ ok: false, kind: 'permanent', reason: expect.stringContaining('outside the folders this server may write to') });
      }
      const { file } = await preparedCsv('escape.csv');
      const out = await target.write({ kind: 'workbook', path: file, assetsDir: path.join(outside, 'assets') }, 't1', [rowWrite('r_1')]);
      expect(out).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringContaining('assets folder') });
      const none = new WorkbookTarget({ readAsset: assets.readAsset, allowedRoots: [] });
      expect(await none.write({ kind: 'workbook', path: file, links: 'urls' }, 't1', [rowWrite('r_1')])).toMatchObject({ ok: false, kind: 'permanent' });
      expect(await readFile(victim, 'utf8')).toBe(original);
    } finally {
      await cleanupOutside();
    }
  });

  it('reports missing files, broken files and a missing Row ID column as readable failures', async () => {
    const write = (p: string) => target.write({ kind: 'workbook', path: path.join(root, p), links: 'urls' }, 't1', [rowWrite('r_1')]);
    expect(await write('gone.csv')).toEqual({ ok: false, kind: 'permanent', reason: '"gone.csv" was not found (was it moved, renamed or deleted?)' });
    await writeFile(path.join(root, 'broken.csv'), 'Row ID,Prompt\nr_1,"oops\n');
    expect(await write('broken.csv')).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringContaining('never closed') });
    await writeFile(path.join(root, 'no-id.csv'), 'Prompt\nx\n');
    expect(await write('no-id.csv')).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringContaining('has no Row ID column') });
    await mkdir(path.join(root, 'folder.csv'));
    expect(await write('folder.csv')).toMatchObject({ ok: false, kind: 'permanent' });
    expect(await write('notes.txt')).toMatchObject({ ok: false, kind: 'permanent', reason: expect.stringContaining('is not a .csv or .xlsx file') });
    expect(await target.write({ kind: 'none' }, 't1', [])).toMatchObject({ ok: false, kind: 'permanent' });
  });

  it('checks a target when a batch is accepted, with the reason it cannot be written', async () => {
    const { file } = await preparedCsv('checked.csv');
    expect(await target.checkTarget({ kind: 'workbook', path: file })).toBeNull();
    expect(await target.checkTarget({ kind: 'workbook', path: path.join(root, 'missing.csv') })).toBe('"missing.csv" was not found (was it moved, renamed or deleted?)');
    expect(await target.checkTarget({ kind: 'workbook', path: '/etc/passwd.csv' })).toContain('outside the folders this server may write to');
    expect(await target.checkTarget({ kind: 'workbook', path: file, assetsDir: '../../elsewhere' })).toContain('the assets folder "../../elsewhere" is outside');
    expect(await target.checkTarget({ kind: 'workbook', path: path.join(root, 'cards.numbers') })).toContain('is not a .csv or .xlsx file');
    await writeFile(path.join(root, 'unprepared.csv'), 'Prompt\nx\n');
    expect(await target.checkTarget({ kind: 'workbook', path: path.join(root, 'unprepared.csv') })).toContain('"unprepared.csv" has no Row ID column');
    expect(await target.checkTarget({ kind: 'google-sheet', spreadsheetId: '1234567890abc' })).toContain('cannot write');
  });
});
