// `npm start` without --workbook: the playground binds a fresh copy of the greeting-cards example
// on every start (never the results of an earlier run or of the README's quick start), and says so.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { greetingCardsCsv } from '../../../examples/make-workbooks';

const dirs: string[] = [];
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

async function startPlayground(dataDir: string): Promise<string> {
  const child = spawn(process.execPath, ['bin/run-ts.mjs', 'addon/dev/playground/main.ts'], {
    env: { ...process.env, PORT: '0', PLAYGROUND_PORT: '0', ROWSHOT_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
  for (let i = 0; i < 600 && !/Sheet: .*\n/.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return output;
}

describe('playground start', () => {
  it('replaces an earlier, processed copy with the pristine example and says so', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-pristine-'));
    dirs.push(dir);
    const copy = path.join(dir, 'data', 'playground', 'greeting-cards.csv');
    await mkdir(path.dirname(copy), { recursive: true });
    await writeFile(copy, 'Name,Prompt,Status,Image URL\nAisha,x,DONE,greeting-cards-assets/r_1.png\n');
    const output = await startPlayground(path.join(dir, 'data'));
    expect(output).toContain(`Sheet: a fresh copy of the greeting-cards example (${copy}), made anew on every start; --workbook FILE binds your own.`);
    expect(await readFile(copy, 'utf8')).toBe(greetingCardsCsv());
    expect(greetingCardsCsv()).not.toMatch(/DONE/);
  }, 90_000);
});
