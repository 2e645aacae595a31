// packs/ folder sync: a changed pack is replaced only once the new version is complete; a
// folder's kit.json and fonts are its brand kit.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../../../shared/index';
import { ApiClient, ApiError } from '../../../backend/src/cli/api-client';
import { RunRefused } from '../../../backend/src/cli/cli-errors';
import { syncPackDir } from '../../../backend/src/cli/pack-dir';

const require = createRequire(import.meta.url);
import { runCli } from '../../helpers/cli';
import { startTestServer, type TestServer } from '../../helpers/server';

const png = (w: number, h: number, background: string) => sharp({ create: { width: w, height: h, channels: 3, background } }).png().toBuffer();

describe('syncPackDir', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(() => s.close());

  it('keeps the old pack when the new version has a bad image, and swaps it in whole once it is good', async () => {
    const dir = path.join(s.dataDir, 'packs');
    const folder = path.join(dir, 'brand');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, '1.png'), await png(64, 64, '#cc3300'));
    const client = new ApiClient(s.url, s.key);
    const state = path.join(s.dataDir, 'cli-packs.json');
    const packs = async (): Promise<Pack[]> => (await client.listPacks()).packs;

    expect((await syncPackDir(client, dir, state, 'local')).created).toEqual(['brand']);
    const first = (await packs())[0]!;
    expect(first.images).toHaveLength(1);

    // A corrupt image in the new version: refused, and the old pack is still there, whole.
    await writeFile(path.join(folder, '2.png'), Buffer.from('\x89PNG\r\n\x1a\nnot really a png'));
    const err = await syncPackDir(client, dir, state, 'local').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(415);
    expect((await packs()).map((p) => [p.id, p.name, p.images.length])).toEqual([[first.id, 'brand', 1]]);

    await writeFile(path.join(folder, '2.png'), await png(64, 64, '#0033cc'));
    expect((await syncPackDir(client, dir, state, 'local')).created).toEqual(['brand']);
    const after = await packs();
    expect(after.map((p) => [p.name, p.images.length])).toEqual([['brand', 2]]);
    expect(after[0]!.id).not.toBe(first.id);
  });

  it('uploads kit.json and the fonts with the pack, patches a changed kit.json as a new kit version, and refuses a bad one naming the field', async () => {
    const dir = path.join(s.dataDir, 'kit-packs');
    const folder = path.join(dir, 'acme');
    await mkdir(folder, { recursive: true });
    await writeFile(path.join(folder, '1.png'), await png(64, 64, '#224466'));
    await writeFile(path.join(folder, 'kit.json'), JSON.stringify({ headlineColor: '#ffd400', position: 'top' }));
    await writeFile(path.join(folder, 'headline.woff2'), readFileSync(require.resolve('@fontsource/noto-sans-hebrew/files/noto-sans-hebrew-hebrew-700-normal.woff2')));
    const client = new ApiClient(s.url, s.key);
    const state = path.join(s.dataDir, 'cli-kit-packs.json');
    const acme = async (): Promise<Pack> => (await client.listPacks()).packs.find((p) => p.name === 'acme')!;

    expect((await syncPackDir(client, dir, state, 'local')).created).toEqual(['acme']);
    const first = await acme();
    expect(first.brandKit).toMatchObject({ version: 1, style: { headlineColor: '#ffd400', position: 'top' }, headlineFont: { family: expect.stringMatching(/^Noto Sans Hebrew/) }, sublineFont: null });
    expect((await syncPackDir(client, dir, state, 'local')).unchanged).toEqual(['acme']);

    await writeFile(path.join(folder, 'kit.json'), JSON.stringify({ position: 'bottom', scrim: 'plate' }));
    expect((await syncPackDir(client, dir, state, 'local')).created).toEqual(['acme']);
    const second = await acme();
    expect(second.id).toBe(first.id);
    expect(second.brandKit).toMatchObject({ version: 2, style: { position: 'bottom', scrim: 'plate' } });
    expect(second.brandKit?.style.headlineColor).toBeUndefined();

    await writeFile(path.join(folder, 'kit.json'), JSON.stringify({ position: 'middle' }));
    const err = await syncPackDir(client, dir, state, 'local').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RunRefused);
    expect((err as Error).message).toMatch(/^acme\/kit\.json: position: /);
    expect((await acme()).brandKit?.version).toBe(2);
  });

  it('rowshot run refuses a bad kit.json before the file is touched', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-kit-'));
    await mkdir(path.join(dir, 'packs', 'acme'), { recursive: true });
    await writeFile(path.join(dir, 'packs', 'acme', '1.png'), await png(64, 64, '#224466'));
    await writeFile(path.join(dir, 'packs', 'acme', 'kit.json'), JSON.stringify({ headlineColor: 'yellow' }));
    const csv = 'Prompt,Reference pack\nA card,acme\n';
    await writeFile(path.join(dir, 'cards.csv'), csv);
    const r = await runCli(['run', 'cards.csv'], { ROWSHOT_DATA_DIR: path.join(dir, '.rowshot') }, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe('rowshot: acme/kit.json: headlineColor: must be a colour as #rrggbb, or "auto"; nothing was uploaded');
    expect(await readFile(path.join(dir, 'cards.csv'), 'utf8')).toBe(csv);
  });
});
