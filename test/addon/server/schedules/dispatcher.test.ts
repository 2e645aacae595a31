// The hourly trigger as Apps Script calls it (the app's rowshotDispatch: the dispatcher with the
// real scheduled run and sync), on in-memory Apps Script services and a fake backend behind the
// HttpPort. Failures and overlapping executions are made at those boundaries.
import { describe, expect, it } from 'vitest';
import { readRuns } from '../../../../addon/server/schedules/run-log';
import { readSchedules } from '../../../../addon/server/schedules/schedule-store';
import { FakeBackend, problem } from '../helpers/fake-backend';
import { anotherExecution, configure, memoryServices } from '../helpers/memory-services';
import { add, creates, dispatcherOf, isCreate, rowPulls, sheets } from './dispatch-fixture';

function setup() {
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: sheets(), http: backend, now: '2025-01-10T08:30:00.000Z', timeZone: 'Europe/Paris' });
  configure(s);
  const hourly = add(s, { name: 'Hourly' }); // next 09:00Z
  const daily = add(s, { name: 'Daily 18h', sheetId: 42, scope: 'all', maxCostUsd: 2.5, recurrence: { every: 'day', hour: 18 } }); // 17:00Z
  add(s, { name: 'Off', enabled: false });
  const runs = () => readRuns(s.documentProperties);
  const nextRunAt = (id: string) => readSchedules(s.documentProperties).find((x) => x.id === id)?.nextRunAt;
  return { s, backend, hourly, daily, runs, nextRunAt, dispatch: dispatcherOf(s), products: s.spreadsheet.sheetList[0]! };
}

