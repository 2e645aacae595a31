import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../backend/src/core/tenants/tenants';
import { rows, startTestServer, type TestServer } from '../../helpers/server';

let s: TestServer;
let otherKey: string;
beforeAll(async () => {
  s = await startTestServer({ ROWSHOT_RATE_LIMIT_PER_MIN: '6000' });
  otherKey = (await createApiKey(s.rowshot.deps.store, 'other', s.rowshot.deps.clock)).key;
});
afterAll(() => s.close());

describe('authentication', () => {
  it('answers 401 problems without or with a wrong key', async () => {
    for (const key of [null, 'rs_not-a-real-key', 'garbage']) {
      const res = await s.api('/v1/batches', { key });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      const p = (await res.json()) as { code: string; status: number; detail: string };
      expect(p).toMatchObject({ code: 'unauthenticated', status: 401 });
    }
  });

  it('accepts X-Api-Key as well as a bearer token', async () => {
    const res = await s.api('/v1/packs', { key: null, headers: { 'x-api-key': s.key } });
    expect(res.status).toBe(200);
  });

  it('stores only a hash of each key', async () => {
    const page = await s.rowshot.deps.store.list('system/api-keys/');
    const stored = await Promise.all(page.keys.map(async (k) => (await s.rowshot.deps.store.get(k))!.data.toString()));
    // The dev key and the other tenant's key, each under the SHA-256 of the key, never the key.
    expect(page.keys).toHaveLength(2);
    expect(page.keys).toContain(`system/api-keys/${createHash('sha256').update(s.key).digest('hex')}.json`);
    expect(stored.join('\n')).not.toContain(s.key);
    expect(page.keys.join('\n')).not.toContain(s.key);
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's batch, rows, export and cancel", async () => {
    const created = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(2, () => ({ Prompt: 'p', Model: 'template' })) } });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    for (const [method, p] of [['GET', `/v1/batches/${id}`], ['GET', `/v1/batches/${id}/rows`], ['GET', `/v1/batches/${id}/export?format=csv`], ['POST', `/v1/batches/${id}/cancel`]] as const) {
      const res = await s.api(p, { method, key: otherKey });
      expect(res.status, `${method} ${p}`).toBe(404);
    }
    const theirs = (await (await s.api('/v1/batches', { key: otherKey })).json()) as { batches: unknown[] };
    expect(theirs.batches).toEqual([]);
    await s.waitForBatch(id);
  });
});

describe('RFC 7807 problems', () => {
  it('lists every invalid field', async () => {
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: [{ rowId: ' padded', cells: { Prompt: 1 } }, { cells: {} }], maxCostUsd: -1, flushIntervalMs: 5 } });
    expect(res.status).toBe(400);
    const p = (await res.json()) as { invalidFields: { field: string }[] };
    expect(p.invalidFields.map((f) => f.field).sort()).toEqual(['flushIntervalMs', 'maxCostUsd', 'rows[0].rowId', 'rows[1].rowId']);
  });

  it('rejects duplicate Row IDs, naming both rows', async () => {
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: [{ rowId: 'a', cells: {} }, { rowId: 'a', cells: {} }] } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ invalidFields: [{ field: 'rows[1].rowId', message: 'duplicate Row ID "a" (also rows[0])' }] });
  });

  it('lists up to 200 invalid fields and says how many there are in all', async () => {
    const dup = await s.api('/v1/batches', { method: 'POST', json: { rows: Array.from({ length: 301 }, () => ({ rowId: 'same', cells: {} })) } });
    expect(dup.status).toBe(400);
    const d = (await dup.json()) as { detail: string; invalidFields: { field: string }[] };
    expect(d.detail).toBe('300 row(s) repeat a Row ID');
    expect(d.invalidFields).toHaveLength(200);
    expect(d.invalidFields[199]!.field).toBe('rows[200].rowId');

    const bad = await s.api('/v1/batches', { method: 'POST', json: { rows: Array.from({ length: 300 }, () => ({ rowId: ' x', cells: {} })) } });
    expect(bad.status).toBe(400);
    const b = (await bad.json()) as { detail: string; invalidFields: { field: string }[] };
    expect(b.detail).toMatch(/^The request has 300 invalid field\(s\): /);
    expect(b.invalidFields).toHaveLength(200);
  });

  it('answers malformed JSON with a 400 problem, unknown routes with 404', async () => {
    const bad = await s.api('/v1/batches', { method: 'POST', body: '{"rows":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('invalid_request');
    expect((await s.api('/v1/nope')).status).toBe(404);
  });

  it('refuses workbook targets outside the allowed folders', async () => {
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => ({ Prompt: 'x' })), target: { kind: 'workbook', path: '/etc/passwd.csv' } } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { invalidFields: { field: string }[] }).invalidFields[0]?.field).toBe('target');
    // Files on the server's disk are the embedded tenant's only: another tenant cannot target them.
    const other = await s.api('/v1/batches', { method: 'POST', key: otherKey, json: { rows: rows(1, () => ({ Prompt: 'x' })), target: { kind: 'workbook', path: `${s.dataDir}/theirs.csv` } } });
    expect(other.status).toBe(422);
    expect(((await other.json()) as { detail: string }).detail).toMatch(/only for the "local" tenant/);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a key exceeds its rate', async () => {
    const limited = await startTestServer({ ROWSHOT_RATE_LIMIT_PER_MIN: '60' });
    try {
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      for (let i = 0; i < 15; i++) {
        const res = await limited.api('/v1/packs');
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.slice(0, 10).every((x) => x === 200)).toBe(true);
      expect(statuses).toContain(429);
      expect(Number(retryAfter)).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});

describe('service endpoints', () => {
  it('serves health, readiness, metrics and an OpenAPI document from the contracts', async () => {
    expect((await s.api('/healthz', { key: null })).status).toBe(200);
    expect(await (await s.api('/readyz', { key: null })).json()).toEqual({ ready: true });
    const metrics = await (await s.api('/metrics', { key: null })).text();
    expect(metrics).toContain('rowshot_queue_depth');
    expect(metrics).toContain('rowshot_rows_total');
    const doc = (await (await s.api('/openapi.json', { key: null })).json()) as { paths: Record<string, { post?: { requestBody?: { content: Record<string, { schema: { properties: Record<string, unknown> } }> } } }> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/batches', '/v1/batches/{id}/rows', '/v1/packs/{id}', '/v1/estimate']));
    expect(Object.keys(doc.paths['/v1/batches']!.post!.requestBody!.content['application/json']!.schema.properties)).toEqual(expect.arrayContaining(['rows', 'maxCostUsd', 'target']));
  });
});
