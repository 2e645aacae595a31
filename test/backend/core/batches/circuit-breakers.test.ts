import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../../../backend/src/core/batches/circuit-breakers';
import type { RowsPage } from '../../../../shared/index';
import { FakeProvider } from '../../../helpers/fake-provider';
import { rows, startTestServer } from '../../../helpers/server';

describe('circuit breakers', () => {
  it('open after repeated transient failures, let one probe through after a while, close on success', () => {
    let now = 0;
    const b = new CircuitBreakers({ now: () => now }, 3, 1000);
    for (let i = 0; i < 2; i++) b.transientFailure('m');
    expect(b.tryAcquire('m')).toBe(true);
    b.transientFailure('m');
    expect(b.tryAcquire('m')).toBe(false);
    expect(b.retryInMs('m')).toBe(1000);
    now = 1000;
    expect(b.tryAcquire('m')).toBe(true); // the probe
    expect(b.tryAcquire('m')).toBe(false); // only one at a time
    b.transientFailure('m');
    expect(b.tryAcquire('m')).toBe(false);
    now = 2000;
    expect(b.tryAcquire('m')).toBe(true);
    b.success('m');
    expect(b.tryAcquire('m')).toBe(true);
    expect(b.isOpen('m')).toBe(false);
  });
});

describe('graceful degradation along the provider chain', () => {
  it('moves rows to the next model while the first one fails, and says so', async () => {
    const down = new FakeProvider({ name: 'flaky-model', models: ['gemini-3.1-flash-image'], fail: () => ({ ok: false, kind: 'transient', reason: 'overloaded (503)' }) });
    const up = new FakeProvider({ name: 'steady-model', models: ['gemini-3-pro-image'] });
    const s = await startTestServer(
      { ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image,gemini-3-pro-image', ROWSHOT_BREAKER_FAILURES: '2', ROWSHOT_BREAKER_OPEN_MS: '60000', ROWSHOT_ROW_CONCURRENCY: '1', ROWSHOT_DAILY_BUDGET_USD: 'none' },
      { providers: [down, up] },
    );
    try {
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(10, (i) => ({ Prompt: `p${i}` })) } });
      const { id } = (await res.json()) as { id: string };
      const done = await s.waitForBatch(id, 60_000);
      expect(done.counts.DONE).toBe(10);
      expect(down.calls.length).toBe(2); // then its breaker is open: no more calls
      const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
      expect(page.rows.every((r) => r.provider === 'steady-model')).toBe(true);
      expect(page.rows.some((r) => r.notes.includes('gemini-3.1-flash-image failing right now; served by gemini-3-pro-image'))).toBe(true);
    } finally {
      await s.close();
    }
  }, 90_000);

  it('falls back to the template renderer only when the batch allows it', async () => {
    const down = new FakeProvider({ name: 'flaky-model', models: ['gemini-3.1-flash-image'], fail: () => ({ ok: false, kind: 'transient', reason: 'overloaded (503)' }) });
    const s = await startTestServer(
      { ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_BREAKER_FAILURES: '1', ROWSHOT_BREAKER_OPEN_MS: '1000', ROWSHOT_ROW_CONCURRENCY: '1', ROWSHOT_MAX_ATTEMPTS: '3' },
      { providers: [down] },
    );
    try {
      const fallback = (await (await s.api('/v1/batches', { method: 'POST', json: { rows: rows(3, () => ({ Prompt: 'x', Headline: 'Hi' })), allowTemplateFallback: true } })).json()) as { id: string };
      const a = await s.waitForBatch(fallback.id, 60_000);
      expect(a.counts.DONE).toBe(3);
      const page = (await (await s.api(`/v1/batches/${fallback.id}/rows`)).json()) as RowsPage;
      expect(page.rows.filter((r) => r.provider === 'template').length).toBeGreaterThanOrEqual(2);

      const strict = (await (await s.api('/v1/batches', { method: 'POST', json: { rows: rows(2, () => ({ Prompt: 'x' })) } })).json()) as { id: string };
      const b = await s.waitForBatch(strict.id, 60_000);
      expect(b.counts.FAILED).toBe(2);
      const failed = (await (await s.api(`/v1/batches/${strict.id}/rows`)).json()) as RowsPage;
      // The last attempt either finds the breaker open or is the probe that fails again.
      for (const r of failed.rows) expect(r.reason).toMatch(/^(gemini-3\.1-flash-image is failing right now|overloaded \(503\)) \(gave up after \d attempts\)$/);
    } finally {
      await s.close();
    }
  }, 90_000);
});
