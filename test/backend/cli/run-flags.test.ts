import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRowshot, LOCAL_TENANT } from '../../../backend/src/compose';
import { loadConfig } from '../../../backend/src/config';
import { listBatches } from '../../../backend/src/core/batches/query-batches';
import { runCli } from '../../helpers/cli';

let dir: string;
const env = (extra: Record<string, string> = {}) => ({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_FLUSH_INTERVAL_MS: '300', ...extra });
const readCsv = async (file: string) => parse(await readFile(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];

/** The batches stored in the CLI's data folder, read through the core (no server runs). */
async function storedBatches(): Promise<{ name: string; rowCount: number }[]> {
  const loaded = loadConfig({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), PORT: '0', ROWSHOT_LOG_LEVEL: 'silent' });
  if (!loaded.ok) throw new Error(loaded.message);
  const rowshot = await createRowshot(loaded.config);
  try {
    return (await listBatches(rowshot.deps, LOCAL_TENANT, {})).batches;
  } finally {
    await rowshot.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-flags-'));
});

describe('rowshot run --dry-run and --max-cost', () => {
  const text = 'Prompt,Sizes,Variants,Model\nA fox,"1:1, 16:9",2,gemini-3.1-flash-image\nA cat,1:1,1,template\n,1:1,1,\nA dog,4:5,1,auto\n';

  it('prints the estimate per row and in total, submits nothing and leaves the file untouched', async () => {
    const file = path.join(dir, 'dry.csv');
    await writeFile(file, text);
    const before = await stat(file);
    const r = await runCli(['run', 'dry.csv', '--dry-run'], env({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image' }), dir);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Dry run: nothing is submitted and dry.csv is not changed.');
    // 4 images at $0.067, free template, a row that would fail, auto priced at the chain's model.
    expect(lines[1]).toMatch(/^ {2}row 2 {2} 4 images {2}gemini-3\.1-flash-image +\$0\.27$/);
    expect(lines[2]).toMatch(/^ {2}row 3 {2} 1 image +template +\$0\.00$/);
    expect(lines[3]).toBe('  row 4  would fail: Prompt is empty');
    expect(lines[4]).toMatch(/^ {2}row 5 {2} 1 image +gemini-3\.1-flash-image +\$0\.07$/);
    expect(lines[5]).toBe('Total: 4 row(s), 6 image(s), $0.34, 1 would fail.');
    expect(await readFile(file, 'utf8')).toBe(text);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
    // Nothing submitted: no batch exists in the data folder.
    expect(await storedBatches()).toEqual([]);

    const over = await runCli(['run', 'dry.csv', '--dry-run', '--max-cost', '0.10'], env({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image' }), dir);
    expect(over.code).toBe(1);
    expect(over.stdout).toContain('The estimate of $0.34 is over --max-cost $0.10: this run would be refused.');
  }, 60_000);

  it('--max-cost refuses a run over the cap before the file is prepared', async () => {
    const file = path.join(dir, 'capped.csv');
    await writeFile(file, text);
    const r = await runCli(['run', 'capped.csv', '--max-cost', '$0.05'], env({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image' }), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('rowshot: The estimate of $0.34 for 4 row(s) is over --max-cost $0.05: nothing was submitted and the file is unchanged (try --dry-run or --limit).');
    expect(await readFile(file, 'utf8')).toBe(text);
    const bad = await runCli(['run', 'capped.csv', '--max-cost', 'lots'], env(), dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('rowshot: --max-cost "lots" must be an amount in USD, such as 5 or 2.50');
  }, 60_000);
});

describe('rowshot run --limit, --name, --rows and --force', () => {
  it('runs the first N rows that need work under a name, then re-renders chosen DONE rows only with --force', async () => {
    const file = path.join(dir, 'cards.csv');
    await writeFile(file, `Name,Prompt\n${['a', 'b', 'c', 'd', 'e'].map((n) => `${n},Card ${n}`).join('\n')}\n`);
    const first = await runCli(['run', 'cards.csv', '--limit', '2', '--name', 'Spring try-out'], env(), dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Batch b_\w+: 2 row\(s\) \(skipping 3 over --limit\)/);
    let rows = await readCsv(file);
    expect(rows.map((r) => r.Status)).toEqual(['DONE', 'DONE', '', '', '']);
    expect((await storedBatches()).map((b) => [b.name, b.rowCount])).toContainEqual(['Spring try-out', 2]);

    // --rows alone skips DONE rows; with --force they are made again (new batch id); others stay as they were.
    const batchOf = (n: string) => rows.find((r) => r.Name === n)!['Batch ID'];
    const oldB = batchOf('b');
    const skip = await runCli(['run', 'cards.csv', '--rows', '2-3'], env(), dir);
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain('Nothing to do: 2 row(s) already DONE; --force re-renders DONE rows.');
    const forced = await runCli(['run', 'cards.csv', '--rows', '3,5', '--force'], env(), dir);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/Batch b_\w+: 2 row\(s\)\n/);
    rows = await readCsv(file);
    expect(rows.map((r) => r.Status)).toEqual(['DONE', 'DONE', '', 'DONE', '']);
    expect(batchOf('b')).not.toBe(oldB);
    expect(batchOf('a')).not.toBe(batchOf('b'));
    expect(batchOf('d')).toBe(batchOf('b'));

    const bad = await runCli(['run', 'cards.csv', '--rows', '1-3'], env(), dir);
    expect(bad.stderr.split('\n')[0]).toBe('rowshot: --rows "1-3": "1-3" is not a range of data rows (row 1 is the header row)');
    const badLimit = await runCli(['run', 'cards.csv', '--limit', '0'], env(), dir);
    expect(badLimit.stderr.split('\n')[0]).toBe('rowshot: --limit "0" must be a whole number of rows, 1 or more');
  }, 180_000);
});

describe('rowshot run --text and --text-fit', () => {
  it('--text sets the Text mode of rows whose Text cell is empty; a bad value is one line naming the flag', async () => {
    const file = path.join(dir, 'text.csv');
    // One row, rendered three ways: the same row (same place, same Row ID) draws the same
    // background, so with --text none it matches its own render with the headline cleared.
    await writeFile(file, 'Name,Prompt,Headline,Model\nwith,Autumn leaves,Hello Kenji,template\n');
    // Pixels, not file bytes: each file carries its own provenance record id.
    const imageOf = async () => sharp(await readFile(path.join(dir, (await readCsv(file)).find((x) => x.Name === 'with')!['Image URL']!))).raw().toBuffer();
    const r = await runCli(['run', 'text.csv', '--text', 'none', '--text-fit', 'row'], env(), dir);
    expect(r.code).toBe(0);
    const none = await imageOf();
    await writeFile(file, (await readFile(file, 'utf8')).replace('Hello Kenji', ''));
    expect((await runCli(['run', 'text.csv', '--force'], env(), dir)).code).toBe(0);
    expect(Buffer.compare(none, await imageOf())).toBe(0);
    await writeFile(file, (await readFile(file, 'utf8')).replace('with,Autumn leaves,,', 'with,Autumn leaves,Hello Kenji,'));
    expect((await runCli(['run', 'text.csv', '--force'], env(), dir)).code).toBe(0);
    expect(Buffer.compare(none, await imageOf())).not.toBe(0);

    const bad = await runCli(['run', 'text.csv', '--text', 'loud'], env(), dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.split('\n')[0]).toBe('rowshot: --text "loud" must be overlay, model or none');
    const badFit = await runCli(['run', 'text.csv', '--text-fit', 'page'], env(), dir);
    expect(badFit.stderr.split('\n')[0]).toBe('rowshot: --text-fit "page" must be set or row');
  }, 180_000);
});

describe('rowshot run --name-template', () => {
  it("names each row's images from its cells, size and variant, safe for every OS, unique within the row; a bad template changes nothing", async () => {
    const file = path.join(dir, 'names.csv');
    await writeFile(file, 'Prompt,Name,Sizes,Variants,Model\nA card,Ana/Lopez,"1:1, 16:9",1,template\nA card,Kenji,1:1,2,template\n');
    const r = await runCli(['run', 'names.csv', '--name-template', '{{Name}}-{{size}}'], env(), dir);
    expect(r.code, r.stderr).toBe(0);
    const rows = await readCsv(file);
    expect(rows.map((row) => row['Status'])).toEqual(['DONE', 'DONE']);
    const images = rows.map((row) => (row['Image URL'] ?? '').split('\n').map((p) => path.basename(p)));
    // "/" cannot be in a file name; Kenji's two variants share "Kenji-1x1", so the second gets -2.
    expect(images[0]).toEqual(['Ana-Lopez-1080x1080.png', 'Ana-Lopez-1080x608.png']);
    expect(images[1]).toEqual(['Kenji-1080x1080.png', 'Kenji-1080x1080-2.png']);
    for (const p of rows.flatMap((row) => (row['Image URL'] ?? '').split('\n'))) {
      const meta = await sharp(path.join(dir, p)).metadata();
      expect(meta.format).toBe('png');
    }

    const before = await readFile(file, 'utf8');
    const bad = await runCli(['run', 'names.csv', '--force', '--name-template', ' '], env(), dir);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr.split('\n')[0]).toBe('rowshot: --name-template must be 1 to 200 characters, e.g. "{{Name}}-{{size}}-v{{variant}}"');
    expect(await readFile(file, 'utf8')).toBe(before);
  }, 120_000);
});
