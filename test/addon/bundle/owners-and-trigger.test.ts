// The hourly trigger in the built add-on: a plain Run installs it so results arrive within the
// hour, it removes itself once they are in; and with two editors on one document, each editor's
// trigger runs only that editor's schedules, with that editor's own settings (and key).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFakeAppsScript, createFakeClock, createFakeDocument } from '../../../addon/dev/fake-apps-script/index';
import type { BatchSummary, SchedulesView } from '../../../addon/server/rpc';
import { API_KEY, BACKEND_URL, createFakeBackend } from './fake-backend';
import { EXECUTION_MODES, startAddon, valueOf } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

describe('results without a schedule', () => {
  it('a Run installs the hourly trigger; the trigger writes the results, then removes itself', () => {
    const { fake, g } = startAddon(built, 3);
    expect(fake.triggers).toEqual([]);
    const run = valueOf<BatchSummary>(g.startRun({ scope: 'not_done', requestId: 'click-1', confirmed: true }));
    expect(fake.triggers.map((t) => [t.handler, t.user])).toEqual([['rowshotDispatch', fake.user]]);
    const sheet = fake.workbook.sheet('Products');
    const status = (sheet.dump()[0] as string[]).indexOf('Status');
    expect(sheet.dump().slice(1).map((r) => r[status])).toEqual(['QUEUED', 'QUEUED', 'QUEUED']);

    // The sidebar was closed: the hourly trigger fires.
    fake.clock.advance(3_600_000);
    g.rowshotDispatch();
    expect(sheet.dump().slice(1).map((r) => r[status])).toEqual(['DONE', 'DONE', 'DONE']);
    expect(fake.triggers).toEqual([]);
    expect(run.id).toBe('b_1');
  });
});

describe('two editors on one document', () => {
  it('each trigger runs only its own editor\'s schedule', () => {
    const clock = createFakeClock({ start: '2025-03-03T08:30:00.000Z' });
    const backend = createFakeBackend(() => clock.now());
    const rows = (name: string) => [['Prompt'], [`${name} 1`], [`${name} 2`]];
    const document = createFakeDocument({ clock, sheets: { Apples: rows('An apple'), Pears: rows('A pear') } });
    const editor = (user: string) => {
      const fake = createFakeAppsScript({ document, user, fetch: backend.handler, htmlDir: built.dir });
      const g = fake.load(built.code, { modes: EXECUTION_MODES });
      valueOf(g.saveSettings({ backendUrl: BACKEND_URL, apiKey: API_KEY }));
      return { fake, g };
    };
    const alice = editor('alice@example.com');
    const bob = editor('bob@example.com');
    const hourly = (name: string, sheet: string) => ({
      name, sheetId: document.workbook.sheet(sheet).id, recurrence: { every: 'hour' }, scope: 'not_done', maxCostUsd: 5, enabled: true,
    });
    valueOf(alice.g.saveSchedule(hourly('Apples hourly', 'Apples')));
    const view = valueOf<SchedulesView>(bob.g.saveSchedule(hourly('Pears hourly', 'Pears')));
    expect(view.schedules.map((s) => [s.name, s.ownedByMe])).toEqual([['Apples hourly', false], ['Pears hourly', true]]);
    expect(document.triggers.map((t) => t.user)).toEqual(['alice@example.com', 'bob@example.com']);

    clock.set(Date.parse(view.schedules[0]?.nextRunAt ?? '') + 60_000);
    const posts = (e: typeof alice) => e.fake.http.requests.filter((r) => r.method === 'post' && r.url.endsWith('/v1/batches'));
    alice.g.rowshotDispatch();
    bob.g.rowshotDispatch();
    expect(posts(alice).map((r) => JSON.parse(String(r.payload)).name)).toEqual(['Apples: 2 rows']);
    expect(posts(bob).map((r) => JSON.parse(String(r.payload)).name)).toEqual(['Pears: 2 rows']);
    const runs = valueOf<SchedulesView>(alice.g.getSchedules()).runs;
    expect(runs.map((r) => r.outcome)).toEqual(['started', 'started']);
  });
});
