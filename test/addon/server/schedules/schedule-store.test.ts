import { describe, expect, it } from 'vitest';
import type { Schedule, ScheduleRun } from '../../../../addon/server/rpc';
import { appendRun, MAX_RUNS, readRuns } from '../../../../addon/server/schedules/run-log';
import { MAX_SCHEDULES, readSchedules, SCHEDULES_KEY, writeSchedules } from '../../../../addon/server/schedules/schedule-store';
import { MemoryProperties } from '../helpers/memory-stores';

function schedule(i: number, name = `Nightly ${i}`): Schedule {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name,
    sheetId: 1_234_567_890,
    recurrence: { every: 'week', weekday: 6, hour: 23 },
    scope: 'not_done',
    maxCostUsd: 12_345.67,
    enabled: true,
    createdAt: '2025-01-01T00:00:00.000Z',
    nextRunAt: '2025-01-04T23:00:00.000Z',
  };
}

function run(i: number, message = `Started batch of ${i} rows, estimated $${(i * 0.039).toFixed(2)}.`): ScheduleRun {
  return {
    scheduleId: '00000000-0000-4000-8000-000000000001',
    at: new Date(Date.UTC(2025, 0, 1, i)).toISOString(),
    rows: i,
    batchId: `b_7ffffe6b2c1d${String(i).padStart(6, '0')}`,
    outcome: 'started',
    message,
  };
}

const bytes = (props: MemoryProperties): number[] => [...props.map.values()].map((v) => Buffer.byteLength(v, 'utf8'));

describe('schedule store', () => {
  it('saves schedules as JSON in document properties and reads them back', () => {
    const props = new MemoryProperties();
    writeSchedules(props, [schedule(1), schedule(2)]);
    expect(JSON.parse(props.get(SCHEDULES_KEY) ?? '')).toEqual([schedule(1), schedule(2)]);
    expect(readSchedules(props)).toEqual([schedule(1), schedule(2)]);
  });

  it('holds 20 schedules with 100-character names in one value under 9 KB', () => {
    const props = new MemoryProperties();
    const full = Array.from({ length: MAX_SCHEDULES }, (_, i) => schedule(i, 'N'.repeat(100)));
    writeSchedules(props, full);
    expect(readSchedules(props)).toHaveLength(20);
    expect(Math.max(...bytes(props))).toBeLessThan(9_000);
  });

  it('refuses a 21st schedule, saying the limit, and keeps the saved ones', () => {
    const props = new MemoryProperties();
    writeSchedules(props, [schedule(1)]);
    expect(() => writeSchedules(props, Array.from({ length: 21 }, (_, i) => schedule(i)))).toThrow(/at most 20 schedules/);
    expect(readSchedules(props)).toEqual([schedule(1)]);
  });

  it('refuses schedules that would not fit in 9 KB with a message saying what to do', () => {
    const props = new MemoryProperties();
    const wide = Array.from({ length: 20 }, (_, i) => schedule(i, '日'.repeat(100)));
    expect(() => writeSchedules(props, wide)).toThrow(/9 KB.*shorten some names or delete a schedule/);
  });

  it('reads nothing, rather than failing, from a missing or hand-broken value', () => {
    const props = new MemoryProperties();
    expect(readSchedules(props)).toEqual([]);
    props.set(SCHEDULES_KEY, '{not json');
    expect(readSchedules(props)).toEqual([]);
    props.set(SCHEDULES_KEY, JSON.stringify([schedule(1), { id: 'x' }]));
    expect(readSchedules(props)).toEqual([schedule(1)]);
  });
});

describe('run log', () => {
  it('keeps the last 50 runs, newest first, each stored value under 9 KB', () => {
    const props = new MemoryProperties();
    for (let i = 1; i <= 137; i++) appendRun(props, run(i));
    const runs = readRuns(props);
    expect(runs).toHaveLength(MAX_RUNS);
    expect(runs[0]).toEqual(run(137));
    expect(runs[49]).toEqual(run(88));
    expect(Math.max(...bytes(props))).toBeLessThan(9_000);
  });

  it('keeps all 50 runs even with long non-Latin messages, shortening each message', () => {
    const props = new MemoryProperties();
    for (let i = 1; i <= 60; i++) appendRun(props, run(i, `エラー\n${'画像'.repeat(400)}`));
    const runs = readRuns(props);
    expect(runs).toHaveLength(50);
    expect(runs[0]?.message).toMatch(/^エラー 画像画像.*…$/);
    expect(Buffer.byteLength(runs[0]?.message ?? '', 'utf8')).toBeLessThanOrEqual(300);
    expect(Math.max(...bytes(props))).toBeLessThan(9_000);
  });

  it('starts empty', () => {
    expect(readRuns(new MemoryProperties())).toEqual([]);
  });
});
