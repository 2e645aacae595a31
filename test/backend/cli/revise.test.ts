// `rowshot revise FILE`: Review = Changes rows with Feedback are made again as a new version,
// from their current cells, and the new images land in the file; Approve rows and rows without
// feedback are left alone (the latter named); the same feedback twice makes nothing new.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';

let dir: string;
const env = () => ({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_FLUSH_INTERVAL_MS: '300' });
const readCsv = async (file: string) => parse(await readFile(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-revise-'));
});

describe('rowshot revise', () => {
  it('makes Changes rows again from their current cells as a new version, and leaves the rest alone', async () => {
    const file = path.join(dir, 'cards.csv');
    await writeFile(file, 'Prompt,Headline,Model\nA welcome card,"Welcome, Ana",template\nA welcome card,"Welcome, Ben",template\nA welcome card,"Welcome, Cy",template\n');
    const run = await runCli(['run', 'cards.csv'], env(), dir);
    expect(run.code, run.stderr).toBe(0);
    const v1 = await readCsv(file);

    // Without review columns: one line saying what to add, nothing changes.
    const none = await runCli(['revise', 'cards.csv'], env(), dir);
    expect(none.code).toBe(1);
    expect(none.stderr.split('\n')[0]).toBe('rowshot: cards.csv has no Review column: add "Review" (Approve or Changes) and "Feedback" (what to change), then run rowshot revise again');

    // The reviewer: row 2 needs a fix (and the cell is fixed), row 3 is approved, row 4 says Changes without saying what.
    // The review columns the add-on adds (Version and Approved image URL are written only where they exist).
    const reviewed: Record<string, string>[] = v1.map((r, i) => ({ ...r, Review: ['Changes', 'Approve', 'changes'][i]!, Feedback: ['The name is Anna', '', ''][i]!, Version: '', 'Approved image URL': '' }));
    reviewed[0]!.Headline = 'Welcome, Anna';
    await writeFile(file, stringify(reviewed, { header: true }));
    const r = await runCli(['revise', 'cards.csv'], env(), dir);
    expect(r.stdout).toContain('Skipped row 4: Review says Changes but Feedback is empty (say what to change)');
    expect(r.stdout).toMatch(/Batch b_\w+: revising 1 row\(s\), estimated \$0\.00/);
    expect(r.stdout).toContain('Revised 1 of 1 row(s); the new versions are in cards.csv (earlier versions are kept).');
    expect(r.stdout).toMatch(/Batch b_\w+: approved 1 row\(s\)/);
    expect(r.code).toBe(2);
    const v2 = await readCsv(file);
    expect(v2[0]).toMatchObject({ Status: 'DONE', Headline: 'Welcome, Anna', Review: 'Changes', Feedback: 'The name is Anna' });
    // Row 2's image is a new file with new pixels; the others are as they were, and v1's file is kept.
    expect(v2[0]!['Image URL']).not.toBe(v1[0]!['Image URL']);
    const [old, now] = await Promise.all([readFile(path.join(dir, v1[0]!['Image URL']!)), readFile(path.join(dir, v2[0]!['Image URL']!))]);
    expect(now.equals(old)).toBe(false);
    expect(v2[1]!['Image URL']).toBe(v1[1]!['Image URL']);
    // Row 3's approval pins its version: the Approved image URL is its image; versions are numbered.
    expect(v2[1]).toMatchObject({ Version: '1', 'Approved image URL': v1[1]!['Image URL'] });
    expect(v2[0]).toMatchObject({ Version: '2', 'Approved image URL': '' });
    expect(v2[2]!['Image URL']).toBe(v1[2]!['Image URL']);

    // The same feedback again: nothing is made.
    const again = await runCli(['revise', 'cards.csv'], env(), dir);
    expect(again.stdout).toMatch(/1 row\(s\) already show this feedback applied/);
    expect((await readCsv(file))[0]!['Updated at']).toBe(v2[0]!['Updated at']);
  }, 120_000);
});
