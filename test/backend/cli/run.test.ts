import { cp, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeExampleWorkbooks } from '../../../examples/make-workbooks';
import { ROOT, runCli } from '../../helpers/cli';

let dir: string;
const env = (extra: Record<string, string> = {}) => ({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_FLUSH_INTERVAL_MS: '300', ...extra });
const readCsv = async (file: string) => parse(await readFile(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-cli-'));
});

describe('rowshot run (the quick start)', () => {
  it('runs the greeting-card example offline: every row DONE, images on disk, links in the file', async () => {
    // A pristine copy: running the quick start writes results into the committed example.
    await writeExampleWorkbooks(dir);
    await cp(path.join(ROOT, 'examples', 'packs'), path.join(dir, 'packs'), { recursive: true });
    const r = await runCli(['run', 'greeting-cards.csv'], env(), dir);
    // The summary starts with the add-on's status wording: green "Finished" only when all are DONE.
    expect(r.stderr + r.stdout).toMatch(/\nFinished: 20 done, 0 failed/);
    expect(r.code).toBe(0);
    const rows = await readCsv(path.join(dir, 'greeting-cards.csv'));
    expect(rows).toHaveLength(20);
    for (const row of rows) {
      expect(row.Status).toBe('DONE');
      expect(row['Row ID']).toMatch(/^r_[0-9a-z]{10}$/);
      expect(row.Provider).toBe('template');
      expect(row['Cost (USD)']).toBe('0');
      for (const rel of row['Image URL']!.split('\n')) expect((await readFile(path.join(dir, rel))).subarray(1, 4).toString()).toBe('PNG');
    }
    expect((await readdir(path.join(dir, 'greeting-cards-assets'))).length).toBe(20);

    // Re-running skips DONE rows.
    const again = await runCli(['run', 'greeting-cards.csv'], env(), dir);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/Nothing to do: 20 row\(s\) already DONE/);
  }, 120_000);
});

describe('rowshot run with bad input', () => {
  it('fails each bad row with its own reason, finishes the good ones, loses nothing', async () => {
    const header = 'Name,Prompt,Sizes,Variants,Reference pack,Headline,Notes';
    const lines = [
      'good-1,"A calm lake, at dawn",1:1,1,,Hello,"quoted, with comma"',
      'empty-prompt,,1:1,1,,,',
      `too-long,${'x'.repeat(10_000)},1:1,1,,,`,
      'bad-ratio,A tree,Instagram pst,1,,,',
      'zero-variants,A tree,1:1,0,,,',
      'many-variants,A tree,1:1,99,,,',
      'unknown-pack,A tree,1:1,1,no-such-pack,,',
      'formula,A tree,1:1,1,,"=HYPERLINK(""http://evil.example"")","line one\nline two"',
      'good-2,A red fox,16:9,2,,"+1 for @team",',
    ];
    const file = path.join(dir, 'bad.csv');
    await writeFile(file, `\uFEFF${[header, ...lines].join('\r\n')}\r\n`);
    const r = await runCli(['run', 'bad.csv'], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/\nFinished · 6 failed: 3 done, 6 failed, 0 skipped/);
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(text).toContain('\r\n');
    const rows = await readCsv(file);
    expect(rows.map((x) => x.Name)).toEqual(lines.map((l) => l.split(',')[0]));
    const status = Object.fromEntries(rows.map((x) => [x.Name, x.Status]));
    expect(status).toMatchObject({
      'good-1': 'DONE',
      'good-2': 'DONE',
      formula: 'DONE',
      'empty-prompt': 'FAILED: Prompt is empty',
      'too-long': 'FAILED: Prompt is 10000 characters long; the limit is 4000',
      'zero-variants': 'FAILED: Variants must be a whole number from 1 to 4 (got "0")',
      'many-variants': 'FAILED: Variants must be a whole number from 1 to 4 (got "99")',
      'unknown-pack': 'FAILED: Reference pack "no-such-pack" was not found',
    });
    expect(status['bad-ratio']).toBe('FAILED: Size "Instagram pst" is not a known size (did you mean "Instagram post"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)');
    // The Sizes column is read: a 16:9 row's files are named by their exact pixels, sizes then variants.
    expect(rows.find((x) => x.Name === 'good-2')!['Image URL']).toMatch(/^bad-assets\/[^/]+\/1080x608-v1\.png\nbad-assets\/[^/]+\/1080x608-v2\.png$/);
    const formula = rows.find((x) => x.Name === 'formula')!;
    expect(formula.Headline).toBe('=HYPERLINK("http://evil.example")');
    expect(formula.Notes).toBe('line one\nline two');
    expect(rows.find((x) => x.Name === 'good-1')!.Notes).toBe('quoted, with comma');
    expect(rows.find((x) => x.Name === 'good-2')!['Image URL']!.split('\n')).toHaveLength(2);
    expect(r.stdout).toMatch(/6 failed/);
    expect(r.stdout).toMatch(/row 3 \(r_[0-9a-z]+\): FAILED: Prompt is empty/);
  }, 120_000);
});

describe('rowshot usage errors', () => {
  it('exits 1 with one line naming the problem', async () => {
    const missing = await runCli(['run', 'nope.csv'], env(), dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe('rowshot: nope.csv: no such file');
    const wrongType = await runCli(['run', 'notes.txt'], env(), dir);
    expect(wrongType.stderr.split('\n')[0]).toBe('rowshot: notes.txt: Rowshot reads .csv and .xlsx files');
    await writeFile(path.join(dir, 'one.csv'), 'Prompt\nx\n');
    const badEnv = await runCli(['run', 'one.csv'], env({ ROWSHOT_FLUSH_INTERVAL_MS: 'soon' }), dir);
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr.split('\n')[0]).toMatch(/^rowshot: Invalid configuration: ROWSHOT_FLUSH_INTERVAL_MS: .* \(got "soon"\)$/);
    const badFlag = await runCli(['run', 'one.csv', '--frobnicate'], env(), dir);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--frobnicate/);
  }, 60_000);
});
