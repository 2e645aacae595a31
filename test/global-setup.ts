// Builds the add-on once per test run into a temp folder; the bundle and browser tests read it
// through inject('addonDir') instead of each building their own copy.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildAddon } from '../addon/build/build-addon';

declare module 'vitest' {
  export interface ProvidedContext {
    addonDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-addon-build-'));
  await buildAddon({ outDir: dir, env: {} });
  project.provide('addonDir', dir);
  return () => rm(dir, { recursive: true, force: true });
}
