// At-least-once delivery: duplicates, bad rows among thousands, and coalesced write-back.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RowWrite, SheetTarget, WriteOutcome } from '../../../../backend/src/ports/sheet-target';
import type { TargetRef } from '../../../../shared/index';
import { FakeProvider } from '../../../helpers/fake-provider';
import { rows, startTestServer } from '../../../helpers/server';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('duplicate delivery', () => {
  it('generates and charges a row once when its task arrives twice at the same time', async () => {
    const provider = new FakeProvider({ latencyMs: 400 });
    const s = await startTestServer({}, { providers: [provider] });
    try {
      const cells = { Prompt: 'one', Model: 'gemini-3.1-flash-image' };
      const { id } = await json<{ id: string }>(await s.api('/v1/batches', { method: 'POST', json: { rows: [{ rowId: 'r1', cells }] } }));
      const { taskToken } = JSON.parse(await readFile(path.join(s.dataDir, 'secrets.json'), 'utf8')) as { taskToken: string };
      const deliver = () => fetch(new URL('/tasks/row', s.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${taskToken}`, 'x-cloudtasks-taskname': 'dup', 'x-cloudtasks-taskretrycount': '0' },
        body: JSON.stringify({ tenant: 'local', batchId: id, index: 0, gen: 0, rowId: 'r1', cells }),
      });
      const statuses = (await Promise.all([deliver(), deliver(), deliver()])).map((r) => r.status);
      expect(statuses.filter((x) => x === 200).length).toBeGreaterThanOrEqual(1);
      const done = await s.waitForBatch(id);
      expect(done.counts.DONE).toBe(1);
      expect(provider.calls).toHaveLength(1);
      expect(done.cost.actualUsd).toBeCloseTo(0.067, 6);
      // Late duplicates after the row finished are acknowledged and do nothing.
      expect((await deliver()).status).toBe(200);
      expect(provider.calls).toHaveLength(1);
    } finally {
      await s.close();
    }
  });

  it('refuses task calls without the queue token', async () => {
    const s = await startTestServer();
    try {
      const res = await fetch(new URL('/tasks/row', s.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(401);
      const wrong = await fetch(new URL('/tasks/flush', s.url), { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{}' });
      expect(wrong.status).toBe(403);
    } finally {
      await s.close();
    }
  });
});

describe('one bad row never blocks the others', () => {
  it('finishes 4,999 of 5,000 rows DONE and reports the one FAILED with its reason', async () => {
    const provider = new FakeProvider();
    const s = await startTestServer({ ROWSHOT_ROW_CONCURRENCY: '16', ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none', ROWSHOT_RATE_LIMIT_PER_MIN: '100000' }, { providers: [provider] });
    try {
      const input = rows(5000, (i): Record<string, string> => (i === 2345 ? { Prompt: 'x', Variants: 'lots' } : { Prompt: `row ${i}` }));
      const started = Date.now();
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: input } });
      expect(res.status).toBe(202);
      const { id } = await json<{ id: string }>(res);
      const done = await s.waitForBatch(id, 240_000);
      expect(done.counts).toMatchObject({ DONE: 4999, FAILED: 1, QUEUED: 0, RUNNING: 0 });
      const failed = await json<{ rows: { rowId: string; reason: string }[] }>(await s.api(`/v1/batches/${id}/rows?state=FAILED`));
      expect(failed.rows).toEqual([expect.objectContaining({ rowId: 'r2346', reason: 'Variants must be a whole number from 1 to 4 (got "lots")' })]);
      expect(provider.calls).toHaveLength(4999);
      console.log(`5,000 rows in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    } finally {
      await s.close();
    }
  }, 300_000);
});

class RecordingTarget implements SheetTarget {
  readonly kinds = ['workbook'] as const;
  calls: { at: number; rows: RowWrite[] }[] = [];
  async write(_t: TargetRef, _tenant: string, rowsWritten: readonly RowWrite[]): Promise<WriteOutcome> {
    this.calls.push({ at: Date.now(), rows: [...rowsWritten] });
    return { ok: true, written: rowsWritten.length, missingRowIds: [] };
  }
}

describe('coalesced write-back', () => {
  it('writes at most once per flush interval, every pending row in one call, final states last', async () => {
    const target = new RecordingTarget();
    const provider = new FakeProvider({ latencyMs: 5 });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider], targets: [target] });
    try {
      const started = Date.now();
      const { id } = await json<{ id: string }>(await s.api('/v1/batches', {
        method: 'POST', json: { rows: rows(400, (i) => ({ Prompt: `p${i}` })), flushIntervalMs: 500, target: { kind: 'workbook', path: path.join(s.dataDir, 'x.csv') } },
      }));
      const done = await s.waitForBatch(id, 120_000);
      const elapsed = Date.now() - started;
      expect(done.counts.DONE).toBe(400);
      expect(target.calls.length).toBeLessThanOrEqual(Math.ceil(elapsed / 500) + 2);
      expect(target.calls.length).toBeLessThan(400 / 10);
      const last = new Map<string, string>();
      for (const c of target.calls) for (const r of c.rows) last.set(r.rowId, r.state);
      expect(last.size).toBe(400);
      expect([...last.values()].every((st) => st === 'DONE')).toBe(true);
    } finally {
      await s.close();
    }
  }, 150_000);
});
