import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { strFromU8, unzipSync } from 'fflate';
import { rotateLinkKey } from '../../../backend/src/core/tenants/tenants';
import type { BatchStatus, RowsPage } from '../../../shared/index';
import { FakeProvider } from '../../helpers/fake-provider';
import { rows, startTestServer, type TestServer } from '../../helpers/server';

const post = (s: TestServer, body: unknown, headers: Record<string, string> = {}) => s.api('/v1/batches', { method: 'POST', json: body, headers });
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('a batch from accept to DONE', () => {
  let s: TestServer;
  const provider = new FakeProvider({ latencyMs: 5 });
  beforeAll(async () => { s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image' }, { providers: [provider] }); });
  afterAll(() => s.close());

  it('accepts with 202, runs every row, reports counts, cost and rows', async () => {
    const res = await post(s, { name: 'Spring launch', rows: rows(12, (i) => ({ Prompt: `item ${i}`, 'Aspect ratios': i % 3 === 0 ? '1:1, 16:9' : '1:1' })) });
    expect(res.status).toBe(202);
    const created = await json<{ id: string; statusUrl: string }>(res);
    expect(res.headers.get('location')).toBe(created.statusUrl);
    const done = await s.waitForBatch(created.id);
    expect(done.counts).toMatchObject({ DONE: 12, FAILED: 0, QUEUED: 0, RUNNING: 0 });
    expect(done.progress).toBe(1);
    expect(done.cost.estimatedUsd).toBeCloseTo(16 * 0.067, 6);
    expect(done.cost.actualUsd).toBeCloseTo(16 * 0.067, 6);
    expect(provider.calls).toHaveLength(16);

    const page = await json<RowsPage>(await s.api(`/v1/batches/${created.id}/rows?pageSize=5`));
    expect(page.rows.map((r) => r.rowId)).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(page.nextPageToken).toBe('5');
    expect(page.rows[0]!.images.map((i) => i.aspectRatio)).toEqual(['1:1', '16:9']);
    expect(page.rows[0]!.provider).toBe('fake-model');

    // The image link works without a login; a forged one does not.
    const link = page.rows[0]!.images[0]!.url;
    const img = await fetch(link);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect((await fetch(link.slice(0, -3) + 'AAA')).status).toBe(404);
    expect((await fetch(page.rows[0]!.images[0]!.thumbnailUrl)).status).toBe(200);
  });

  it('accepts any Row ID a sheet may hold, without letting it escape a path', async () => {
    const ids = ['SKU:12', '../../etc', 'Ünïcode id 7'];
    const { id } = await json<{ id: string }>(await post(s, { rows: ids.map((rowId) => ({ rowId, cells: { Prompt: 'x' } })) }));
    const done = await s.waitForBatch(id);
    expect(done.counts.DONE).toBe(3);
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    expect(page.rows.map((r) => r.rowId)).toEqual(ids);
    for (const r of page.rows) expect((await fetch(r.images[0]!.url)).status).toBe(200);
    const zip = unzipSync(new Uint8Array(await (await s.api(`/v1/batches/${id}/export?format=zip`)).arrayBuffer()));
    expect(Object.keys(zip).every((n) => !n.includes('..'))).toBe(true);
  });

  it('keeps the same batch for the same Idempotency-Key, and refuses the key for a different body', async () => {
    const body = { rows: rows(2, () => ({ Prompt: 'same' })) };
    const a = await json<{ id: string }>(await post(s, body, { 'idempotency-key': 'k-1' }));
    const second = await post(s, body, { 'idempotency-key': 'k-1' });
    expect(second.status).toBe(202);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect((await json<{ id: string }>(second)).id).toBe(a.id);
    const other = await post(s, { rows: rows(3, () => ({ Prompt: 'other' })) }, { 'idempotency-key': 'k-1' });
    expect(other.status).toBe(409);
    await s.waitForBatch(a.id);
  });

  it('lists history newest first, filtered by state and text', async () => {
    const list = await json<{ batches: BatchStatus[] }>(await s.api('/v1/batches?q=spring'));
    expect(list.batches.map((b) => b.name)).toEqual(['Spring launch']);
    const all = await json<{ batches: BatchStatus[] }>(await s.api('/v1/batches?state=DONE'));
    expect(all.batches.length).toBeGreaterThanOrEqual(2);
    const created = all.batches.map((b) => b.createdAt);
    expect([...created].sort().reverse()).toEqual(created);
    expect((await s.api('/v1/batches?state=NOPE')).status).toBe(400);
  });

  it('exports rows as CSV, JSON and a ZIP of the images', async () => {
    const { batches } = await json<{ batches: BatchStatus[] }>(await s.api('/v1/batches?q=spring'));
    const id = batches[0]!.id;
    const csv = await (await s.api(`/v1/batches/${id}/export?format=csv`)).text();
    expect(csv.split('\n')[0]).toBe('Row ID,Status,Error,Provider,Cost (USD),Image URL,Thumbnail URL,Updated at,Provenance');
    expect(csv).toContain('r12,DONE');
    const j = await json<{ rows: unknown[] }>(await s.api(`/v1/batches/${id}/export?format=json`));
    expect(j.rows).toHaveLength(12);
    const zip = unzipSync(new Uint8Array(await (await s.api(`/v1/batches/${id}/export?format=zip`)).arrayBuffer()));
    const names = Object.keys(zip);
    expect(names).toContain('results.csv');
    expect(names.filter((n) => n.startsWith('images/'))).toHaveLength(16);
    expect(names).toContain('images/r1/1080x608-v1.png');
  });

  it('exports a Row ID that looks like a formula as text, in the CSV and in the zip\'s results.csv', async () => {
    const { id } = await json<{ id: string }>(await post(s, { rows: [
      { rowId: '=HYPERLINK("x")', cells: { Prompt: 'x' } },
      { rowId: '@sum', cells: { Prompt: 'y' } },
      { rowId: 'plain', cells: { Prompt: 'z' } },
    ] }));
    await s.waitForBatch(id);
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    const csv = await (await s.api(`/v1/batches/${id}/export?format=csv`)).text();
    const zip = unzipSync(new Uint8Array(await (await s.api(`/v1/batches/${id}/export?format=zip`)).arrayBuffer()));
    for (const [where, text] of [['csv', csv], ['results.csv', strFromU8(zip['results.csv']!)]] as const) {
      const [header, ...records] = parse(text) as string[][];
      expect(header, where).toEqual(['Row ID', 'Status', 'Error', 'Provider', 'Cost (USD)', 'Image URL', 'Thumbnail URL', 'Updated at', 'Provenance']);
      expect(records.map((r) => r[0]), where).toEqual(['\'=HYPERLINK("x")', "'@sum", 'plain']);
      // The other cells are what a sheet's output cells show (shared/result-cells.ts).
      expect(records[0]!.slice(1, 5), where).toEqual(['DONE', '', 'fake-model', '0.067']);
      expect(records[0]![5], where).toBe(page.rows[0]!.images[0]!.url);
      expect(records[0]![6], where).toBe(page.rows[0]!.images[0]!.thumbnailUrl);
      expect(records[0]![7], where).toBe(page.rows[0]!.updatedAt);
    }
  });

  it('stops serving links when the tenant link key is rotated', async () => {
    const { batches } = await json<{ batches: BatchStatus[] }>(await s.api('/v1/batches?q=spring'));
    const page = await json<RowsPage>(await s.api(`/v1/batches/${batches[0]!.id}/rows?pageSize=1`));
    const link = page.rows[0]!.images[0]!.url;
    expect((await fetch(link)).status).toBe(200);
    await rotateLinkKey(s.rowshot.deps.store, 'local');
    expect((await fetch(link)).status).toBe(404);
    const fresh = await json<RowsPage>(await s.api(`/v1/batches/${batches[0]!.id}/rows?pageSize=1`));
    expect((await fetch(fresh.rows[0]!.images[0]!.url)).status).toBe(200);
  });
});

describe('failures are classified per row', () => {
  let s: TestServer;
  const provider = new FakeProvider({
    fail: (req) => {
      if (req.prompt.includes('blocked')) return { ok: false, kind: 'permanent', reason: 'the model blocked this prompt for safety' };
      if (req.prompt.includes('always-down')) return { ok: false, kind: 'transient', reason: 'model overloaded (503)' };
      return null;
    },
  });
  let flakyCalls = 0;
  const flaky = new FakeProvider({
    name: 'flaky', models: ['gemini-3-pro-image'],
    fail: () => (++flakyCalls <= 2 ? { ok: false, kind: 'transient', reason: 'rate limited (429)', retryAfterMs: 100 } : null),
  });
  beforeAll(async () => {
    s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_MAX_ATTEMPTS: '3' }, { providers: [provider, flaky] });
  });
  afterAll(() => s.close());

  it('retries transient failures, fails permanent ones with the reason, and fails (never loses) a row after its last attempt', async () => {
    const { id } = await json<{ id: string }>(await post(s, { rows: [
      { rowId: 'ok', cells: { Prompt: 'fine' } },
      { rowId: 'blocked', cells: { Prompt: 'blocked thing' } },
      { rowId: 'down', cells: { Prompt: 'always-down' } },
      { rowId: 'flaky', cells: { Prompt: 'x', Model: 'gemini-3-pro-image' } },
      { rowId: 'nopack', cells: { Prompt: 'x', 'Reference pack': 'does-not-exist' } },
    ] }));
    const done = await s.waitForBatch(id, 60_000);
    expect(done.counts).toMatchObject({ DONE: 2, FAILED: 3 });
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    const byId = Object.fromEntries(page.rows.map((r) => [r.rowId, r]));
    expect(byId.blocked).toMatchObject({ state: 'FAILED', reason: 'the model blocked this prompt for safety', attempts: 1 });
    expect(byId.down).toMatchObject({ state: 'FAILED', reason: 'model overloaded (503) (gave up after 3 attempts)', attempts: 3 });
    expect(byId.flaky).toMatchObject({ state: 'DONE', attempts: 3, provider: 'flaky' });
    expect(byId.nopack).toMatchObject({ state: 'FAILED', reason: 'Reference pack "does-not-exist" was not found' });

    // The export's Status and Error cells say the same as the sheet's.
    const [, ...records] = parse(await (await s.api(`/v1/batches/${id}/export?format=csv`)).text()) as string[][];
    const exported = Object.fromEntries(records.map((r) => [r[0], r]));
    expect(exported.blocked!.slice(1, 3)).toEqual(['FAILED: the model blocked this prompt for safety', 'the model blocked this prompt for safety']);
    expect(exported.ok!.slice(1, 3)).toEqual(['DONE', '']);
  }, 90_000);

  it('retries only FAILED rows when asked, once the batch has finished', async () => {
    let calls = 0;
    const once = new FakeProvider({ name: 'once', models: ['gemini-3-pro-image'], fail: () => (++calls === 1 ? { ok: false, kind: 'permanent', reason: 'no image returned' } : null) });
    const s2 = await startTestServer({}, { providers: [once] });
    try {
      const { id } = await json<{ id: string }>(await post(s2, { rows: [{ rowId: 'a', cells: { Prompt: 'x', Model: 'gemini-3-pro-image' } }, { rowId: 'b', cells: { Prompt: 'y', Model: 'template' } }] }));
      const first = await s2.waitForBatch(id);
      expect(first.counts).toMatchObject({ DONE: 1, FAILED: 1 });
      const retried = await s2.api(`/v1/batches/${id}/retry`, { method: 'POST' });
      expect(retried.status).toBe(202);
      expect(await json<{ retriedRows: number }>(retried)).toMatchObject({ retriedRows: 1 });
      const second = await s2.waitForBatch(id);
      expect(second.counts).toMatchObject({ DONE: 2, FAILED: 0 });
      expect(calls).toBe(2);
      expect((await s2.api(`/v1/batches/${id}/retry`, { method: 'POST' })).status).toBe(409);
    } finally {
      await s2.close();
    }
  });
});

