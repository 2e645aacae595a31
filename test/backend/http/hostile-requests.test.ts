// Requests a hostile user sends: each case here answered 500, mixed rows up or was silently
// ignored before. Every answer must be a 2xx or a 4xx problem naming what is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import type { BatchStatus, RowsPage } from '../../../shared/index';
import { rows, startTestServer, type TestServer } from '../../helpers/server';

const TASK_TOKEN = 't'.repeat(40);
let s: TestServer;
beforeAll(async () => { s = await startTestServer({ ROWSHOT_RATE_LIMIT_PER_MIN: '60000', ROWSHOT_TASK_TOKEN: TASK_TOKEN }); });
afterAll(() => s.close());

const post = (body: unknown, headers: Record<string, string> = {}) => s.api('/v1/batches', { method: 'POST', json: body, headers });
const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
type Problem = { status: number; code: string; detail: string; invalidFields?: { field: string; message: string }[] };
const fieldsOf = async (res: Response) => (await json<Problem>(res)).invalidFields?.map((f) => f.field).sort();

describe('Row IDs that used to share a storage key', () => {
  it('keeps one picture per row in the store and in the zip export', async () => {
    const ids = ['a:', 'x-YTo', 'b c', 'x-YiBj', 'SKU:12', 'SKU_12', 'sku_12'];
    const res = await post({ rows: ids.map((rowId, i) => ({ rowId, cells: { Prompt: `row ${i}`, Headline: `Row ${i}`, Model: 'template' } })) });
    expect(res.status).toBe(202);
    const { id } = await json<{ id: string }>(res);
    expect((await s.waitForBatch(id)).counts.DONE).toBe(ids.length);
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    const bytes = await Promise.all(page.rows.map(async (r) => Buffer.from(await (await fetch(r.images[0]!.url)).arrayBuffer()).toString('base64')));
    expect(new Set(page.rows.map((r) => r.images[0]!.url)).size).toBe(ids.length);
    expect(new Set(bytes).size).toBe(ids.length);
    const zip = unzipSync(new Uint8Array(await (await s.api(`/v1/batches/${id}/export?format=zip`)).arrayBuffer()));
    const folders = new Set(Object.keys(zip).filter((n) => n.startsWith('images/') && !n.includes('-thumb')).map((n) => n.split('/')[1]!.toLowerCase()));
    expect(folders.size).toBe(ids.length);
  });

  it('brings accented, CJK and emoji Row IDs (up to 64 characters) to a final state', async () => {
    const ids = ['café', 'cafe\u0301', '日本語', '😀', '👨‍👩‍👧‍👦', 'é'.repeat(64), '日'.repeat(64), '😀'.repeat(32)];
    const { id } = await json<{ id: string }>(await post({ rows: ids.map((rowId) => ({ rowId, cells: { Prompt: 'p', Model: 'template' } })) }));
    const done = await s.waitForBatch(id);
    expect(done.counts.DONE).toBe(ids.length);
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    expect(page.rows.map((r) => r.rowId)).toEqual(ids);
    expect(new Set(page.rows.map((r) => r.images[0]!.url)).size).toBe(ids.length);
  });

  it('refuses up front the Row IDs UTF-8 cannot tell apart (lone surrogates)', async () => {
    const res = await post({ rows: [{ rowId: '\ud800', cells: { Prompt: 'p' } }, { rowId: '\udc00', cells: { Prompt: 'p' } }] });
    expect(res.status).toBe(400);
    expect(await fieldsOf(res)).toEqual(['rows[0].rowId', 'rows[1].rowId']);
  });
});

