// Two Rowshot instances in one process (as tests, the bench and the playground run them) share
// no in-memory state. Budget leases were module-level once: the second instance then spent the
// first one's lease in memory, wrote nothing to its own ledger and passed its own daily budget.
import { describe, expect, it } from 'vitest';
import type { BatchStatus } from '../../../shared/index';
import { FakeProvider } from '../../helpers/fake-provider';
import { rows, startTestServer } from '../../helpers/server';

const paidRow = () => ({ rows: rows(1, () => ({ Prompt: 'x', Model: 'gemini-3.1-flash-image' })) });

describe('core state per instance', () => {
  it("keeps each instance's budget leases to itself", async () => {
    // A leases a large block (a 20th of $10) and spends little of it.
    const a = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: '10' }, { providers: [new FakeProvider({ costUsd: 0.001 })] });
    const b = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: '0.1' }, { providers: [new FakeProvider()] });
    try {
      const first = (await (await a.api('/v1/batches', { method: 'POST', json: paidRow() })).json()) as { id: string };
      expect((await a.waitForBatch(first.id)).counts.DONE).toBe(1);

      const mine = (await (await b.api('/v1/batches', { method: 'POST', json: paidRow() })).json()) as { id: string };
      const done: BatchStatus = await b.waitForBatch(mine.id);
      expect(done.counts.DONE).toBe(1);
      // B's own ledger holds B's spend, so a second $0.067 row no longer fits B's $0.10 day.
      const again = await b.api('/v1/batches', { method: 'POST', json: paidRow() });
      expect(again.status).toBe(422);
      expect(((await again.json()) as { code: string }).code).toBe('over_budget');
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('stops its lease timer on close, so a closed instance keeps nothing alive', async () => {
    const s = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: '10' }, { providers: [new FakeProvider()] });
    const { id } = (await (await s.api('/v1/batches', { method: 'POST', json: paidRow() })).json()) as { id: string };
    await s.waitForBatch(id);
    expect(s.rowshot.deps.state.ledger.idleTimer).not.toBeNull();
    await s.close();
    expect(s.rowshot.deps.state.ledger.allowances.size).toBe(0);
    expect(s.rowshot.deps.state.ledger.idleTimer).toBeNull();
  });
});