describe('budgets', () => {
  it('answers 422 with the estimate when a batch is over its maxCostUsd', async () => {
    const s = await startTestServer({}, { providers: [new FakeProvider()] });
    try {
      const res = await post(s, { maxCostUsd: 0.05, rows: rows(2, () => ({ Prompt: 'x', Model: 'gemini-3.1-flash-image' })) });
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ code: 'over_budget', estimate: { totalUsd: 0.134, maxCostUsd: 0.05 } });
    } finally {
      await s.close();
    }
  });

  it('never lets actual spend pass the daily budget: later rows become SKIPPED: budget', async () => {
    const provider = new FakeProvider({ latencyMs: 30 });
    const s = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: '0.2', ROWSHOT_ROW_CONCURRENCY: '4' }, { providers: [provider] });
    try {
      const body = { rows: rows(2, () => ({ Prompt: 'x', Model: 'gemini-3.1-flash-image' })) };
      // Each batch fits the budget alone (0.134 ≤ 0.20); together they do not.
      const a = await json<{ id: string }>(await post(s, body));
      const b = await json<{ id: string }>(await post(s, body));
      const [da, db] = [await s.waitForBatch(a.id), await s.waitForBatch(b.id)];
      const spent = da.cost.actualUsd + db.cost.actualUsd;
      expect(spent).toBeLessThanOrEqual(0.2);
      expect(da.counts.DONE + db.counts.DONE).toBe(2);
      expect(da.counts.SKIPPED + db.counts.SKIPPED).toBe(2);
      expect(provider.calls).toHaveLength(2);
      const skipped = await json<RowsPage>(await s.api(`/v1/batches/${db.counts.SKIPPED > 0 ? b.id : a.id}/rows?state=SKIPPED`));
      expect(skipped.rows[0]!.reason).toMatch(/^budget/);
      // A third batch is refused up front: today's remaining budget is below its estimate.
      expect((await post(s, body)).status).toBe(422);
    } finally {
      await s.close();
    }
  });
});

describe('cancel', () => {
  it('stops rows not yet started', async () => {
    const provider = new FakeProvider({ latencyMs: 150 });
    const s = await startTestServer({ ROWSHOT_ROW_CONCURRENCY: '1', ROWSHOT_ROW_RATE: '5', ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image' }, { providers: [provider] });
    try {
      const { id } = await json<{ id: string }>(await post(s, { rows: rows(20, () => ({ Prompt: 'x' })) }));
      await new Promise((r) => setTimeout(r, 400));
      const res = await s.api(`/v1/batches/${id}/cancel`, { method: 'POST' });
      expect(res.status).toBe(200);
      const callsAtCancel = provider.calls.length;
      const done = await s.waitForBatch(id, 30_000);
      expect(done.state).toBe('CANCELLED');
      expect(done.counts.CANCELLED).toBeGreaterThan(10);
      expect(done.counts.DONE + done.counts.CANCELLED).toBe(20);
      expect(provider.calls.length).toBeLessThanOrEqual(callsAtCancel + 1);
      expect((await s.api(`/v1/batches/${id}/cancel`, { method: 'POST' })).status).toBe(409);
    } finally {
      await s.close();
    }
  }, 90_000);
});