describe('a row whose placeholders expand past every limit', () => {
  const big = 'x'.repeat(1_000_000);
  const hostile = { rowId: 'huge', cells: { Prompt: '{{A}}'.repeat(600), A: big } };
  const fine = { rowId: 'fine', cells: { Prompt: 'a card', Model: 'template' } };

  it('is priced as invalid alone by the estimate', async () => {
    const res = await s.api('/v1/estimate', { method: 'POST', json: { rows: [hostile, fine] } });
    expect(res.status).toBe(200);
    const e = await json<{ invalidRows: number; rows: { rowId: string; invalid?: string }[] }>(res);
    expect(e.invalidRows).toBe(1);
    expect(e.rows[0]!.invalid).toBe('Prompt is 600000000 characters long; the limit is 4000');
  });

  it('fails alone in a batch', async () => {
    const res = await post({ rows: [hostile, fine] });
    expect(res.status).toBe(202);
    const done = await s.waitForBatch((await json<{ id: string }>(res)).id);
    expect(done.counts).toMatchObject({ DONE: 1, FAILED: 1 });
  });
});

describe('malformed and stale tasks with a valid token', () => {
  const task = (path: string, body: unknown) => fetch(new URL(path, s.url), { method: 'POST', headers: { authorization: `Bearer ${TASK_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('answers 2xx or 4xx, never 5xx', async () => {
    const bodies: [string, unknown][] = [
      ['/tasks/row', { tenant: '../x', batchId: 'b_aaaaaaaaaaaaaaaaa', index: 0, gen: 0, rowId: 'r1' }],
      ['/tasks/row', { tenant: 'local', batchId: '../../etc', index: 0, gen: 0, rowId: 'r1' }],
      ['/tasks/row', { tenant: 'local', batchId: 'b_aaaaaaaaaaaaaaaaa', index: -1, gen: 0.5, rowId: 'r1' }],
      ['/tasks/row', { tenant: 'UPPER', batchId: 'b_aaaaaaaaaaaaaaaaa', index: 0, gen: 0, rowId: 'r1' }],
      ['/tasks/fanout', { tenant: 'local', batchId: 'nope', gen: 0 }],
      ['/tasks/flush', { tenant: '', batchId: 'b_x' }],
      ['/tasks/watchdog', { tenant: 'local/..', batchId: 'b_aaaaaaaaaaaaaaaaa', lastSeen: null }],
      ['/tasks/row', 'just a string'],
      ['/tasks/row', null],
    ];
    for (const [path, body] of bodies) {
      const res = await task(path, body);
      expect(res.status, `${path} ${JSON.stringify(body)}`).toBeLessThan(500);
    }
    const raw = await fetch(new URL('/tasks/row', s.url), { method: 'POST', headers: { authorization: `Bearer ${TASK_TOKEN}`, 'content-type': 'application/json' }, body: '{"tenant":' });
    expect(raw.status).toBe(400);
  });

  it('creates no record for a row index outside the batch, a chunk or generation it does not have', async () => {
    const res = await post({ rows: rows(2, () => ({ Prompt: 'p', Model: 'template' })) });
    const { id } = await json<{ id: string }>(res);
    await s.waitForBatch(id);
    for (const [path, body] of [
      ['/tasks/row', { tenant: 'local', batchId: id, index: 2, gen: 0, rowId: 'r3', cells: { Prompt: 'p' } }],
      ['/tasks/row', { tenant: 'local', batchId: id, index: 999999, gen: 0, rowId: 'rX', cells: { Prompt: 'p' } }],
      ['/tasks/row', { tenant: 'local', batchId: id, index: 0, gen: 7, rowId: 'r1', cells: { Prompt: 'p' } }],
      ['/tasks/row', { tenant: 'local', batchId: id, index: 0, gen: 0, rowId: 'someone-else', cells: { Prompt: 'p' } }],
      ['/tasks/fanout', { tenant: 'local', batchId: id, gen: 0, chunk: 40 }],
    ] as const) {
      const r = await task(path, body);
      expect(r.status, JSON.stringify(body)).toBe(200);
    }
    const keys = (await s.rowshot.deps.store.list(`tenants/local/batches/${id}/rows/`)).keys;
    expect(keys).toHaveLength(2);
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    expect(page.rows.map((r) => [r.rowId, r.state])).toEqual([['r1', 'DONE'], ['r2', 'DONE']]);
  });
});

describe('bodies of the wrong kind', () => {
  const body = JSON.stringify({ rows: rows(1, () => ({ Prompt: 'p' })) });

  it('answers 415 naming Content-Type for JSON sent as text/plain or with none', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
      const res = await s.api('/v1/batches', { method: 'POST', headers, body: new Blob([body]) });
      expect(res.status).toBe(415);
      const p = await json<Problem>(res);
      expect(p.invalidFields?.[0]?.field).toBe('Content-Type');
      expect(p.detail).toContain('Content-Type: application/json');
    }
    // A body-less action still works without a Content-Type.
    const { id } = await json<{ id: string }>(await post({ rows: rows(1, () => ({ Prompt: 'p', Model: 'template' })) }));
    expect((await s.api(`/v1/batches/${id}/cancel`, { method: 'POST' })).status).toBe(200);
  });

  it('answers 400 problems for malformed multipart bodies', async () => {
    const png = 'Content-Type: image/png\r\n\r\n\x89PNG\r\n';
    const cases: [string, string][] = [
      ['multipart/form-data', 'abc'],
      ['multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nabc'],
      ['multipart/form-data; boundary=XX', '--XX\r\nGarbage\r\n\r\nabc\r\n--XX--\r\n'],
      ['multipart/form-data; boundary=XX', `--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nok\r\n--XX\r\nContent-Disposition: form-data; name="images"; filename="a\u0000b.png"\r\n${png}\r\n--XX--\r\n`],
      ['multipart/form-data; boundary=XX', '--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\n'],
    ];
    for (const [type, text] of cases) {
      const res = await s.api('/v1/packs', { method: 'POST', headers: { 'content-type': type }, body: text });
      expect(res.status, `${type} ${JSON.stringify(text)}`).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect((await json<Problem>(res)).code).toBe('invalid_request');
    }
  });
});

describe('strict contracts', () => {
  it('lists an unknown top-level field, an unknown model and a column no row has, all at once', async () => {
    const res = await post({ rows: rows(1, () => ({ Prompt: 'p' })), maxCostUSD: 1, providerChain: ['template', 'nope'] });
    expect(res.status).toBe(400);
    expect(await fieldsOf(res)).toEqual(['maxCostUSD']);
    const names = await post({ rows: rows(1, () => ({ Prompt: 'p' })), providerChain: ['template', 'nope'], columns: { prompt: 'Nope', colour: 'Prompt' } });
    expect(names.status).toBe(400);
    expect(await fieldsOf(names)).toEqual(['columns.colour', 'columns.prompt', 'providerChain[1]']);
    const nested = await post({ rows: [{ rowId: 'a', cells: { Prompt: 'p' }, extra: 1 }], target: { kind: 'none', path: 'x' } });
    expect(await fieldsOf(nested)).toEqual(['rows[0].extra', 'target.path']);
  });

  it('refuses to price an unknown model', async () => {
    const res = await s.api('/v1/estimate', { method: 'POST', json: { rows: rows(1, () => ({ Prompt: 'p' })), providerChain: ['nope'] } });
    expect(res.status).toBe(400);
    expect(await fieldsOf(res)).toEqual(['providerChain[0]']);
  });
});

describe('Idempotency-Key', () => {
  it('is claimed only by an accepted batch, so the corrected retry of a 422 is accepted', async () => {
    const refused = await post({ rows: rows(1, () => ({ Prompt: 'p', Model: 'template' })), target: { kind: 'google-sheet', spreadsheetId: '0123456789abc' } }, { 'idempotency-key': 'fix-me' });
    expect(refused.status).toBe(422);
    const fixed = await post({ rows: rows(1, () => ({ Prompt: 'p', Model: 'template' })) }, { 'idempotency-key': 'fix-me' });
    expect(fixed.status).toBe(202);
    const replay = await post({ rows: rows(1, () => ({ Prompt: 'p', Model: 'template' })) }, { 'idempotency-key': 'fix-me' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    const st = await s.waitForBatch((await json<{ id: string }>(fixed)).id);
    expect(st.counts.DONE satisfies BatchStatus['counts']['DONE']).toBe(1);
  });
});
