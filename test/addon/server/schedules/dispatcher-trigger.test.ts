// The hourly trigger exists while this user has work for it: an enabled schedule of theirs, or a
// run of theirs whose results are not all in the sheet yet. Results of a plain Run therefore
// arrive within the hour even with the sidebar closed, and the trigger removes itself after.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { recordRun } from '../../../../addon/server/batch/history';
import { DISPATCH_HANDLER } from '../../../../addon/server/entry-points';
import type { Result, ScheduleInput } from '../../../../addon/server/rpc';
import { dispatcherWanted, refreshDispatcherTrigger } from '../../../../addon/server/schedules/dispatcher-trigger';
import { SCHEDULES_KEY } from '../../../../addon/server/schedules/schedule-store';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

function setup() {
  const sheet = new MemorySheet(3, 'Shop', [['Prompt'], ['a mug'], ['a cap']]);
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [sheet], http: backend });
  configure(s);
  const app = createApp(() => s);
  const dispatchers = () => s.triggers.list().filter((t) => t.handler === DISPATCH_HANDLER);
  return { sheet, backend, s, app, dispatchers };
}
const schedule: ScheduleInput = { name: 'Nightly', sheetId: 3, recurrence: { every: 'day', hour: 2 }, scope: 'not_done', maxCostUsd: 5, enabled: true };

describe('the hourly trigger without any schedule', () => {
  it('is installed by a Run, pulls the results once the batch is done, then removes itself', () => {
    const { sheet, backend, app, dispatchers } = setup();
    expect(dispatchers()).toEqual([]);
    const run = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(dispatchers()).toHaveLength(1);

    backend.start(run.id, 1);
    app.rowshotDispatch(); // still running: keeps the trigger
    expect(sheet.record(2)['Status']).toBe('RUNNING');
    expect(dispatchers()).toHaveLength(1);

    backend.finish(run.id);
    app.rowshotDispatch();
    expect([sheet.record(2)['Status'], sheet.record(3)['Status']]).toEqual(['DONE', 'DONE']);
    expect(dispatchers()).toEqual([]);
  });

  it('is installed once however many runs are waiting', () => {
    const { app, s, dispatchers } = setup();
    s.spreadsheet.selectedRowNumbers = [2];
    value(app.startRun({ scope: 'selected', requestId: 'b' }));
    s.spreadsheet.selectedRowNumbers = [3];
    value(app.startRun({ scope: 'selected', requestId: 'c' }));
    expect(dispatchers()).toHaveLength(1);
    expect(s.triggers.list()).toHaveLength(1);
  });
});

describe('one rule for schedules and runs', () => {
  it('keeps the trigger when the last schedule is disabled while a run still waits for results', () => {
    const { backend, app, dispatchers } = setup();
    const saved = value(app.saveSchedule(schedule)).schedules[0]!;
    expect(dispatchers()).toHaveLength(1);
    const run = value(app.startRun({ scope: 'not_done', requestId: 'click-1' }));
    expect(value(app.saveSchedule({ ...schedule, id: saved.id, enabled: false })).triggerInstalled).toBe(true);
    backend.finish(run.id);
    app.rowshotDispatch();
    expect(dispatchers()).toEqual([]);
    expect(value(app.getSchedules()).triggerInstalled).toBe(false);
  });

  it('ignores other editors\' runs (their own triggers pull them), counts runs recorded before owners', () => {
    const { s } = setup();
    const entry = {
      id: 'b_other', sheetId: 3, requestId: null, synced: false, syncedSignature: null, lastSyncAt: null,
      summary: {
        id: 'b_other', name: 'x', state: 'RUNNING' as const, createdAt: '2026-03-01T09:00:00.000Z', rowCount: 1,
        counts: { QUEUED: 1, RUNNING: 0, DONE: 0, FAILED: 0, SKIPPED: 0, CANCELLED: 0 }, progress: 0, etaSeconds: null, estimatedUsd: 0, actualUsd: 0, lastWriteError: null,
      },
    };
    recordRun(s.documentProperties, { ...entry, ownerId: 'u_someone-else' });
    expect(refreshDispatcherTrigger(s)).toBe(false);
    expect(s.triggers.list()).toEqual([]);
    recordRun(s.documentProperties, { ...entry, id: 'b_legacy', summary: { ...entry.summary, id: 'b_legacy' } });
    expect(refreshDispatcherTrigger(s)).toBe(true);
    expect(s.triggers.list()).toHaveLength(1);
  });

  it('lets a schedule saved before owners existed keep an installed trigger, but never installs one for it', () => {
    const { s } = setup();
    s.documentProperties.set(SCHEDULES_KEY, JSON.stringify([{
      ...schedule, id: 'legacy', createdAt: '2026-01-01T00:00:00.000Z', nextRunAt: '2026-03-02T02:00:00.000Z',
    }]));
    expect(dispatcherWanted(s)).toBe(false);
    s.triggers.createHourly(DISPATCH_HANDLER);
    expect(refreshDispatcherTrigger(s)).toBe(true);
    expect(s.triggers.list()).toHaveLength(1);
  });
});
