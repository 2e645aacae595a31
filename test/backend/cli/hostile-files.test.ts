// Files and cells a hostile (or unlucky) user gives the CLI: one line naming the file and what
// to do, the file untouched, and nothing from the data reaching the terminal raw.
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { campaignXlsx } from '../../../examples/make-workbooks';
import { runCli } from '../../helpers/cli';

let dir: string;
const env = () => ({ ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_FLUSH_INTERVAL_MS: '300' });
// C0 and C1 controls, DEL and bidi overrides: nothing of these may reach the terminal.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-hostile-'));
});

describe('rowshot run with files it cannot read', () => {
  it('answers one line naming the file, without a stack trace, and leaves each file as it was', async () => {
    const real = await campaignXlsx();
    const files: [string, Buffer, string][] = [
      ['empty.csv', Buffer.alloc(0), 'rowshot: "empty.csv" is empty (0 bytes); add a header row with a Prompt column and one row per image, then run again'],
      ['quote.csv', Buffer.from('Prompt,Notes\nA fox,"never closed\nA cat,x\n'), 'rowshot: "quote.csv" has a quoted field that is never closed (record 2); fix the stray " and try again'],
      ['locked.xlsx', Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]), 'rowshot: "locked.xlsx" is password-protected or an old .xls file; save it as an unprotected .xlsx workbook'],
      ['cut.xlsx', real.subarray(0, Math.floor(real.length / 2)), 'rowshot: "cut.xlsx" is not a complete .xlsx workbook (it may be truncated or still being saved)'],
    ];
    for (const [name, bytes, line] of files) {
      const file = path.join(dir, name);
      await writeFile(file, bytes);
      const before = await stat(file);
      const r = await runCli(['run', name], env(), dir);
      expect(r.code, name).toBe(1);
      expect(r.stderr.trim(), name).toBe(line);
      expect(await readFile(file), name).toEqual(bytes);
      expect((await stat(file)).mtimeMs, name).toBe(before.mtimeMs);
    }
  }, 180_000);

  it('keys with a bad tenant: one line naming the flag', async () => {
    const r = await runCli(['keys', 'rotate-links', '--tenant', 'Bad Tenant!'], env(), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('rowshot: --tenant "Bad Tenant!": tenant names use lowercase letters, digits and dashes (at most 40 characters)');
  }, 180_000);
});

describe('rowshot run with UTF-16 and hostile cells', () => {
  it('runs a UTF-16 LE file without a BOM and writes the results back in UTF-16', async () => {
    const file = path.join(dir, 'wide.csv');
    await writeFile(file, Buffer.from('Name,Prompt\r\nJosé,A café\r\n', 'utf16le'));
    const r = await runCli(['run', 'wide.csv'], env(), dir);
    expect(r.stdout).toMatch(/1 done, 0 failed/);
    expect(r.code).toBe(0);
    const text = (await readFile(file)).toString('utf16le');
    expect(text.startsWith('Name,Prompt,')).toBe(true);
    expect(text).toContain('José,A café,');
    expect(text).toContain(',DONE,');
  }, 180_000);

  it('strips control characters from everything it prints that came from the data', async () => {
    const file = path.join(dir, 'evil.csv');
    const osc = '\u001b]0;owned\u0007\u001b[2J\u009b31m\u202e';
    await writeFile(file, `Name,Prompt,Reference pack\nevil,A fox,${osc}pack\n`);
    const r = await runCli(['run', 'evil.csv'], env(), dir);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/row 2 \(r_\w+\): FAILED: Reference pack "\?\]0;owned\?\?\[2J\?31m\?pack" was not found/);
    expect(r.stdout).not.toMatch(CONTROL);
    // The progress bar may redraw with \r; nothing else.
    expect(r.stderr.replace(/\r/g, '')).not.toMatch(CONTROL);
  }, 180_000);
});
