import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchStatus, Problem } from '../../../shared/index';
import { startTestServer, type TestServer } from '../../helpers/server';

describe('POST /v1/batches header pre-flight', () => {
  let s: TestServer;
  beforeAll(async () => { s = await startTestServer(); });
  afterAll(() => s.close());

  it('refuses rows without a Prompt column before storing anything, naming the headers and the nearest', async () => {
    const res = await s.api('/v1/batches', { method: 'POST', json: { rows: [{ rowId: 'a', cells: { 'Promt text': 'a cat', Size: '1:1' } }] } });
    expect(res.status).toBe(400);
    const p = (await res.json()) as Problem;
    const message = 'No Prompt column. Headers found: "Promt text", "Size". Did you mean "Promt text"? Send "columns": { "prompt": "Promt text" } or rename it.';
    expect(p.detail).toBe(message);
    expect(p.invalidFields).toEqual([{ field: 'columns.prompt', message }]);
    const list = (await (await s.api('/v1/batches')).json()) as { batches: unknown[] };
    expect(list.batches).toHaveLength(0);
  });

  it('accepts the same rows with the mapping, and warns about a look-alike column that is not read', async () => {
    const res = await s.api('/v1/batches', {
      method: 'POST',
      json: { rows: [{ rowId: 'a', cells: { 'Promt text': 'a cat', Size: '16:9', 'Brand kits': 'x' } }], columns: { prompt: 'Promt text' } },
    });
    expect(res.status).toBe(202);
    const created = (await res.json()) as { id: string; warnings?: string[] };
    expect(created.warnings).toEqual(['Column "Brand kits" is not read (it is not a name Rowshot reads as Reference pack). Send "columns": { "referencePack": "Brand kits" } or rename it.']);
    const done: BatchStatus = await s.waitForBatch(created.id);
    expect(done.counts.DONE).toBe(1);
    const rows = (await (await s.api(`/v1/batches/${created.id}/rows`)).json()) as { rows: { images: { aspectRatio: string }[] }[] };
    // `Size` is read as the row's sizes.
    expect(rows.rows[0]?.images.map((i) => i.aspectRatio)).toEqual(['16:9']);
  });
});
