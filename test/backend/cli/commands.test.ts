import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli';
import { startTestServer } from '../../helpers/server';

describe('rowshot keys, packs and serve', () => {
  it('keys create prints a key once, which then authenticates as that tenant', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-keys-'));
    const env = { ROWSHOT_DATA_DIR: dir };
    const r = await runCli(['keys', 'create', '--tenant', 'acme'], env, dir);
    expect(r.code).toBe(0);
    const key = r.stdout.trim();
    expect(key).toMatch(/^rs_[A-Za-z0-9_-]{43}$/);
    expect(r.stderr).toMatch(/shown only this once/);
    const s = await startTestServer({ ROWSHOT_DATA_DIR: dir });
    try {
      expect((await s.api('/v1/packs', { key })).status).toBe(200);
    } finally {
      await s.close();
    }
    const bad = await runCli(['keys', 'create', '--tenant', 'Not Valid!'], env, dir);
    expect(bad.code).toBe(1);
  }, 60_000);

  it('packs create uploads images into the local tenant', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-packs-'));
    await writeFile(path.join(dir, 'a.png'), await sharp({ create: { width: 64, height: 64, channels: 3, background: '#123456' } }).png().toBuffer());
    await writeFile(path.join(dir, 'logo.png'), await sharp({ create: { width: 32, height: 16, channels: 4, background: '#ffffff00' } }).png().toBuffer());
    const r = await runCli(['packs', 'create', 'Brand', 'a.png', '--mode', 'style_only', '--logo', 'logo.png'], { ROWSHOT_DATA_DIR: path.join(dir, 'data') }, dir);
    expect(r.stdout).toMatch(/Created pack "Brand" \(p_[a-z2-7]{10}\) with 1 image\(s\) and a logo/);
    expect(r.code).toBe(0);
    const wrongMode = await runCli(['packs', 'create', 'X', 'a.png', '--mode', 'sideways'], { ROWSHOT_DATA_DIR: path.join(dir, 'data') }, dir);
    expect(wrongMode.code).toBe(1);
    expect(wrongMode.stderr.split('\n')[0]).toBe('rowshot: --mode "sideways" is not one of style_only, style_and_composition');
  }, 60_000);

  it('serve stops at start-up with one line naming a bad setting', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-serve-'));
    const r = await runCli(['serve'], { ROWSHOT_DATA_DIR: dir, PORT: 'eighty' }, dir);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^Invalid configuration: PORT: .*\(got "eighty"\)/);
  }, 60_000);
});
