// Builds the builder's fixture add-on (test/addon/build/fixtures) into a temp folder.
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildAddon, type BuildAddonOptions, type BuildReport } from '../../../addon/build/build-addon';

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const fixture = (...parts: string[]): string => path.join(FIXTURES, ...parts);

export async function tempOutDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'rowshot-addon-build-'));
}

export async function buildFixture(overrides: Partial<BuildAddonOptions> = {}): Promise<BuildReport> {
  return buildAddon({
    outDir: overrides.outDir ?? (await tempOutDir()),
    entry: fixture('server/index.ts'),
    entryPoints: fixture('server/entry-points.ts'),
    rpc: fixture('server/rpc.ts'),
    uiDir: fixture('ui'),
    manifest: fixture('appsscript.json'),
    env: {},
    ...overrides,
  });
}
