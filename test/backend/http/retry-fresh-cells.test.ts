// POST /v1/batches/:id/retry with `rows`: the FAILED rows run with the cells sent now (a typo
// fixed in the sheet is what runs), not the batch's stored input; a bad list changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatus, RowsPage } from '../../../shared/index';
import { startTestServer, type TestServer } from '../../helpers/server';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('retry with fresh cells', () => {
  let s: TestServer;
  // Template rows: the free renderer makes them, no model stand-in is needed.
  beforeAll(async () => { s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'template' }); });
  afterAll(() => s.close());

  async function failedBatch(): Promise<string> {
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: [
      { rowId: 'good', cells: { Prompt: 'a calm lake', 'Aspect ratios': '1:1' } },
      { rowId: 'typo', cells: { Prompt: 'a red fox', 'Aspect ratios': 'banana' } },
    ] } });
    const { id } = await json<{ id: string }>(res);
    expect((await s.waitForBatch(id)).counts).toMatchObject({ DONE: 1, FAILED: 1 });
    return id;
  }

  it('runs the fixed cells and says how many rows it took fresh', async () => {
    const id = await failedBatch();
    const res = await s.api(`/v1/batches/${id}/retry`, { method: 'POST', json: { rows: [{ rowId: 'typo', cells: { Prompt: 'a red fox', 'Aspect ratios': '16:9' } }] } });
    expect(res.status).toBe(202);
    expect(await json<{ retriedRows: number; freshRows: number }>(res)).toMatchObject({ retriedRows: 1, freshRows: 1 });
    const after = await s.waitForBatch(id);
    expect(after.counts).toMatchObject({ DONE: 2, FAILED: 0 });
    const page = await json<RowsPage>(await s.api(`/v1/batches/${id}/rows`));
    const typo = page.rows.find((r) => r.rowId === 'typo');
    expect(typo?.state).toBe('DONE');
    expect(typo?.images.map((i) => i.aspectRatio)).toEqual(['16:9']);
  });

  it('without fresh cells, runs the stored ones again (and the typo fails again)', async () => {
    const id = await failedBatch();
    const res = await s.api(`/v1/batches/${id}/retry`, { method: 'POST' });
    expect(await json<{ freshRows: number }>(res)).toMatchObject({ freshRows: 0 });
    const after = await s.waitForBatch(id);
    expect(after.counts).toMatchObject({ DONE: 1, FAILED: 1 });
  });

  it('refuses rows that are not FAILED rows of the batch, listing each, and changes nothing', async () => {
    const id = await failedBatch();
    const res = await s.api(`/v1/batches/${id}/retry`, { method: 'POST', json: { rows: [
      { rowId: 'good', cells: { Prompt: 'x' } },
      { rowId: 'nobody', cells: { Prompt: 'x' } },
      { rowId: 'typo', cells: { Prompt: 'x' } },
      { rowId: 'typo', cells: { Prompt: 'y' } },
    ] } });
    expect(res.status).toBe(400);
    const problem = await json<{ invalidFields: { field: string; message: string }[] }>(res);
    expect(problem.invalidFields.map((f) => f.field)).toEqual(['rows[0].rowId', 'rows[1].rowId', 'rows[3].rowId']);
    const status = await json<BatchStatus>(await s.api(`/v1/batches/${id}`));
    expect(status.state).toBe('DONE');
    expect(status.counts).toMatchObject({ DONE: 1, FAILED: 1 });
  });
});
