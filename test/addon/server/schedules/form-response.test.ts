// On form submit and New rows schedules, on in-memory Apps Script services and a fake backend:
// a response row runs alone as it arrives, within the schedule's cap per day, its result
// written back by Row ID; New rows runs only the rows added since the last run.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import { onFormResponse } from '../../../../addon/server/schedules/form-response';
import { readRuns } from '../../../../addon/server/schedules/run-log';
import { deleteSchedule, saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
import { syncAll } from '../../../../addon/server/sync/sync-all';
import { FakeBackend } from '../helpers/fake-backend';
import { configure, memoryServices } from '../helpers/memory-services';
import { MemorySheet } from '../helpers/memory-sheet';
import { add, dispatcherOf } from './dispatch-fixture';

function setup() {
  const backend = new FakeBackend();
  const responses = new MemorySheet(5, 'Form responses 1', [['Timestamp', 'Prompt'], ['2025-01-10 08:00', 'an old answer']]);
  const other = new MemorySheet(6, 'Notes', [['Prompt'], ['x']]);
  responses.linkedForm = 'https://docs.google.com/forms/d/f1/edit';
  const s = memoryServices({ sheets: [responses, other], http: backend, now: '2025-01-10T08:30:00.000Z' });
  configure(s);
  const respond = (prompt: string): number => {
    const row = responses.lastRow() + 1;
    responses.set(row, 1, '2025-01-10 09:00');
    responses.set(row, 2, prompt);
    createApp(() => s).rowshotFormSubmit({ range: { getSheet: () => ({ getSheetId: () => 5 }), getRow: () => row } });
    return row;
  };
  return { s, backend, responses, respond };
}

const form = { name: 'Responses', sheetId: 5, recurrence: { every: 'form_submit' as const }, scope: 'not_done' as const, maxCostUsd: 1, enabled: true };

describe('On form submit', () => {
  it('is refused on a sheet no form writes to, and installs one form-submit trigger on the one it does', () => {
    const { s } = setup();
    const refused = saveSchedule(s, { ...form, sheetId: 6 });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.error.fields).toEqual([{ field: 'sheetId', message: '“Notes” receives no form responses: choose the sheet a Google Form writes to (in the form: Responses → Link to Sheets).' }]);
    expect(s.triggers.list()).toEqual([]);
    const id = add(s, form);
    add(s, { ...form, name: 'Second' });
    expect(s.triggers.list().map((t) => t.handler).sort()).toEqual(['rowshotDispatch', 'rowshotFormSubmit']);
    expect(deleteSchedule(s, id).ok).toBe(true);
    expect(s.triggers.list().filter((t) => t.handler === 'rowshotFormSubmit')).toHaveLength(1);
  });

  it('runs each response row alone as it arrives and writes its result back by Row ID, wherever the row moved', () => {
    const { s, backend, responses, respond } = setup();
    add(s, form);
    const row = respond('a red bicycle');
    const batch = backend.onlyBatch();
    expect(batch.request.rows.map((r) => r.cells['Prompt'])).toEqual(['a red bicycle']);
    expect(batch.request.maxCostUsd).toBe(1);
    const rowId = String(responses.record(row)['Row ID']);
    expect(rowId).not.toBe('');
    expect(responses.record(row)['Status']).toBe('QUEUED');
    expect(responses.record(2)['Status']).toBe(''); // the old answer is left alone
    expect(readRuns(s.documentProperties)[0]).toMatchObject({ via: 'form', outcome: 'started', rows: 1, batchId: batch.status.id });

    // Someone sorts the responses: the answer moves to row 2.
    const moved = [responses.rows()[row - 1]!, responses.rows()[1]!];
    responses.write(2, 1, moved);
    backend.finish(batch.status.id);
    syncAll(s);
    expect(responses.record(2)['Row ID']).toBe(rowId);
    expect(responses.record(2)['Status']).toBe('DONE');
    expect(responses.record(3)['Status']).toBe('');
  });

  it("keeps to the cap per day: an over-cap response is SKIPPED with the reason, the owner is mailed once, and the next day runs again", () => {
    const { s, backend, responses, respond } = setup();
    add(s, { ...form, maxCostUsd: 0.05 }); // each response is estimated at $0.04
    respond('one');
    const second = respond('two');
    const third = respond('three');
    expect(backend.batches.size).toBe(1);
    expect(String(responses.record(second)['Status'])).toBe("SKIPPED: Responses: today's cost cap of $0.05 is reached ($0.04 spent): run this row from Run batch…, or raise the cap");
    expect(String(responses.record(third)['Status'])).toMatch(/^SKIPPED: /);
    expect(s.mail.sent.map((m) => m.subject)).toEqual(['Rowshot: “Responses” hit its $0.05 cost cap']);
    expect(readRuns(s.documentProperties).map((r) => r.outcome)).toEqual(['over_budget', 'over_budget', 'started']);

    s.clock.set('2025-01-11T09:00:00.000Z');
    respond('four');
    expect(backend.batches.size).toBe(2);
  });

  it("ignores responses on other sheets and another editor's form schedules", () => {
    const { s, backend } = setup();
    expect(onFormResponse(s, { sheetId: 5, row: 2 })).toEqual([]);
    add(s, form);
    expect(onFormResponse(s, { sheetId: 6, row: 2 })).toEqual([]);
    expect(backend.batches.size).toBe(0);
  });
});

describe('New rows', () => {
  it('runs, on each hourly check, only the rows added since the last run, and logs no empty checks', () => {
    const backend = new FakeBackend();
    const sheet = new MemorySheet(0, 'Products', [['Prompt', 'Row ID', 'Status'], ['done before', 'r_a1b2c3d4e5', 'DONE'], ['brand new', '', '']]);
    const s = memoryServices({ sheets: [sheet], http: backend, now: '2025-01-10T08:30:00.000Z' });
    configure(s);
    add(s, { name: 'New products', sheetId: 0, recurrence: { every: 'new_rows' } });
    const dispatch = dispatcherOf(s);
    s.clock.set('2025-01-10T09:00:01.000Z');
    dispatch();
    expect([...backend.batches.values()].map((b) => b.request.rows.map((r) => r.cells['Prompt']))).toEqual([['brand new']]);
    s.clock.set('2025-01-10T10:00:01.000Z');
    dispatch();
    expect(backend.batches.size).toBe(1);
    expect(readRuns(s.documentProperties)).toHaveLength(1);
    sheet.set(4, 1, 'added later');
    s.clock.set('2025-01-10T11:00:01.000Z');
    dispatch();
    expect([...backend.batches.values()].map((b) => b.request.rows.map((r) => r.cells['Prompt']))).toEqual([['brand new'], ['added later']]);
  });
});
