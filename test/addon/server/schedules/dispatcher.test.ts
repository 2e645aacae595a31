import { describe, expect, it } from 'vitest';
import type { ScheduleInput, SyncReport } from '../../../../addon/server/rpc';
import { dispatch, type DispatchDeps, type ScheduledRunInput, type ScheduledRunResult } from '../../../../addon/server/schedules/dispatcher';
import { readRuns } from '../../../../addon/server/schedules/run-log';
import { readSchedules } from '../../../../addon/server/schedules/schedule-store';
import { getSchedules, saveSchedule } from '../../../../addon/server/schedules/schedules-rpc';
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

describe('dispatch with two editors on one document', () => {
  function twoEditors() {
    const alice = memoryServices({ now: '2025-01-10T08:30:00.000Z', timeZone: 'Europe/Paris', sheets: SHEETS, user: 1 });
    // Same document (properties, lock), another person: own user properties, triggers and ids.
    const bob = memoryServices({ now: '2025-01-10T08:30:00.000Z', timeZone: 'Europe/Paris', sheets: SHEETS, props: alice.props, lock: alice.lock, user: 2 });
    const mine = add(alice, { name: 'Alice hourly', sheetId: 0 });
    const his = add(bob, { name: 'Bob hourly', sheetId: 42 });
    for (const w of [alice, bob]) w.clock.set('2025-01-10T09:00:05.000Z');
    return { alice, bob, mine, his };
  }

  it('each trigger runs only its owner\'s schedules (so each editor\'s own API key pays)', () => {
    const { alice, bob, mine, his } = twoEditors();
    expect(alice.triggers.list()).toHaveLength(1);
    expect(bob.triggers.list()).toHaveLength(1);
    const a = recorder();
    expect(dispatch(alice.services, a.deps).ran).toEqual([mine]);
    expect(a.calls).toEqual([{ sheetId: 0, scope: 'not_done', maxCostUsd: 5 }]);
    const b = recorder();
    expect(dispatch(bob.services, b.deps).ran).toEqual([his]);
    expect(b.calls).toEqual([{ sheetId: 42, scope: 'not_done', maxCostUsd: 5 }]);
    expect(readRuns(alice.props).map((r) => r.scheduleId)).toEqual([his, mine]);
  });

  it('saving another editor\'s schedule takes it over, and the view says so', () => {
    const { alice, bob, his } = twoEditors();
    const before = getSchedules(alice.services);
    expect(before.ok && before.value.schedules.map((s) => [s.name, s.ownedByMe])).toEqual([['Alice hourly', true], ['Bob hourly', false]]);
    const r = saveSchedule(alice.services, { id: his, name: 'Bob hourly', sheetId: 42, recurrence: { every: 'hour' }, scope: 'not_done', maxCostUsd: 3, enabled: true });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.value.notice).toBe('"Bob hourly" is now your schedule: it runs from your hourly trigger with your API key (it ran with another editor\'s API key).');
    expect(r.value.schedules.find((s) => s.id === his)?.ownedByMe).toBe(true);
    const bobView = saveSchedule(bob.services, { name: 'Bob second', sheetId: 0, recurrence: { every: 'hour' }, scope: 'all', maxCostUsd: 1, enabled: false });
    if (!bobView.ok) throw new Error(bobView.error.message);
    expect(bobView.value.schedules.find((s) => s.id === his)?.ownedByMe).toBe(false);
    expect(bobView.value.notice).toBeUndefined();
    const b = recorder();
    expect(dispatch(bob.services, b.deps).ran).toEqual([]);
    const a = recorder();
    expect(dispatch(alice.services, a.deps).ran).toContain(his);
  });

  it('runs a schedule saved before owners existed from anyone\'s trigger', () => {
    const { alice, bob, mine } = twoEditors();
    const stored = readSchedules(alice.props).map((s) => (s.id === mine ? { ...s, ownerId: undefined } : s));
    alice.props.set('rowshot.schedules', JSON.stringify(stored));
    const b = recorder();
    expect(dispatch(bob.services, b.deps).ran).toHaveLength(2);
  });
});
