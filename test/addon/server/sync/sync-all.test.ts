// Pull sync across the document: every run that is not final-and-synced, from the menu, the
// dispatcher and the sidebar's progress polls.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import type { Result } from '../../../../addon/server/rpc';
import { syncAll } from '../../../../addon/server/sync/sync-all';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

function setup() {
  const a = new MemorySheet(1, 'A', [['Prompt'], ['a1'], ['a2']]);
  const b = new MemorySheet(2, 'B', [['Prompt'], ['b1']]);
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [a, b], http: backend });
  configure(s);
  const app = createApp(() => s);
  const run = (sheet: number, requestId: string) => {
    s.spreadsheet.activeIndex = sheet;
    return value(app.startRun({ scope: 'not_done', requestId })).id;
  };
  const rowPulls = () => backend.requests.filter((r) => r.url.includes('/rows?')).length;
  return { a, b, backend, s, app, run, rowPulls };
}

describe('syncAll', () => {
  it('writes every pending run of every sheet, then leaves final-and-synced runs alone', () => {
    const { a, b, backend, s, run, rowPulls } = setup();
    const ra = run(0, 'x');
    const rb = run(1, 'y');
    backend.finish(ra);
    backend.finish(rb, () => ({ state: 'FAILED', reason: 'quota' }));
    expect(syncAll(s)).toEqual({ batches: 2, written: 3, missing: 0, message: 'Synced 2 runs: 3 rows updated.' });
    expect(a.record(2)['Status']).toBe('DONE');
    expect(a.record(3)['Status']).toBe('DONE');
    expect(b.record(2)['Status']).toBe('FAILED: quota');
    const pulls = rowPulls();
    expect(syncAll(s)).toEqual({ batches: 0, written: 0, missing: 0, message: 'Everything is up to date: no run is waiting for results.' });
    expect(rowPulls()).toBe(pulls);
  });

  it('counts results whose row was deleted', () => {
    const { a, backend, s, run } = setup();
    const id = run(0, 'x');
    a.set(3, 1, '');
    a.set(3, 2, '');
    backend.finish(id);
    expect(syncAll(s)).toMatchObject({ written: 1, missing: 1, message: 'Synced 1 run: 1 row updated. 1 result could not be placed: its Row ID is no longer in the sheet.' });
  });

  it('stops at an unreachable backend and says so; forgets a batch the backend no longer has', () => {
    const { backend, s, run } = setup();
    const id = run(0, 'x');
    backend.down = true;
    const report = syncAll(s);
    expect(report.batches).toBe(0);
    expect(report.message).toMatch(new RegExp(`^Could not sync run ${id}: Could not reach https://rowshot.test: `));
    backend.down = false;
    backend.batches.delete(id);
    expect(syncAll(s).message).toBe(`Could not sync run ${id}: Batch ${id} was not found.`);
    expect(syncAll(s).message).toBe('Everything is up to date: no run is waiting for results.');
  });
});

describe('another editor\'s runs', () => {
  it('are not forgotten when our API key cannot see them (their owner\'s trigger pulls them)', () => {
    const { backend, s, run } = setup();
    const id = run(0, 'x');
    const key = 'rowshot.runs.1';
    const stored = JSON.parse(s.documentProperties.get(key)!) as { ownerId?: string }[];
    s.documentProperties.set(key, JSON.stringify(stored.map((r) => ({ ...r, ownerId: 'u_another-editor' }))));
    backend.batches.delete(id); // as another tenant's batch looks to our key
    expect(syncAll(s).message).toBe(`Could not sync run ${id}: Batch ${id} was not found.`);
    expect(syncAll(s).message).toBe(`Could not sync run ${id}: Batch ${id} was not found.`);
  });
});

describe('progress polls', () => {
  it('pull rows when counts change, at most every 10 s, and always once the batch is final', () => {
    const { backend, s, app, run, rowPulls } = setup();
    const id = run(0, 'x');
    expect(value(app.getRunProgress(id)).synced).toBe(2); // first poll: rows show QUEUED
    const after = rowPulls();
    backend.start(id, 1);
    s.clock.advance(2_000);
    expect(value(app.getRunProgress(id))).toMatchObject({ batch: { state: 'RUNNING' }, synced: 0 });
    expect(rowPulls()).toBe(after);
    s.clock.advance(10_000);
    expect(value(app.getRunProgress(id)).synced).toBe(1);
    backend.finish(id);
    s.clock.advance(1_000);
    expect(value(app.getRunProgress(id))).toMatchObject({ batch: { state: 'DONE' }, synced: 2 });
  });

  it('answer the status without syncing when another sync holds the sheet', () => {
    const { backend, s, app, run, a } = setup();
    const id = run(0, 'x');
    backend.finish(id);
    s.lock.takenElsewhere();
    expect(value(app.getRunProgress(id))).toMatchObject({ batch: { state: 'DONE' }, synced: 0 });
    expect(a.record(2)['Status']).toBe('QUEUED'); // as the start left it
  });
});

describe('Sync results now (menu)', () => {
  it('shows the report in a toast, and re-pulls the latest run when nothing is pending', () => {
    const { a, backend, s, app, run } = setup();
    const id = run(0, 'x');
    backend.finish(id);
    app.syncResultsNow();
    expect(s.ui.toasts.at(-1)).toEqual({ message: 'Synced 1 run: 2 rows updated.', title: 'Rowshot' });
    a.set(2, 3, ''); // someone cleared a Status cell
    app.syncResultsNow();
    expect(s.ui.toasts.at(-1)).toEqual({ message: 'Synced 1 run: 1 row updated.', title: 'Rowshot' });
    expect(a.record(2)['Status']).toBe('DONE');
  });

  it('says when there is nothing to sync, and toasts the reason when it cannot sync', () => {
    const { s, app, run } = setup();
    app.syncResultsNow();
    expect(s.ui.toasts).toEqual([{ message: 'Nothing to sync: no run was started from this sheet yet.', title: 'Rowshot' }]);
    run(0, 'x');
    s.userProperties.delete('rowshot.backendUrl');
    app.syncResultsNow();
    expect(s.ui.toasts.at(-1)).toEqual({ message: 'Rowshot is not set up yet: enter the backend URL in Extensions → Rowshot → Settings.', title: 'Rowshot: sync failed' });
    const r = app.syncNow();
    expect(!r.ok && r.error.code).toBe('not_configured');
  });
});
