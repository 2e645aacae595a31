import { describe, expect, it } from 'vitest';
import type { ScheduleInput, SyncReport } from '../../../../addon/server/rpc';
import { dispatch, type DispatchDeps, type ScheduledRunInput, type ScheduledRunResult } from '../../../../addon/server/schedules/dispatcher';
import { readRuns } from '../../../../addon/server/schedules/run-log';
import { readSchedules } from '../../../../addon/server/schedules/schedule-store';
import { saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
import { memoryServices, type MemoryWorld } from './ports-in-memory';

const SHEETS = [{ id: 0, name: 'Products' }, { id: 42, name: 'Banners' }];
const SYNCED: SyncReport = { batches: 1, written: 3, missing: 0, message: 'Wrote 3 rows.' };

/** Records every call; `run` decides each scheduled run's answer. */
function recorder(run: (input: ScheduledRunInput, call: number) => ScheduledRunResult = () => started) {
  const calls: ScheduledRunInput[] = [];
  let syncs = 0;
  const deps: DispatchDeps = {
    runScheduled: (input) => {
      calls.push(input);
      return run(input, calls.length);
    },
    syncAll: () => {
      syncs++;
      return SYNCED;
    },
  };
  return { deps, calls, syncs: () => syncs };
}
const started: ScheduledRunResult = { rows: 12, batchId: 'b_1', outcome: 'started', message: 'Started a batch of 12 rows.' };

function add(w: MemoryWorld, input: Partial<ScheduleInput>): string {
  const base: ScheduleInput = { name: 'Hourly', sheetId: 0, recurrence: { every: 'hour' }, scope: 'not_done', maxCostUsd: 5, enabled: true };
  const r = saveSchedule(w.services, { ...base, ...input });
  if (!r.ok) throw new Error(r.error.message);
  return r.value.schedules.at(-1)!.id;
}

function setup() {
  const w = memoryServices({ now: '2025-01-10T08:30:00.000Z', timeZone: 'Europe/Paris', sheets: SHEETS });
  const hourly = add(w, { name: 'Hourly' }); // next 09:00Z
  const daily = add(w, { name: 'Daily 18h', sheetId: 42, scope: 'all', maxCostUsd: 2.5, recurrence: { every: 'day', hour: 18 } }); // 17:00Z
  const off = add(w, { name: 'Off', enabled: false });
  return { w, hourly, daily, off };
}

describe('dispatch', () => {
  it('runs only the enabled schedules that are due, with their sheet, scope and cap, then syncs once', () => {
    const { w, hourly } = setup();
    w.clock.set('2025-01-10T09:00:05.000Z');
    const r = recorder();
    expect(dispatch(w.services, r.deps)).toEqual({ ran: [hourly], skipped: null });
    expect(r.calls).toEqual([{ sheetId: 0, scope: 'not_done', maxCostUsd: 5 }]);
    expect(r.syncs()).toBe(1);
    expect(w.lock.holder).toBeNull();
  });

  it('records each run: when, rows, batch id, outcome and message', () => {
    const { w, hourly, daily } = setup();
    w.clock.set('2025-01-10T17:00:00.000Z');
    const r = recorder((input) => (input.sheetId === 42 ? { rows: 0, batchId: null, outcome: 'nothing_to_do', message: 'No rows to run.' } : started));
    expect(dispatch(w.services, r.deps).ran).toEqual([hourly, daily]);
    expect(readRuns(w.props)).toEqual([
      { scheduleId: daily, at: '2025-01-10T17:00:00.000Z', rows: 0, batchId: null, outcome: 'nothing_to_do', message: 'No rows to run.' },
      { scheduleId: hourly, at: '2025-01-10T17:00:00.000Z', rows: 12, batchId: 'b_1', outcome: 'started', message: 'Started a batch of 12 rows.' },
    ]);
  });

  it('saves the next slot before running, so a run that dies mid-way is not repeated in the same slot', () => {
    const { w, hourly } = setup();
    w.clock.set('2025-01-10T09:00:05.000Z');
    let seenNext = '';
    const r = recorder(() => {
      seenNext = readSchedules(w.props).find((s) => s.id === hourly)!.nextRunAt;
      return started;
    });
    dispatch(w.services, r.deps);
    expect(seenNext).toBe('2025-01-10T10:00:00.000Z');
  });

  it('runs a schedule that missed several slots once, and moves it to the next slot after now', () => {
    const { w, hourly } = setup();
    w.clock.set('2025-01-10T13:40:00.000Z'); // 09:00 … 13:00 all missed
    const r = recorder();
    expect(dispatch(w.services, r.deps).ran).toEqual([hourly]);
    expect(readSchedules(w.props).find((s) => s.id === hourly)?.nextRunAt).toBe('2025-01-10T14:00:00.000Z');
    expect(dispatch(w.services, r.deps).ran).toEqual([]);
    expect(r.calls).toHaveLength(1);
  });

  it('records a thrown error as a failed run and still runs the other schedules and the sync', () => {
    const { w, hourly, daily } = setup();
    w.clock.set('2025-01-10T17:00:00.000Z');
    const r = recorder((_, call) => {
      if (call === 1) throw new Error('Backend unreachable: https://rowshot.example');
      return started;
    });
    expect(dispatch(w.services, r.deps).ran).toEqual([hourly, daily]);
    expect(readRuns(w.props).map((run) => [run.scheduleId, run.outcome, run.message])).toEqual([
      [daily, 'started', 'Started a batch of 12 rows.'],
      [hourly, 'failed', 'Backend unreachable: https://rowshot.example'],
    ]);
    expect(r.syncs()).toBe(1);
    expect(readSchedules(w.props).find((s) => s.id === hourly)?.nextRunAt).toBe('2025-01-10T18:00:00.000Z');
  });

  it('syncs even when nothing is due, logs a failed sync and releases the lock', () => {
    const { w } = setup();
    const calls: string[] = [];
    const failing: DispatchDeps = {
      runScheduled: () => started,
      syncAll: () => {
        calls.push('sync');
        throw new Error('Sheet is protected');
      },
    };
    expect(dispatch(w.services, failing)).toEqual({ ran: [], skipped: null });
    expect(calls).toEqual(['sync']);
    expect(w.logs).toEqual(['Scheduled sync failed: Sheet is protected']);
    expect(w.lock.holder).toBeNull();
  });

  it('does nothing and records nothing when another execution holds the lock', () => {
    const { w } = setup();
    w.clock.set('2025-01-10T17:00:00.000Z');
    const other = w.lock.handle();
    other.tryLock(0);
    const before = readSchedules(w.props);
    const r = recorder();
    expect(dispatch(w.services, r.deps)).toEqual({ ran: [], skipped: 'locked' });
    expect(r.calls).toEqual([]);
    expect(r.syncs()).toBe(0);
    expect(readRuns(w.props)).toEqual([]);
    expect(readSchedules(w.props)).toEqual(before);
    expect(w.lock.holder).not.toBeNull(); // ours was never taken, so never released
  });

  it('runs a due schedule exactly once when two invocations overlap', () => {
    const { w, hourly } = setup();
    w.clock.set('2025-01-10T09:00:05.000Z');
    // A second execution (another user's trigger) on the same document: same properties and lock.
    const second = memoryServices({ now: '2025-01-10T09:00:20.000Z', timeZone: 'Europe/Paris', sheets: SHEETS, props: w.props, lock: w.lock });
    let overlapped: ReturnType<typeof dispatch> | null = null;
    const r = recorder(() => {
      overlapped = dispatch(second.services, r.deps); // starts while the first still holds the lock
      return started;
    });
    expect(dispatch(w.services, r.deps)).toEqual({ ran: [hourly], skipped: null });
    expect(overlapped).toEqual({ ran: [], skipped: 'locked' });
    // Once the first has finished, a late overlapping invocation finds nothing due.
    expect(dispatch(second.services, r.deps)).toEqual({ ran: [], skipped: null });
    expect(r.calls).toHaveLength(1);
    expect(readRuns(w.props).map((run) => run.scheduleId)).toEqual([hourly]);
  });
});
