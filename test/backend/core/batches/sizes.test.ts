// Exact output pixels end to end: a model makes its own size at the nearest supported ratio,
// the core crops and scales that to the size asked for; the template renders it directly.
// Images are listed in the row's size order, then by variant, and named by size.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SIZE_PRESETS, type RowsPage } from '../../../../shared/index';
import { FakeProvider } from '../../../helpers/fake-provider';
import { rows, startTestServer } from '../../../helpers/server';

async function dims(url: string, base: string): Promise<string> {
  const r = await fetch(new URL(url, base));
  expect(r.status).toBe(200);
  const meta = await sharp(Buffer.from(await r.arrayBuffer())).metadata();
  return `${meta.width}x${meta.height}`;
}

describe('Sizes', () => {
  it('gives every preset and a pixel size exactly their pixels from a model and from the template renderer', async () => {
    const provider = new FakeProvider({ models: ['gemini-3.1-flash-image'] });
    const s = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const presets = SIZE_PRESETS.map((p) => p.name);
      const cellsOf = presets.slice(0, 7).join(', ');
      const rest = [...presets.slice(7), '1234×777'].join(', ');
      const input: Record<string, string>[] = [cellsOf, rest].flatMap((sizes) => [
        { Prompt: 'a lamp', Sizes: sizes, Model: 'gemini-3.1-flash-image', Headline: '' },
        { Prompt: 'a lamp', Sizes: sizes, Model: 'template', Headline: 'Aurora' },
      ]);
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(input.length, (i) => input[i]!) } });
      expect(res.status).toBe(202);
      const { id } = (await res.json()) as { id: string };
      const done = await s.waitForBatch(id, 120_000);
      expect(done.counts.DONE).toBe(4);
      const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
      const expected = [...SIZE_PRESETS.map((p) => `${p.width}x${p.height}`), '1234x777'];
      for (const row of page.rows) {
        const want = row.index < 2 ? expected.slice(0, 7) : expected.slice(7);
        expect(row.images.map((i) => i.size), row.rowId).toEqual(want);
        for (const img of row.images) expect(await dims(img.url, s.url), `${row.rowId} ${img.size}`).toBe(img.size);
      }
      // The model was asked for its nearest supported ratio, never for pixels it cannot make.
      // (The two model rows run side by side: compare the calls as a set.)
      const ratios = ['1:1', '4:5', '9:16', '16:9', '16:9', '16:9', '16:9', '2:3', '16:9', '2:3', '3:2', '2:3', '3:2', '3:2'];
      expect(provider.calls.map((c) => `${c.width}x${c.height} ${c.aspectRatio}`).sort()).toEqual(expected.map((e, i) => `${e} ${ratios[i]}`).sort());
    } finally {
      await s.close();
    }
  }, 180_000);

  it('gives a ratio a long edge of 1080 by default and the batch long edge when set; lists sizes then variants', async () => {
    const provider = new FakeProvider({ models: ['gemini-3.1-flash-image'] });
    const s = await startTestServer({ ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const row = { Prompt: 'a lamp', Sizes: '4:5, 16:9', Variants: 2, Model: 'gemini-3.1-flash-image' };
      const results: RowsPage['rows'][] = [];
      for (const longEdge of [undefined, 1600]) {
        const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => row), ...(longEdge ? { longEdge } : {}) } });
        const { id } = (await res.json()) as { id: string };
        expect((await s.waitForBatch(id, 60_000)).counts.DONE).toBe(1);
        results.push(((await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage).rows);
      }
      expect(results[0]![0]!.images.map((i) => `${i.size}-v${i.variant}`)).toEqual(['864x1080-v1', '864x1080-v2', '1080x608-v1', '1080x608-v2']);
      expect(results[1]![0]!.images.map((i) => `${i.size}-v${i.variant}`)).toEqual(['1280x1600-v1', '1280x1600-v2', '1600x900-v1', '1600x900-v2']);
      for (const img of results[1]![0]!.images) expect(await dims(img.url, s.url)).toBe(img.size);

      const bad = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(1, () => row), longEdge: 9000 } });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('longEdge');
    } finally {
      await s.close();
    }
  }, 120_000);

  it('fails a row with a wrong size naming the nearest preset, and keeps the others going', async () => {
    const s = await startTestServer();
    try {
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(2, (i) => ({ Prompt: 'a lamp', Sizes: i === 0 ? 'Instagram pst' : 'Instagram post' })) } });
      const { id } = (await res.json()) as { id: string };
      await s.waitForBatch(id, 60_000);
      const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
      const [bad, good] = [...page.rows].sort((a, b) => a.index - b.index);
      expect(bad).toMatchObject({
        state: 'FAILED',
        reason: 'Size "Instagram pst" is not a known size (did you mean "Instagram post"? sizes are ratios like 4:5, pixels like 1080x1350, or a preset)',
      });
      expect(good?.state).toBe('DONE');
      expect(good?.images.map((i) => i.size)).toEqual(['1080x1350']);
    } finally {
      await s.close();
    }
  }, 60_000);
});
