// appsscript.json is copied into the build; ROWSHOT_ADDON_BACKEND_URL replaces urlFetchWhitelist
// with the backend's origin alone, and a non-https URL stops the build with one line naming the variable.
import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildManifest } from '../../../addon/build/manifest';
import { buildFixture, fixture, tempOutDir } from './fixture-build';

const run = promisify(execFile);

async function builtManifest(env: Record<string, string>): Promise<unknown> {
  const outDir = await tempOutDir();
  try {
    await buildFixture({ outDir, env });
    return JSON.parse(await readFile(path.join(outDir, 'appsscript.json'), 'utf8'));
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

describe('manifest', () => {
  it('copies appsscript.json unchanged when no backend URL is set', async () => {
    const source = JSON.parse(await readFile(fixture('appsscript.json'), 'utf8'));
    expect(await builtManifest({})).toEqual(source);
  });

  it('whitelists the origin of ROWSHOT_ADDON_BACKEND_URL', async () => {
    const manifest = await builtManifest({ ROWSHOT_ADDON_BACKEND_URL: 'https://rowshot.example.com:8443/api/v1?x=1' });
    expect(manifest).toMatchObject({ runtimeVersion: 'V8', urlFetchWhitelist: ['https://rowshot.example.com:8443/'] });
  });

  it('replaces the default whitelist with exactly the backend origin, and keeps the default when unset', async () => {
    const source = JSON.stringify({ runtimeVersion: 'V8', urlFetchWhitelist: ['https://*.run.app/'] });
    expect(JSON.parse(buildManifest(source, 'https://rowshot-abc.a.run.app/v1'))).toEqual({
      runtimeVersion: 'V8', urlFetchWhitelist: ['https://rowshot-abc.a.run.app/'],
    });
    expect(JSON.parse(buildManifest(source, undefined)).urlFetchWhitelist).toEqual(['https://*.run.app/']);
    expect(JSON.parse(buildManifest(source, '  ')).urlFetchWhitelist).toEqual(['https://*.run.app/']);
    const repository = JSON.parse(await readFile(path.resolve(fixture(), '../../../../appsscript.json'), 'utf8'));
    expect(JSON.parse(buildManifest(JSON.stringify(repository), 'https://rowshot.example.com')).urlFetchWhitelist).toEqual(['https://rowshot.example.com/']);
  });

  it('refuses a non-https backend URL with a message naming the variable, leaving the previous build', async () => {
    const outDir = await tempOutDir();
    try {
      await buildFixture({ outDir });
      const before = await readFile(path.join(outDir, 'Code.js'), 'utf8');
      await expect(buildFixture({ outDir, env: { ROWSHOT_ADDON_BACKEND_URL: 'http://rowshot.example.com' } })).rejects.toMatchObject({
        code: 'bad_backend_url',
        message: 'ROWSHOT_ADDON_BACKEND_URL must be an https:// URL (Apps Script fetches only https), got "http://rowshot.example.com"',
      });
      expect(await readFile(path.join(outDir, 'Code.js'), 'utf8')).toBe(before);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  it('makes npm run build:addon exit 1 with one line on a bad backend URL', async () => {
    const root = path.resolve(fixture(), '../../../..');
    const failure = await run(process.execPath, ['bin/run-ts.mjs', 'addon/build/build.ts'], {
      cwd: root,
      env: { ...process.env, ROWSHOT_ADDON_BACKEND_URL: 'ftp://files.example.com' },
    }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split('\n')).toEqual([
      'build:addon failed: ROWSHOT_ADDON_BACKEND_URL must be an https:// URL (Apps Script fetches only https), got "ftp://files.example.com"',
    ]);
  });
});
