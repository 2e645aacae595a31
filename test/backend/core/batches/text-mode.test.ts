// The Text column end to end on a model's images: `overlay` (default) asks the model for no
// text, composites Rowshot's own typesetting, keeps the model's image and says so in the
// Provider cell; `model` hands the text to the model; `none` draws no text.
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { RowsPage } from '../../../../shared/index';
import { extractProvenance } from '../../../../backend/src/core/provenance/embed';
import { FakeProvider } from '../../../helpers/fake-provider';
import { rows, startTestServer } from '../../../helpers/server';

describe('Text column on AI rows', () => {
  it('overlay composites the headline over the kept model image; model and none leave the image as the model made it', async () => {
    // At the row's exact size (1080×1080), so the stored images compare pixel for pixel.
    const scene = await sharp({ create: { width: 1080, height: 1080, channels: 3, background: '#7a8f5c' } }).png().toBuffer();
    const provider = new FakeProvider({ name: 'scene-model', models: ['gemini-3.1-flash-image'], image: { data: scene, width: 1080, height: 1080 } });
    const s = await startTestServer({ ROWSHOT_PROVIDER_CHAIN: 'gemini-3.1-flash-image', ROWSHOT_DAILY_BUDGET_USD: 'none' }, { providers: [provider] });
    try {
      const modes = ['', 'model', 'none'];
      const res = await s.api('/v1/batches', { method: 'POST', json: { rows: rows(3, (i) => ({ Prompt: 'a meadow', Headline: 'Welcome, Ana!', Text: modes[i] ?? '' })) } });
      const { id } = (await res.json()) as { id: string };
      const done = await s.waitForBatch(id, 60_000);
      expect(done.counts.DONE).toBe(3);
      const page = (await (await s.api(`/v1/batches/${id}/rows`)).json()) as RowsPage;
      const byIndex = [...page.rows].sort((a, b) => a.index - b.index);
      expect(byIndex.map((r) => r.provider)).toEqual(['scene-model + overlay', 'scene-model', 'scene-model']);
      expect(provider.calls.map((c) => c.text).sort()).toEqual(['model', 'none', 'overlay']);

      const pixelsOf = async (url: string): Promise<Buffer> => {
        const r = await fetch(new URL(url, s.url));
        expect(r.status).toBe(200);
        return sharp(Buffer.from(await r.arrayBuffer())).removeAlpha().raw().toBuffer();
      };
      const flat = await sharp(scene).removeAlpha().raw().toBuffer();
      const changed = (a: Buffer): number => {
        let n = 0;
        for (let i = 0; i < a.length; i += 3) if (Math.abs((a[i] ?? 0) - (flat[i] ?? 0)) > 30) n++;
        return n;
      };
      const overlaid = await pixelsOf(byIndex[0]!.images[0]!.url);
      expect(changed(overlaid)).toBeGreaterThan(5000);
      expect(changed(await pixelsOf(byIndex[1]!.images[0]!.url))).toBe(0);
      expect(changed(await pixelsOf(byIndex[2]!.images[0]!.url))).toBe(0);

      // The model's own image is kept next to the final one.
      const keys = (await s.rowshot.deps.store.list(`tenants/`, { maxResults: 1000 })).keys;
      const base = keys.filter((k) => k.includes(byIndex[0]!.rowId.replace(/[^a-z0-9_]/gi, '')) && k.endsWith('.base.png'));
      expect(base).toHaveLength(1);
      // As the model made it: only Rowshot's provenance metadata was added (provenance/embed.ts).
      const kept = await s.rowshot.deps.store.get(base[0]!);
      expect(Buffer.compare(extractProvenance(kept!.data)!.stripped, scene)).toBe(0);
    } finally {
      await s.close();
    }
  }, 90_000);
});
