// The entry file and app.ts: every name Google calls is exported, the menu is built, and every
// server function answers a JSON-safe Result, unexpected failures included.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as entry from '../../../addon/server/index';
import { createApp } from '../../../addon/server/app';
import { CUSTOM_FUNCTIONS, MENU_ITEMS, TRIGGER_HANDLERS } from '../../../addon/server/entry-points';
import { FakeBackend } from './helpers/fake-backend';
import { MemorySheet } from './helpers/memory-sheet';
import { configure, memoryServices } from './helpers/memory-services';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const serverFunctionNames = (): string[] => {
  const text = readFileSync(path.join(root, 'addon/server/rpc.ts'), 'utf8');
  const body = /export interface ServerFunctions \{([\s\S]*?)\n\}/.exec(text)?.[1] ?? '';
  return [...body.matchAll(/^\s+(\w+)\(/gm)].map((m) => m[1]!);
};

/** No undefined, Date, function or non-finite number anywhere: what google.script.run can carry. */
function jsonSafeProblems(v: unknown, at = '$'): string[] {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return [];
  if (typeof v === 'number') return Number.isFinite(v) ? [] : [`${at} is ${v}`];
  if (Array.isArray(v)) return v.flatMap((x, i) => jsonSafeProblems(x, `${at}[${i}]`));
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => jsonSafeProblems(x, `${at}.${k}`));
  }
  return [`${at} is ${typeof v === 'object' ? (v as object).constructor.name : typeof v}`];
}

describe('the entry file', () => {
  it('exports every function Google calls by name', () => {
    const names = [
      'onOpen', 'onInstall', ...MENU_ITEMS.flatMap((i) => (i ? [i.handler] : [])), ...TRIGGER_HANDLERS, ...CUSTOM_FUNCTIONS, ...serverFunctionNames(),
    ];
    expect(serverFunctionNames()).toHaveLength(28);
    const exported = entry as Record<string, unknown>;
    expect(names.filter((n) => typeof exported[n] !== 'function')).toEqual([]);
  });

  it('carries @customfunction JSDoc on each custom function', () => {
    const text = readFileSync(path.join(root, 'addon/server/index.ts'), 'utf8');
    for (const name of CUSTOM_FUNCTIONS) {
      expect(text).toMatch(new RegExp(`@customfunction\\n \\*/\\nexport function ${name}\\(`));
    }
  });
});

describe('app', () => {
  function setup() {
    const sheet = new MemorySheet(1, 'S', [['Prompt'], ['a']]);
    const backend = new FakeBackend();
    const s = memoryServices({ sheets: [sheet], http: backend });
    configure(s);
    return { sheet, backend, s, app: createApp(() => s) };
  }

  it('lists the menu items in the order the product spec gives', () => {
    expect(MENU_ITEMS.flatMap((i) => (i ? [i.caption] : []))).toEqual(['Run batch…', 'Reference packs…', 'Schedules…', 'Settings…', 'Sync results now', 'Add review columns', 'Apply review (feedback and approvals)', 'Help']);
  });

  it('builds the Extensions → Rowshot menu on open and on install', () => {
    const { app, s } = setup();
    app.onOpen();
    app.onInstall();
    expect(s.ui.menus).toEqual([{ title: 'Rowshot', items: MENU_ITEMS }, { title: 'Rowshot', items: MENU_ITEMS }]);
    app.showBatchSidebar();
    app.showHelp();
    expect(s.ui.sidebars).toEqual([{ file: 'Batch', title: 'Rowshot · Run batch' }, { file: 'Help', title: 'Rowshot · Help' }]);
  });

  it('turns an unexpected exception into an internal error with a readable message and no stack', () => {
    const { app, sheet } = setup();
    sheet.read = () => {
      throw new TypeError("Cannot read properties of undefined (reading 'getValues')\n    at Object.read (Code.js:1:1)");
    };
    expect(app.getSheetContext()).toEqual({ ok: false, error: { code: 'internal', message: "The add-on hit an unexpected error: Cannot read properties of undefined (reading 'getValues')" } });
    const broken = createApp(() => {
      throw new Error('Authorization is required to perform that action.');
    });
    expect(broken.getSettings()).toEqual({ ok: false, error: { code: 'internal', message: 'The add-on hit an unexpected error: Authorization is required to perform that action.' } });
  });

  it('answers JSON-safe values from every kind of call', () => {
    const { app, backend, s } = setup();
    s.spreadsheet.selectedRowNumbers = [2];
    const id = (() => {
      const r = app.startRun({ scope: 'selected', requestId: 'x' });
      if (!r.ok) throw new Error(r.error.message);
      return r.value.id;
    })();
    backend.finish(id);
    const answers = [
      app.getSettings(), app.getSheetContext(), app.estimateRun('selected'), app.getRunProgress(id), app.listSheetRuns(), app.syncNow(),
      app.listPacks(), app.getSchedules(), app.estimateRun('failed'), app.saveSettings({ backendUrl: '' }),
    ];
    for (const a of answers) expect(jsonSafeProblems(a)).toEqual([]);
    expect(answers.map((a) => a.ok)).toEqual([true, true, true, true, true, true, true, true, false, false]);
  });
});
