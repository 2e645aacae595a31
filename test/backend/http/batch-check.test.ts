// POST /v1/batches/check: the refusals of POST /v1/batches, creating nothing.
import { mkdtemp, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchCheckResponse, type Problem } from '../../../shared/index';
import { FakeProvider } from '../../helpers/fake-provider';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('POST /v1/batches/check', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: '0.05' }, { providers: [new FakeProvider()] }); });
  afterAll(() => s.close());

  const batches = async () => ((await (await s.api('/v1/batches')).json()) as { batches: unknown[] }).batches;

  it('answers 200 with the estimate for a batch that would be accepted, and a workbook not yet prepared (no Row ID column) passes', async () => {
    const folder = await mkdtemp(path.join(s.dataDir, 'wb-'));
    const file = path.join(folder, 'fresh.csv');
    await writeFile(file, 'Prompt\nA fox\n');
    const res = await s.api('/v1/batches/check', {
      method: 'POST',
      json: { rows: [{ rowId: 'a', cells: { Prompt: 'A fox' } }], target: { kind: 'workbook', path: file, links: 'files' } },
    });
    expect(res.status).toBe(200);
    expect(BatchCheckResponse.parse(await res.json())).toEqual({ ok: true, estimate: { totalUsd: 0, images: 1 } });
    expect(await batches()).toEqual([]);
    // POST /v1/batches itself still wants the Row ID column.
    const created = await s.api('/v1/batches', { method: 'POST', json: { rows: [{ rowId: 'a', cells: { Prompt: 'A fox' } }], target: { kind: 'workbook', path: file, links: 'files' } } });
    expect(created.status).toBe(422);
  });

  it('gives the problem POST /v1/batches would give: a target outside the roots, a budget, unknown names — and keeps the Idempotency-Key free', async () => {
    const outside = await s.api('/v1/batches/check', {
      method: 'POST',
      json: { rows: [{ rowId: 'a', cells: { Prompt: 'A fox' } }], target: { kind: 'workbook', path: '/etc/rowshot.csv', links: 'files' } },
    });
    expect(outside.status).toBe(422);
    expect(((await outside.json()) as Problem).invalidFields).toEqual([{ field: 'target', message: '"/etc/rowshot.csv" is outside the folders this server may write to' }]);

    const paid = { rows: [{ rowId: 'a', cells: { Prompt: 'A fox', Sizes: '1:1, 16:9' } }], providerChain: ['gemini-3.1-flash-image'] };
    const over = await s.api('/v1/batches/check', { method: 'POST', json: paid });
    expect(over.status).toBe(422);
    expect(((await over.json()) as Problem).detail).toBe("The estimate of $0.13 is over today's remaining budget of $0.05");

    const unknown = await s.api('/v1/batches/check', { method: 'POST', json: { ...paid, providerChain: ['no-such-model'], maxCostUSD: 1 } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Problem).detail).toMatch(/maxCostUSD/);
    expect(await batches()).toEqual([]);
  });
});
