// Run now, Test and the "All rows" question, on in-memory Apps Script services and a fake backend.
import { describe, expect, it } from 'vitest';
import { readRuns } from '../../../../addon/server/schedules/run-log';
import { getScheduleTest, runScheduleNow, testSchedule } from '../../../../addon/server/schedules/schedule-actions';
import { readSchedules } from '../../../../addon/server/schedules/schedule-store';
import { saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
import { FakeBackend } from '../helpers/fake-backend';
import { configure, memoryServices } from '../helpers/memory-services';
import { MemorySheet } from '../helpers/memory-sheet';
import { add } from './dispatch-fixture';

function setup() {
  const backend = new FakeBackend();
  const sheet = new MemorySheet(0, 'Products', [['Prompt', 'Status'], ['a mug', 'DONE'], ['a cap', ''], ['a hat', '']]);
  const s = memoryServices({ sheets: [sheet], http: backend, now: '2025-01-10T08:30:00.000Z' });
  configure(s);
  return { s, backend, sheet };
}

const errorOf = (f: () => unknown): { code: string; message: string } => {
  try {
    f();
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  throw new Error('expected a failure');
};

describe('Run now', () => {
  it("runs the schedule's rows at once with its cap, records it as Run now, and keeps its next slot", () => {
    const { s, backend } = setup();
    const id = add(s, { name: 'Daily', recurrence: { every: 'day', hour: 18 }, maxCostUsd: 3 });
    const slot = readSchedules(s.documentProperties)[0]!.nextRunAt;
    const { run, view } = runScheduleNow(s, { id, requestId: 'click-1' });
    const batch = backend.onlyBatch();
    expect(batch.request.rows.map((r) => r.cells['Prompt'])).toEqual(['a cap', 'a hat']);
    expect(batch.request.maxCostUsd).toBe(3);
    expect(run).toMatchObject({ scheduleId: id, outcome: 'started', rows: 2, batchId: batch.status.id, via: 'run_now' });
    expect(view.runs[0]).toEqual(run);
    expect(readSchedules(s.documentProperties)[0]!.nextRunAt).toBe(slot);
  });

  it('asks before an "All rows" schedule re-renders DONE rows, saying how many and what a run costs; runs once confirmed', () => {
    const { s, backend } = setup();
    const id = add(s, { name: 'Everything', scope: 'all' });
    const asked = errorOf(() => runScheduleNow(s, { id, requestId: 'click-2' }));
    expect(asked.code).toBe('needs_confirmation');
    expect(asked.message).toBe('“Everything” runs All rows: every run re-renders 1 row that is already DONE on “Products” and pays for them again, about $0.12 per run for today\'s 3 rows. Confirm to run it now, or choose “Rows not DONE”.');
    expect(backend.batches.size).toBe(0);
    runScheduleNow(s, { id, requestId: 'click-2', confirmed: true });
    expect(backend.onlyBatch().request.rows).toHaveLength(3);
  });
});

describe('saving an "All rows" schedule', () => {
  it('needs confirmation when DONE rows would be re-rendered, and saves nothing until then', () => {
    const { s } = setup();
    const input = { name: 'All', sheetId: 0, recurrence: { every: 'hour' as const }, scope: 'all' as const, maxCostUsd: 0.05, enabled: true };
    const r = saveSchedule(s, input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('needs_confirmation');
    expect(r.error.message).toContain('about $0.12 per run for today\'s 3 rows (more than its $0.05 cap, so the run would be refused)');
    expect(readSchedules(s.documentProperties)).toEqual([]);
    expect(saveSchedule(s, { ...input, confirmed: true }).ok).toBe(true);
  });
});

describe('Test', () => {
  it('runs the first row the schedule would take, alone, and reports its result once the row is done (written into the sheet)', () => {
    const { s, backend, sheet } = setup();
    const id = add(s, { name: 'Daily', maxCostUsd: 2 });
    const started = testSchedule(s, { id, requestId: 'test-1' });
    const batch = backend.onlyBatch();
    expect(batch.request.rows.map((r) => r.cells['Prompt'])).toEqual(['a cap']);
    expect(batch.request.maxCostUsd).toBe(2);
    expect(started).toMatchObject({ batchId: batch.status.id, row: 3, sheetName: 'Products', result: null });
    expect(readRuns(s.documentProperties)[0]).toMatchObject({ via: 'test', rows: 1, batchId: batch.status.id });

    const running = getScheduleTest(s, { batchId: batch.status.id, row: 3 });
    expect(running.result?.state).toBe('QUEUED');
    backend.finish(batch.status.id);
    const done = getScheduleTest(s, { batchId: batch.status.id, row: 3 });
    expect(done.result).toEqual({
      state: 'DONE', reason: null,
      images: [{ aspectRatio: '1:1', url: `https://cdn.test/${batch.rows[0]!.rowId}.png`, thumbnailUrl: `https://cdn.test/${batch.rows[0]!.rowId}_t.png` }],
    });
    expect(sheet.record(3)['Status']).toBe('DONE');
    expect(sheet.record(4)['Status']).toBe('');
  });

  it('says why when the schedule is gone', () => {
    const { s } = setup();
    expect(errorOf(() => testSchedule(s, { id: 'nope', requestId: 't' })).code).toBe('not_found');
  });
});

describe("a schedule's Text default", () => {
  it('is saved with the schedule and sent with its Run now and Test batches; overlay (the default) is not sent; a bad one is refused naming it', () => {
    const { s, backend } = setup();
    const id = add(s, { name: 'No text', textDefault: 'none' });
    expect(readSchedules(s.documentProperties)[0]!.textDefault).toBe('none');
    runScheduleNow(s, { id, requestId: 'click-t' });
    testSchedule(s, { id, requestId: 'test-t' });
    expect([...backend.batches.values()].map((b) => b.request.textDefault)).toEqual(['none', 'none']);

    const plain = add(s, { name: 'Overlay', textDefault: 'overlay' });
    expect(readSchedules(s.documentProperties).find((x) => x.id === plain)!.textDefault).toBeUndefined();

    const bad = saveSchedule(s, { name: 'Loud', sheetId: 0, recurrence: { every: 'hour' }, scope: 'not_done', maxCostUsd: 5, enabled: true, textDefault: 'loud' as never });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.fields).toEqual(expect.arrayContaining([{ field: 'textDefault', message: 'Text must be one of overlay, model, none (got "loud").' }]));
  });
});
