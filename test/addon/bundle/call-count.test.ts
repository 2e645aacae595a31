// Apps Script bills time per SpreadsheetApp call, not per cell: a run or a sync of 1,000 rows
// must make as many calls as one of 10 (block reads and writes, never a call per row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchSummary, SyncReport } from '../../../addon/server/rpc';
import { startAddon, valueOf } from './harness';
import { builtAddon, type BuiltAddon } from '../../helpers/built-addon';

let built: BuiltAddon;
beforeAll(async () => {
  built = builtAddon();
});
afterAll(() => built.remove());

interface Measured {
  startCalls: Record<string, number>;
  syncCalls: Record<string, number>;
  started: BatchSummary;
  synced: SyncReport;
  rows: unknown[][];
  formulas: string[][];
}

function measure(rows: number): Measured {
  const { fake, g } = startAddon(built, rows);
  fake.calls.reset();
  const started = valueOf<BatchSummary>(g.startRun({ scope: 'not_done', requestId: `click-${rows}`, confirmed: true }));
  const startCalls = { ...fake.calls.byMethod };
  fake.calls.reset();
  const synced = valueOf<SyncReport>(g.syncNow());
  const syncCalls = { ...fake.calls.byMethod };
  const sheet = fake.workbook.sheet('Products');
  return { startCalls, syncCalls, started, synced, rows: sheet.dump(), formulas: sheet.readFormulas(1, 1, sheet.lastRow(), sheet.lastColumn()) };
}

let small: Measured;
let large: Measured;
beforeAll(() => {
  small = measure(10);
  large = measure(1000);
});

describe('SpreadsheetApp calls', () => {
  it('startRun makes the same calls for 1,000 rows as for 10', () => {
    expect(large.started.rowCount).toBe(1000);
    expect(small.started.rowCount).toBe(10);
    expect(large.startCalls['Range.setValues']).toBeGreaterThan(0); // Row IDs and new output columns
    expect(large.startCalls).toEqual(small.startCalls);
  });

  it('syncNow makes the same calls for 1,000 rows as for 10', () => {
    expect(large.synced.written).toBe(1000);
    expect(small.synced.written).toBe(10);
    expect(large.syncCalls['Range.setValues']).toBeGreaterThan(0);
    expect(large.syncCalls).toEqual(small.syncCalls);
  });

  it('writes every row\'s results (status and image formula) into the sheet', () => {
    const header = large.rows[0] as string[];
    const status = header.indexOf('Status');
    const image = header.indexOf('Image');
    expect(status).toBeGreaterThan(-1);
    expect(image).toBeGreaterThan(-1);
    const body = large.rows.slice(1);
    expect(body).toHaveLength(1000);
    expect(body.every((r) => r[status] === 'DONE')).toBe(true);
    // =IMAGE() cells display nothing through getValues; the formula is there.
    expect(body.every((r) => r[image] === '')).toBe(true);
    expect(large.formulas.slice(1).every((r) => /^=IMAGE\("https:\/\/backend\.rowshot\.test\/files\/b_1\/.+\?thumb=1"\)$/.test(r[image] ?? ''))).toBe(true);
  });
});
