// The performance rule: Sheet calls do not grow with the rows. Each step of a run (context,
// estimate, start, progress syncs, Sync now) makes the same SheetPort calls for 1,000 rows as
// for 10, counted on an in-memory sheet, with the rows shuffled before results come back.
import { describe, expect, it } from 'vitest';
import { createApp } from '../../../../addon/server/app';
import type { Result } from '../../../../addon/server/rpc';
import { FakeBackend } from '../helpers/fake-backend';
import { MemorySheet, type SheetCall } from '../helpers/memory-sheet';
import { configure, memoryServices } from '../helpers/memory-services';

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value;
};

function shuffled(n: number, first: number): number[] {
  // A fixed permutation: reversed halves interleaved, so rows land far from where they were.
  const rows = Array.from({ length: n }, (_, i) => first + i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(i % 2 === 0 ? rows[n - 1 - Math.floor(i / 2)]! : rows[Math.floor(i / 2)]!);
  return out;
}

function runAll(n: number): Record<string, Record<SheetCall, number>> {
  const sheet = new MemorySheet(1, 'Big', [
    ['Product', 'Prompt', 'Variants'],
    ...Array.from({ length: n }, (_, i) => [`P${i}`, `A photo of {{Product}} number ${i}`, i % 3 === 0 ? 2 : 1]),
  ]);
  const backend = new FakeBackend();
  const s = memoryServices({ sheets: [sheet], http: backend });
  configure(s);
  s.userProperties.set('rowshot.confirmAboveUsd', '1000');
  const app = createApp(() => s);
  const steps: Record<string, Record<SheetCall, number>> = {};
  const step = (name: string, body: () => void) => {
    sheet.resetCalls();
    body();
    steps[name] = { ...sheet.calls };
  };

  step('context', () => expect(value(app.getSheetContext()).counts.rows).toBe(n));
  step('estimate', () => expect(value(app.estimateRun('not_done')).rows).toBe(n));
  let id = '';
  step('start', () => (id = value(app.startRun({ scope: 'not_done', requestId: 'r1' })).id));
  backend.start(id, Math.ceil(n / 2));
  step('progress: running', () => expect(value(app.getRunProgress(id)).synced).toBe(n));
  sheet.reorderRows(2, shuffled(n, 2));
  backend.finish(id, (row) => (row.index % 7 === 0 ? { state: 'FAILED', reason: '=not a formula' } : { state: 'DONE' }));
  s.clock.advance(60_000);
  step('progress: done', () => expect(value(app.getRunProgress(id)).synced).toBe(n));
  step('sync now: nothing new', () => expect(value(app.syncNow()).written).toBe(0));
  // Every row got its own result, wherever the shuffle put it.
  const expected = new Map(backend.onlyBatch().rows.map((r) => [r.rowId, `${r.state === 'FAILED' ? 'FAILED: =not a formula' : 'DONE'}|${r.rowId}`]));
  for (let row = 2; row <= n + 1; row++) {
    const rec = sheet.record(row);
    expect(`${String(rec['Status'])}|${String(rec['Row ID'])}`).toBe(expected.get(String(rec['Row ID'])));
  }
  step('failed estimate after the run', () => expect(value(app.estimateRun('failed')).rows).toBe(Math.ceil(n / 7)));
  return steps;
}

describe('Sheet calls per step', () => {
  it('are the same for 1,000 rows as for 10, and few', () => {
    const small = runAll(10);
    const large = runAll(1000);
    expect(large).toEqual(small);
    // Every step reads the sheet once; writes are one per block, never per row.
    for (const calls of Object.values(large)) expect(calls.read).toBe(1);
    // Output headers, Row IDs, then the rows shown QUEUED: one block of output columns.
    expect(large['start']).toMatchObject({ write: 3, readFormulas: 1 });
    expect(large['progress: running']!.readFormulas).toBe(1);
    expect(large['progress: done']!.write).toBeLessThanOrEqual(2);
    expect(large['sync now: nothing new']!.write).toBe(0);
  });
});
