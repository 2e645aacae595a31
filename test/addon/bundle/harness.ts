// The real add-on, built into a temp folder and run in a vm with the fake Apps Script services
// and the canned backend: what Apps Script would run, minus Google.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type vm from 'node:vm';
import { buildAddon } from '../../../addon/build/build-addon';
import type { BuiltAddon } from '../../helpers/built-addon';
import {
  createFakeAppsScript, createFakeClock, type ExecutionMode, type FakeAppsScript,
} from '../../../addon/dev/fake-apps-script/index';
import { CUSTOM_FUNCTIONS, TRIGGER_HANDLERS } from '../../../addon/server/entry-points';
import { API_KEY, BACKEND_URL, createFakeBackend, type FakeBackend } from './fake-backend';

/** For bench/addon.ts, which runs outside vitest; tests use builtAddon() (built once per run). */
export async function buildRealAddon(): Promise<BuiltAddon> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rowshot-bundle-'));
  await buildAddon({ outDir: dir, env: {} });
  return { dir, code: await readFile(path.join(dir, 'Code.js'), 'utf8'), remove: () => rm(dir, { recursive: true, force: true }) };
}

export const EXECUTION_MODES: Record<string, ExecutionMode> = Object.fromEntries([
  ...TRIGGER_HANDLERS.map((name) => [name, 'trigger'] as const),
  ...CUSTOM_FUNCTIONS.map((name) => [name, 'customFunction'] as const),
]);

export interface RunningAddon {
  fake: FakeAppsScript;
  backend: FakeBackend;
  /** The vm context: Code.js's top-level functions are its properties. */
  g: vm.Context;
}

/** Loads the add-on on a sheet "Products" of `rows` prompts, with the user's settings saved. */
export function startAddon(built: BuiltAddon, rows: number, opts: { notes?: number } = {}): RunningAddon {
  const clock = createFakeClock({ start: '2025-03-03T08:30:00.000Z' });
  // `notes` adds columns of the user's own before the inputs (a wide sheet).
  const notes = Array.from({ length: opts.notes ?? 0 }, (_, i) => `Note ${i + 1}`);
  const sheet = [
    [...notes, 'Prompt', 'Aspect ratios'],
    ...Array.from({ length: rows }, (_, i) => [...notes.map(() => 'x'), `A red apple on a table, shot ${i + 1}`, '1:1']),
  ];
  const backend = createFakeBackend(() => clock.now());
  const fake = createFakeAppsScript({ clock, workbook: { sheets: { Products: sheet } }, fetch: backend.handler, htmlDir: built.dir });
  const g = fake.load(built.code, { modes: EXECUTION_MODES });
  const saved = g.saveSettings({ backendUrl: BACKEND_URL, apiKey: API_KEY }) as { ok: boolean };
  if (!saved.ok) throw new Error(`saveSettings failed: ${JSON.stringify(saved)}`);
  return { fake, backend, g };
}

/** A Result's value, or a failure that shows the error. */
export function valueOf<T>(result: unknown): T {
  const r = result as { ok: boolean; value?: T; error?: unknown };
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value as T;
}
