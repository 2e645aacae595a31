import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';

let dir: string;
const env = () => ({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_FLUSH_INTERVAL_MS: '300' });
const readCsv = async (file: string) => parse(await readFile(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-preflight-'));
});

describe('rowshot run pre-flight and --map', () => {
  it('stops without a Prompt column, with one message and the --map hint, and leaves the file untouched', async () => {
    const file = path.join(dir, 'renamed.csv');
    const text = 'Prompt for the model,Size,Notes\nA red fox,16:9,x\nA cat,1:1,y\n';
    await writeFile(file, text);
    const before = await stat(file);
    const r = await runCli(['run', 'renamed.csv'], env(), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('rowshot: renamed.csv: No Prompt column. Headers found: "Prompt for the model", "Size", "Notes". Did you mean "Prompt for the model"? Map it with --map "Prompt=Prompt for the model" or rename it.');
    expect(await readFile(file, 'utf8')).toBe(text);
    expect((await stat(file)).mtimeMs).toBe(before.mtimeMs);
  }, 60_000);

  it('runs with --map, reads everyday headers (Image prompt, Size, Use logo?) and warns about look-alikes', async () => {
    const file = path.join(dir, 'mapped.csv');
    await writeFile(file, 'Name,Prompt for the model,Format,Use logo?,Brand kits\nfox,A red fox,"16:9, 1:1",no,\ncat,A cat,1:1,nein,\n');
    const r = await runCli(['run', 'mapped.csv', '--map', 'Prompt=Prompt for the model'], env(), dir);
    expect(r.stderr).toContain('Warning: Column "Brand kits" is not read (it is not a name Rowshot reads as Reference pack). Map it with --map "Reference pack=Brand kits" or rename it.');
    expect(r.code).toBe(0);
    const rows = await readCsv(file);
    expect(rows.map((x) => x.Status)).toEqual(['DONE', 'DONE']);
    expect(rows[0]!['Image URL']!.split('\n')).toHaveLength(2);
  }, 120_000);

  it('--map accepts a synonym on the left (Sizes=…) and refuses a bad one with usage', async () => {
    const file = path.join(dir, 'sizes.csv');
    await writeFile(file, 'Image prompt,Wanted shapes\nA red fox,"9:16, 1:1, 16:9"\n');
    const r = await runCli(['run', 'sizes.csv', '--map', 'Sizes=Wanted shapes'], env(), dir);
    expect(r.code).toBe(0);
    expect((await readCsv(file))[0]!['Image URL']!.split('\n')).toHaveLength(3);

    const bad = await runCli(['run', 'sizes.csv', '--map', 'Colour=Wanted shapes'], env(), dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr.split('\n')[0]).toBe('rowshot: --map "Colour=Wanted shapes": "Colour" is not a Rowshot column; use one of Prompt, Negative prompt, Reference pack, Sizes, Variants, Model, Headline, Subline, Logo, Text, Resize, Reference images, Review, Feedback');
    const noEq = await runCli(['run', 'sizes.csv', '--map', 'Prompt'], env(), dir);
    expect(noEq.stderr.split('\n')[0]).toBe('rowshot: --map "Prompt" needs the form COLUMN=HEADER, e.g. --map "Prompt=Image prompt"');
    const missing = await runCli(['run', 'sizes.csv', '--map', 'Prompt=Nope'], env(), dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe('rowshot: sizes.csv: Prompt is mapped to "Nope", which is not a column here');
  }, 120_000);
});
