// Local Gemini as a user starts it: a key in the environment, `rowshot run FILE`, rows that name a
// Gemini model (or `auto`) made by the wire-fake Gemini and DONE with their cost.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { imageReply, startGeminiFake, type GeminiFake } from '../../helpers/fakes/gemini-fake';

const KEY = 'AIza-local-test-key-0123456789';
let fake: GeminiFake;
let dir: string;
const readCsv = async (file: string) => parse(await readFile(file, 'utf8'), { columns: true, bom: true }) as Record<string, string>[];
const env = (extra: Record<string, string> = {}) => ({
  ROWSHOT_DATA_DIR: path.join(dir, '.rowshot'), ROWSHOT_FLUSH_INTERVAL_MS: '300',
  GEMINI_API_KEY: KEY, ROWSHOT_GEMINI_BASE_URL: fake.url, ...extra,
});
const CSV = 'Name,Prompt,Model\nnamed,A red fox in snow,gemini-3.1-flash-image\nauto,A lighthouse at dusk,auto\n';

beforeAll(async () => {
  fake = await startGeminiFake();
  const png = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#3366cc' } }).png().toBuffer();
  fake.setDefault(imageReply(png, { imageTokens: 1120 }));
  dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-cli-gemini-'));
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.requests.length = 0;
});

describe('rowshot run with GEMINI_API_KEY', () => {
  it('makes the rows with Gemini (auto = the recommended model), shows the estimate, and writes DONE with the cost', async () => {
    const file = path.join(dir, 'gemini.csv');
    await writeFile(file, CSV);
    const r = await runCli(['run', 'gemini.csv'], env(), dir);
    expect(r.stderr + r.stdout).toMatch(/2 done, 0 failed/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Estimate: $0.13 for 2 image(s) in 2 row(s) (gemini-3.1-flash-image).');
    const rows = await readCsv(file);
    for (const row of rows) {
      expect(row.Status, row.Name).toBe('DONE');
      expect(row.Provider, row.Name).toMatch(/^gemini/);
      // 1,120 image tokens at $60 per million.
      expect(Number(row['Cost (USD)']), row.Name).toBeCloseTo(0.0672, 4);
    }
    expect(fake.requests.map((q) => q.model).sort()).toEqual(['gemini-3.1-flash-image', 'gemini-3.1-flash-image']);
    expect(fake.requests.every((q) => q.headers['x-goog-api-key'] === KEY)).toBe(true);
    // The key is a secret: never in the file.
    expect(await readFile(file, 'utf8')).not.toContain(KEY);
  }, 120_000);

  it('without a terminal, refuses a run over ROWSHOT_CONFIRM_ABOVE_USD in one line and changes nothing; --yes runs it', async () => {
    const file = path.join(dir, 'over.csv');
    await writeFile(file, CSV);
    const refused = await runCli(['run', 'over.csv'], env({ ROWSHOT_CONFIRM_ABOVE_USD: '0.05' }), dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      'rowshot: The estimate of $0.13 is over $0.05 (ROWSHOT_CONFIRM_ABOVE_USD) and there is no terminal to ask: pass --yes to run it; nothing was submitted and the file is unchanged.',
    ]);
    expect(await readFile(file, 'utf8')).toBe(CSV);
    expect(fake.requests).toHaveLength(0);

    const yes = await runCli(['run', 'over.csv', '--yes'], env({ ROWSHOT_CONFIRM_ABOVE_USD: '0.05' }), dir);
    expect(yes.code).toBe(0);
    expect((await readCsv(file)).map((row) => row.Status)).toEqual(['DONE', 'DONE']);
  }, 120_000);

  it('names a bad Gemini setting in one line', async () => {
    const r = await runCli(['run', 'gemini.csv'], env({ ROWSHOT_GEMINI_BASE_URL: 'not a url' }), dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^rowshot: Invalid configuration: ROWSHOT_GEMINI_BASE_URL: .*\(got "not a url"\)$/);
  }, 60_000);
});
