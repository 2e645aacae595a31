// `rowshot preview FILE [--row N]`: one row made in-process, images written to a folder and
// their paths printed; the file is only read and no batch is made.
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRowshot, LOCAL_TENANT } from '../../../backend/src/compose';
import { loadConfig } from '../../../backend/src/config';
import { listBatches } from '../../../backend/src/core/batches/query-batches';
import { runCli } from '../../helpers/cli';

let dir: string;
const env = () => ({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot') });
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-preview-'));
});

describe('rowshot preview', () => {
  const text = 'Name,Prompt,Sizes,Model,Headline\nbroken,,1:1,template,\nmug,A mug,"1:1, 9:16",template,Hello\ncap,A cap,4:5,template,Hi\n';

  it('makes the first valid row in all its sizes, or the row asked for, and changes neither the file nor the batches', async () => {
    const file = path.join(dir, 'shop.csv');
    await writeFile(file, text);
    const r = await runCli(['preview', 'shop.csv'], env(), dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('Preview of row 3 (template, $0.00):');
    expect(lines.slice(1)).toEqual([path.join('shop-preview', 'row3-1080x1080-v1.png'), path.join('shop-preview', 'row3-608x1080-v1.png')]);
    for (const rel of lines.slice(1)) expect((await readFile(path.join(dir, rel))).subarray(1, 4).toString()).toBe('PNG');

    const asked = await runCli(['preview', 'shop.csv', '--row', '4', '--out', 'looks'], env(), dir);
    expect(asked.code).toBe(0);
    expect(await readdir(path.join(dir, 'looks'))).toEqual(['row4-864x1080-v1.png']);
    expect(await readFile(file, 'utf8')).toBe(text);

    const loaded = loadConfig({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), PORT: '0', ROWSHOT_LOG_LEVEL: 'silent' });
    if (!loaded.ok) throw new Error(loaded.message);
    const rowshot = await createRowshot(loaded.config);
    try {
      expect((await listBatches(rowshot.deps, LOCAL_TENANT, {})).batches).toEqual([]);
    } finally {
      await rowshot.close();
    }
  }, 120_000);

  it('says in one line why a row cannot be previewed', async () => {
    await writeFile(path.join(dir, 'shop2.csv'), text);
    const bad = await runCli(['preview', 'shop2.csv', '--row', '2'], env(), dir);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe('rowshot: row 2: The row cannot be made: Prompt is empty');
    const missing = await runCli(['preview', 'shop2.csv', '--row', '9'], env(), dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr.split('\n')[0]).toBe('rowshot: --row 9: the file has no data in row 9 (rows 2 to 4)');
  }, 120_000);
});
