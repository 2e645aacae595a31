import { describe, expect, it } from 'vitest';
import { DISPATCH_HANDLER } from '../../../../addon/server/entry-points';
import type { Result, ScheduleInput, SchedulesView } from '../../../../addon/server/rpc';
import { deleteSchedule, getSchedules, saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { memoryServices } from '../helpers/memory-services';

const SHEETS = [{ id: 0, name: 'Products' }, { id: 42, name: 'Banners' }];
const world = () => memoryServices({
  sheets: SHEETS.map((s) => new MemorySheet(s.id, s.name)), http: new FakeBackend(), now: '2025-03-29T10:20:00.000Z', timeZone: 'Europe/Paris',
});

const daily: ScheduleInput = { name: 'Nightly banners', sheetId: 42, recurrence: { every: 'day', hour: 2 }, scope: 'not_done', maxCostUsd: 5, enabled: true };

function value(r: Result<SchedulesView>): SchedulesView {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('getSchedules', () => {
  it('shows an empty document: no schedules, no runs, the sheet’s time zone and sheets, no trigger', () => {
    expect(value(getSchedules(world()))).toEqual({ schedules: [], runs: [], timeZone: 'Europe/Paris', sheets: SHEETS, triggerInstalled: false });
  });
});

describe('saveSchedule validation', () => {
  it('lists every invalid field at once and saves nothing', () => {
    const w = world();
    const bad = { name: '  ', sheetId: 99, recurrence: { every: 'week', weekday: 7, hour: 24 }, scope: 'some', maxCostUsd: 0, enabled: 'yes' };
    const r = saveSchedule(w, bad as unknown as ScheduleInput);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_request');
    expect(r.error.fields?.map((f) => f.field)).toEqual(['name', 'sheetId', 'recurrence.weekday', 'recurrence.hour', 'scope', 'maxCostUsd', 'enabled']);
    expect(r.error.message).toMatch(/^7 fields to fix: Name must be 1 to 100 characters/);
    expect(r.error.fields?.find((f) => f.field === 'sheetId')?.message).toMatch(/Products, Banners/);
    expect(value(getSchedules(w)).schedules).toEqual([]);
    expect(w.triggers.list()).toEqual([]);
  });

  it('accepts names of 1 to 100 characters (trimmed), not 101; the cap must be above $0', () => {
    const w = world();
    const long = saveSchedule(w, { ...daily, name: 'x'.repeat(101) });
    expect(!long.ok && long.error.fields?.map((f) => f.field)).toEqual(['name']);
    const cap = saveSchedule(w, { ...daily, maxCostUsd: -1 });
    expect(!cap.ok && cap.error.fields?.map((f) => f.field)).toEqual(['maxCostUsd']);
    expect(value(saveSchedule(w, { ...daily, name: `  ${'x'.repeat(100)}  ` })).schedules[0]?.name).toBe('x'.repeat(100));
  });

  it('answers not_found when editing a schedule that was deleted', () => {
    const r = saveSchedule(world(), { ...daily, id: 'gone' });
    expect(!r.ok && r.error.code).toBe('not_found');
  });

  it('refuses a 21st schedule and says the limit', () => {
    const w = world();
    for (let i = 0; i < 20; i++) value(saveSchedule(w, { ...daily, name: `Run ${i}` }));
    const r = saveSchedule(w, { ...daily, name: 'One too many' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/at most 20 schedules/);
    expect(value(getSchedules(w)).schedules).toHaveLength(20);
  });

  it('answers busy while a scheduled run holds the document lock', () => {
    const w = world();
    const dispatcher = w.lock.takenElsewhere();
    const r = saveSchedule(w, daily);
    expect(!r.ok && r.error.code).toBe('busy');
    dispatcher.release();
    expect(saveSchedule(w, daily).ok).toBe(true);
  });
});

describe('saveSchedule and deleteSchedule', () => {
  it('creates a schedule with its next run in the sheet’s time zone (02:00 Paris skipped on 30 March → 03:00)', () => {
    const w = world();
    w.clock.set('2025-03-29T02:00:00.000Z'); // 03:00 in Paris: today's 02:00 has passed
    const view = value(saveSchedule(w, daily));
    expect(view.schedules).toEqual([
      { ...daily, id: '00000002-0000-4000-8000-000000000000', createdAt: '2025-03-29T02:00:00.000Z', nextRunAt: '2025-03-30T01:00:00.000Z', ownedByMe: true, notify: 'problems' },
    ]);
  });

  it('keeps the id, creation time and pending slot on a rename; recomputes the slot when the timing changes', () => {
    const w = world();
    const created = value(saveSchedule(w, daily)).schedules[0]!;
    w.clock.set('2025-03-29T12:00:00.000Z');
    const renamed = value(saveSchedule(w, { ...daily, id: created.id, name: 'Banners' })).schedules[0]!;
    expect(renamed).toEqual({ ...created, name: 'Banners' });
    const hourly = value(saveSchedule(w, { ...daily, id: created.id, recurrence: { every: 'hour' } })).schedules[0]!;
    expect(hourly.nextRunAt).toBe('2025-03-29T13:00:00.000Z');
    expect(hourly.createdAt).toBe(created.createdAt);
  });

  it('installs the hourly dispatcher trigger once, however many schedules are enabled', () => {
    const w = world();
    expect(value(saveSchedule(w, daily)).triggerInstalled).toBe(true);
    value(saveSchedule(w, { ...daily, name: 'Second' }));
    value(saveSchedule(w, { ...daily, name: 'Third', enabled: false }));
    expect(w.triggers.created).toBe(1);
    expect(w.triggers.list().map((t) => t.handler)).toEqual([DISPATCH_HANDLER]);
  });

  it('reuses an existing dispatcher trigger, deletes duplicates and leaves other triggers alone', () => {
    const w = world();
    w.triggers.triggers = [
      { id: 'old-1', handler: DISPATCH_HANDLER },
      { id: 'other', handler: 'somethingElse' },
      { id: 'old-2', handler: DISPATCH_HANDLER },
    ];
    value(saveSchedule(w, daily));
    expect(w.triggers.created).toBe(0);
    expect(w.triggers.list()).toEqual([{ id: 'old-1', handler: DISPATCH_HANDLER }, { id: 'other', handler: 'somethingElse' }]);
  });

  it('does not install a trigger for a disabled schedule', () => {
    const w = world();
    expect(value(saveSchedule(w, { ...daily, enabled: false })).triggerInstalled).toBe(false);
    expect(w.triggers.list()).toEqual([]);
  });

  it('removes the trigger when the last enabled schedule is disabled, and again when it is deleted', () => {
    const w = world();
    const [a] = value(saveSchedule(w, daily)).schedules;
    const [, b] = value(saveSchedule(w, { ...daily, name: 'Second' })).schedules;
    expect(value(saveSchedule(w, { ...daily, id: a!.id, enabled: false })).triggerInstalled).toBe(true); // b still on
    const off = value(saveSchedule(w, { ...daily, name: 'Second', id: b!.id, enabled: false }));
    expect(off.triggerInstalled).toBe(false);
    expect(w.triggers.list()).toEqual([]);

    value(saveSchedule(w, { ...daily, id: a!.id, enabled: true }));
    expect(w.triggers.list()).toHaveLength(1);
    const left = value(deleteSchedule(w, a!.id));
    expect(left.schedules.map((s) => s.id)).toEqual([b!.id]);
    expect(left.triggerInstalled).toBe(false);
    expect(w.triggers.list()).toEqual([]);
  });

  it('answers not_found when deleting an unknown schedule', () => {
    const r = deleteSchedule(world(), 'nope');
    expect(!r.ok && r.error.code).toBe('not_found');
  });
});