describe('dispatch', () => {
  it('runs only the enabled schedules that are due, with their sheet, scope and cap, then syncs once', () => {
    const { s, backend, hourly, runs, dispatch } = setup();
    s.clock.set('2025-01-10T09:00:05.000Z');
    dispatch();
    const batch = backend.onlyBatch();
    expect(batch.request.rows.map((r) => r.cells['Prompt'])).toEqual(['a cap']);
    expect(batch.request.maxCostUsd).toBe(5);
    expect(runs().map((r) => [r.scheduleId, r.outcome])).toEqual([[hourly, 'started']]);
    expect(rowPulls(backend)).toBe(1);
    expect(s.lock.held).toBe(false);
  });

  it('records each run: when, rows, batch id, outcome and message', () => {
    const { s, backend, hourly, daily, runs, dispatch, products } = setup();
    products.set(3, 2, 'DONE');
    s.clock.set('2025-01-10T17:00:00.000Z');
    dispatch();
    const batch = backend.onlyBatch();
    expect(batch.request.rows.map((r) => r.cells['Prompt'])).toEqual(['a sale banner', 'a new banner']);
    expect(batch.request.maxCostUsd).toBe(2.5);
    expect(runs()).toEqual([
      { scheduleId: daily, at: '2025-01-10T17:00:00.000Z', rows: 2, batchId: batch.status.id, outcome: 'started', message: `Started ${batch.status.id} with 2 rows (estimated $0.08).` },
      { scheduleId: hourly, at: '2025-01-10T17:00:00.000Z', rows: 0, batchId: null, outcome: 'nothing_to_do', message: 'Every row of "Products" is DONE or already running.' },
    ]);
  });

  it('saves the next slot before running, so a run that dies mid-way is not repeated in the same slot', () => {
    const { s, backend, hourly, runs, nextRunAt, dispatch } = setup();
    s.clock.set('2025-01-10T09:00:05.000Z');
    let seenNext: string | undefined;
    backend.onRequest = (req, path) => {
      if (!isCreate(req, path)) return undefined;
      seenNext = nextRunAt(hourly); // what an execution killed right here would leave behind
      throw new Error('Connection reset by peer');
    };
    dispatch();
    expect(seenNext).toBe('2025-01-10T10:00:00.000Z');
    expect(runs().map((r) => [r.scheduleId, r.outcome, r.message])).toEqual([
      [hourly, 'failed', 'Could not reach https://rowshot.test: Connection reset by peer. Check the backend URL in Settings and that the backend is running.'],
    ]);
    backend.onRequest = null;
    s.clock.set('2025-01-10T09:40:00.000Z');
    dispatch();
    expect(creates(backend)).toHaveLength(1);
    expect(runs()).toHaveLength(1);
  });

  it('runs a schedule that missed several slots once, and moves it to the next slot after now', () => {
    const { s, backend, hourly, runs, nextRunAt, dispatch } = setup();
    s.clock.set('2025-01-10T13:40:00.000Z'); // 09:00 … 13:00 all missed
    dispatch();
    expect(runs().map((r) => r.scheduleId)).toEqual([hourly]);
    expect(nextRunAt(hourly)).toBe('2025-01-10T14:00:00.000Z');
    dispatch();
    expect(creates(backend)).toHaveLength(1);
    expect(runs()).toHaveLength(1);
  });

  it('records a backend failure as a failed run and still runs the other schedules and the sync', () => {
    const { s, backend, hourly, daily, runs, nextRunAt, dispatch } = setup();
    s.clock.set('2025-01-10T17:00:00.000Z');
    backend.onRequest = (req, path) =>
      (isCreate(req, path) && String(req.payload).includes('"Products: ') ? problem(500, 'internal', 'Database is down') : undefined);
    dispatch();
    const batch = backend.onlyBatch();
    expect(runs().map((r) => [r.scheduleId, r.outcome, r.message])).toEqual([
      [daily, 'started', `Started ${batch.status.id} with 2 rows (estimated $0.08).`],
      [hourly, 'failed', 'The backend failed (HTTP 500): Database is down'],
    ]);
    expect(rowPulls(backend)).toBe(1);
    expect(nextRunAt(hourly)).toBe('2025-01-10T18:00:00.000Z');
  });

  it('records a schedule whose sheet was deleted as failed and still runs the others', () => {
    const { s, backend, hourly, daily, runs, dispatch } = setup();
    s.spreadsheet.sheetList.splice(0, 1); // Products deleted
    s.clock.set('2025-01-10T17:00:00.000Z');
    dispatch();
    expect(backend.onlyBatch().request.rows.map((r) => r.cells['Prompt'])).toEqual(['a sale banner', 'a new banner']);
    expect(runs().map((r) => [r.scheduleId, r.outcome, r.message])).toEqual([
      [daily, 'started', `Started ${backend.onlyBatch().status.id} with 2 rows (estimated $0.08).`],
      [hourly, 'failed', "The schedule's sheet (id 0) no longer exists."],
    ]);
  });

  it('logs a failed sync and releases the lock; the next dispatch syncs even when nothing is due', () => {
    const { s, backend, dispatch, products } = setup();
    s.clock.set('2025-01-10T09:00:05.000Z');
    dispatch();
    backend.finish(backend.onlyBatch().status.id);
    s.userProperties.set('rowshot.signIn', 'api_key');
    s.userProperties.delete('rowshot.apiKey');
    s.clock.set('2025-01-10T09:30:00.000Z');
    dispatch();
    expect(s.logs).toEqual(['Scheduled sync failed: Rowshot is not set up yet: enter the API key in Extensions → Rowshot → Settings.']);
    expect(s.lock.held).toBe(false);
    expect(products.record(3)['Status']).toBe('QUEUED');
    configure(s);
    dispatch();
    expect(creates(backend)).toHaveLength(1);
    expect(products.record(3)['Status']).toBe('DONE');
    expect(rowPulls(backend)).toBe(2);
  });

  it('does nothing and records nothing when another execution holds the lock', () => {
    const { s, backend, hourly, daily, runs, dispatch } = setup();
    s.clock.set('2025-01-10T17:00:00.000Z');
    const other = s.lock.takenElsewhere();
    const before = readSchedules(s.documentProperties);
    dispatch();
    expect(backend.requests).toEqual([]);
    expect(runs()).toEqual([]);
    expect(readSchedules(s.documentProperties)).toEqual(before);
    expect(s.lock.holder).toBe(other); // ours was never taken, so never released
    other.release();
    dispatch();
    expect(runs().map((r) => r.scheduleId)).toEqual([daily, hourly]);
  });

  it('runs a due schedule exactly once when two invocations overlap', () => {
    const { s, backend, hourly, runs, dispatch } = setup();
    s.clock.set('2025-01-10T09:00:05.000Z');
    // The same user's trigger again (a slow run overlapping the next hour): the schedule is its own.
    const second = dispatcherOf(anotherExecution(s));
    let nested = 0;
    backend.onRequest = (req, path) => {
      if (isCreate(req, path) && nested++ === 0) second(); // starts while the first holds the lock
      return undefined;
    };
    dispatch();
    expect(nested).toBe(1);
    expect(s.lock.refused).toBe(1);
    expect(rowPulls(backend)).toBe(1); // the refused one did not sync either
    // Once the first has finished, a late overlapping invocation finds nothing due.
    s.clock.advance(15_000);
    second();
    expect(creates(backend)).toHaveLength(1);
    expect(runs().map((r) => r.scheduleId)).toEqual([hourly]);
  });
});
