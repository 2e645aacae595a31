// The hourly trigger runs a due schedule exactly once even when a second trigger fires while the
// first is still in its batch POST (two users' triggers, or a slow run overlapping the next).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchedulesView } from '../../../addon/server/rpc';
import { startAddon, valueOf } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

describe('rowshotDispatch', () => {
  it('runs a due schedule once when a second dispatch starts during the first one\'s batch POST', () => {
    const { fake, backend, g } = startAddon(built, 3);
    const saved = valueOf<SchedulesView>(g.saveSchedule({
      name: 'Hourly apples', sheetId: fake.workbook.sheet('Products').id, recurrence: { every: 'hour' },
      scope: 'not_done', maxCostUsd: 5, enabled: true,
    }));
    expect(saved.triggerInstalled).toBe(true);
    expect(fake.triggers.map((t) => t.handler)).toEqual(['rowshotDispatch']);
    const nextRunAt = Date.parse(saved.schedules[0]?.nextRunAt ?? '');
    fake.clock.set(nextRunAt + 60_000);

    const nested: unknown[] = [];
    backend.onRequest = (req, path) => {
      if (req.method === 'post' && path === '/v1/batches' && nested.length === 0) nested.push(g.rowshotDispatch());
    };
    g.rowshotDispatch();

    expect(nested).toHaveLength(1); // the second dispatch did run, inside the first one's POST
    expect(fake.lock.refused).toBeGreaterThanOrEqual(1); // and found the document lock taken
    expect(backend.log.filter((line) => line === 'POST /v1/batches')).toHaveLength(1);
    const view = valueOf<SchedulesView>(g.getSchedules());
    expect(view.runs).toHaveLength(1);
    expect(view.runs[0]).toMatchObject({ outcome: 'started', rows: 3, batchId: 'b_1' });
    expect(Date.parse(view.schedules[0]?.nextRunAt ?? '')).toBeGreaterThan(fake.clock.now());
    expect(fake.lock.holder).toBeNull(); // released when the execution ended
  });

  it('does nothing before the schedule is due', () => {
    const { fake, backend, g } = startAddon(built, 2);
    valueOf(g.saveSchedule({
      name: 'Daily', sheetId: fake.workbook.sheet('Products').id, recurrence: { every: 'day', hour: 9 },
      scope: 'not_done', maxCostUsd: 5, enabled: true,
    }));
    g.rowshotDispatch();
    expect(backend.log.filter((line) => line.startsWith('POST /v1/batches'))).toEqual([]);
    expect(valueOf<SchedulesView>(g.getSchedules()).runs).toEqual([]);
  });
});
