// packs/ folder sync: a changed pack is replaced only once the new version is complete.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pack } from '../../../shared/index';
import { ApiClient, ApiError } from '../../../backend/src/cli/api-client';
import { syncPackDir } from '../../../backend/src/cli/pack-dir';
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
});
