// The built Code.js, as Apps Script loads it: every name Google calls exists as a top-level
// function, and onOpen builds Extensions → Rowshot from MENU_ITEMS.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readInterfaceMembers } from '../../../addon/build/entry-docs';
import { topLevelFunctions } from '../../../addon/dev/fake-apps-script/index';
import { CUSTOM_FUNCTIONS, MENU_ITEMS, SIDEBARS, TRIGGER_HANDLERS } from '../../../addon/server/entry-points';
import { startAddon } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

const RPC_FILE = fileURLToPath(new URL('../../../addon/server/rpc.ts', import.meta.url));

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

describe('Code.js globals', () => {
  it('declares every function Google calls at top level', () => {
    const { g } = startAddon(built, 1);
    const declared = new Set(topLevelFunctions(g));
    const serverFunctions = readInterfaceMembers(RPC_FILE, readFileSync(RPC_FILE, 'utf8'), 'ServerFunctions') ?? [];
    expect(serverFunctions).toContain('syncNow');
    const needed = [
      'onOpen', 'onInstall',
      ...MENU_ITEMS.flatMap((item) => (item ? [item.handler] : [])),
      ...TRIGGER_HANDLERS, ...CUSTOM_FUNCTIONS, ...serverFunctions,
    ];
    expect(needed.filter((name) => !declared.has(name))).toEqual([]);
  });

  it('makes no Apps Script call while loading (Apps Script loads Code.js for every call)', () => {
    const { fake } = startAddon(built, 1);
    fake.calls.reset();
    fake.load(built.code);
    expect(fake.calls.total).toBe(0);
  });

  it('keeps each custom function\'s JSDoc, @customfunction included, above its top-level function', () => {
    for (const name of CUSTOM_FUNCTIONS) {
      const doc = new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\nfunction ${name}\\(`).exec(built.code);
      expect(doc?.[1], `no JSDoc above function ${name}`).toMatch(/@customfunction\b/);
      expect(doc?.[1]).toMatch(/@param \{/);
    }
  });
});

describe('onOpen', () => {
  it('builds Extensions → Rowshot with exactly the MENU_ITEMS, separators included', () => {
    const { fake, g } = startAddon(built, 1);
    g.onOpen({ authMode: 'LIMITED' });
    expect(fake.ui.menus).toEqual([{ title: 'Rowshot', items: MENU_ITEMS.map((item) => (item ? { ...item } : null)) }]);
  });

  it('opens each sidebar from the built HTML file with its title', () => {
    const { fake, g } = startAddon(built, 1);
    for (const item of MENU_ITEMS) if (item?.handler.startsWith('show')) g[item.handler]();
    expect(fake.ui.sidebars.map((s) => [s.file, s.title])).toEqual(
      ['Batch', 'Packs', 'Schedules', 'Settings', 'Help'].map((file) => [file, SIDEBARS[file as keyof typeof SIDEBARS]]),
    );
    for (const sidebar of fake.ui.sidebars) expect(sidebar.html).toMatch(/^<!DOCTYPE html>/i);
  });
});
