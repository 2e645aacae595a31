// POST /v1/preview: one row made at once, charged once like a row, answered with links; no batch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeProvider } from '../../helpers/fake-provider';
import { startTestServer, type TestServer } from '../../helpers/server';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;
const preview = (s: TestServer, body: unknown) => s.api('/v1/preview', { method: 'POST', json: body });
type Preview = { rowId: string; provider: string; costUsd: number; images: { size: string; aspectRatio: string; variant: number; url: string; thumbnailUrl: string }[] };

describe('POST /v1/preview', () => {
  let s: TestServer;
  const provider = new FakeProvider();
  beforeAll(async () => {
    s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: '0.20', ROWSHOT_PREVIEW_PER_MIN: '60' }, { providers: [provider] });
  });
  afterAll(() => s.close());

  it('makes every size of the row, charges it once, answers capability links and creates no batch', async () => {
    const res = await preview(s, { row: { rowId: 'r_fox', cells: { Product: 'fox', Prompt: 'A red {{Product}}', 'Aspect ratios': '1:1, 16:9' } } });
    expect(res.status).toBe(200);
    const p = await json<Preview>(res);
    expect(p).toMatchObject({ rowId: 'r_fox', provider: 'fake-model', costUsd: 0.134 });
    expect(p.images.map((i) => [i.size, i.aspectRatio, i.variant])).toEqual([['1080x1080', '1:1', 1], ['1080x608', '16:9', 1]]);
    expect(provider.calls.map((c) => c.prompt)).toEqual(['A red fox', 'A red fox']);
    const img = await fetch(p.images[1]!.url);
    expect(img.status).toBe(200);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect((await fetch(p.images[0]!.thumbnailUrl)).status).toBe(200);
    expect((await json<{ batches: unknown[] }>(await s.api('/v1/batches'))).batches).toEqual([]);

    // The $0.134 was charged to today's $0.20: a second $0.067 preview is refused before any call.
    const over = await preview(s, { row: { cells: { Prompt: 'A cat' } } });
    expect(over.status).toBe(422);
    expect(await json<{ code: string; estimate: { totalUsd: number } }>(over)).toMatchObject({ code: 'over_budget', estimate: { totalUsd: 0.067 } });
    expect(provider.calls).toHaveLength(2);
    // Template rows are free, so they still preview.
    const free = await preview(s, { row: { cells: { Prompt: 'A cat', Model: 'template', Headline: 'Hello' } } });
    expect(free.status).toBe(200);
    expect(await json<Preview>(free)).toMatchObject({ rowId: 'preview', provider: 'template', costUsd: 0 });
  });

  it('refuses a row that cannot be made, listing the reasons, and a request with unknown fields', async () => {
    const bad = await preview(s, { row: { cells: { Prompt: '', Sizes: 'Instagram pst' } } });
    expect(bad.status).toBe(422);
    const problem = await json<{ invalidFields: { field: string; message: string }[] }>(bad);
    expect(problem.invalidFields.map((f) => f.message)).toEqual(['Prompt is empty', 'Size "Instagram pst" is not a known size (did you mean "Instagram post"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)']);
    const nopack = await preview(s, { row: { cells: { Prompt: 'x', Model: 'template', 'Reference pack': 'Nope' } } });
    expect(await json<{ detail: string }>(nopack)).toMatchObject({ detail: 'Reference pack "Nope" was not found' });
    const unknown = await preview(s, { row: { cells: { Prompt: 'x' } }, rows: [] });
    expect(unknown.status).toBe(400);
    expect((await json<{ invalidFields: { field: string }[] }>(unknown)).invalidFields.map((f) => f.field)).toContain('rows');
  });
});

describe('POST /v1/preview rate limit', () => {
  it('is limited per key, apart from the rest of the API', async () => {
    const s = await startTestServer({ ROWSHOT_PREVIEW_PER_MIN: '1' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await preview(s, { row: { cells: { Prompt: `card ${i}`, Model: 'template' } } })).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect((await s.api('/v1/estimate', { method: 'POST', json: { rows: [{ rowId: 'a', cells: { Prompt: 'x' } }] } })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
